"""The portal's URLs plus a floor page, for benchmarks/bench.py only (``bench_settings``).

- ``/bench/floor/``: a signed-in page of the portal's base layout with nothing in it (the
  navigation, the notification bell and the footer that every page has). Every page's time is
  divided by this page's time, measured in the same process, to show what a page costs beyond
  the layout.
- Django admin's change lists show ``PAGE_SIZE`` rows here, the same as the portal's lists
  (``core.views.PAGE_SIZE``), so a list page and its admin counterpart show as many rows.
  Only this benchmark's process is changed: the admin that people use keeps its 100 rows.
- A foreign key to a person that the admin renders as a ``<select>`` of every user (the
  Partnership change form's ``created_by``: 38,000 options on the national data set, 16 to 21
  s a request) is shown as a raw id here, as Django advises for large tables, so that a detail
  page is compared with a sensible change form rather than with that select. Set
  ``BENCH_ADMIN_AS_IS=1`` to measure the admin exactly as it is.
"""

import os

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from core.views import PAGE_SIZE
from portal.urls import handler500  # noqa: F401 (handler500 is read from here)
from portal.urls import urlpatterns as portal_urlpatterns


def _people_as_raw_ids(model_admin) -> None:
    meta = model_admin.model._meta
    names = [
        field.name
        for field in [*meta.fields, *meta.many_to_many]
        if field.is_relation
        and field.editable
        and field.related_model is get_user_model()
        and field.name not in model_admin.autocomplete_fields
        and field.name not in model_admin.raw_id_fields
    ]
    if names:
        model_admin.raw_id_fields = (*model_admin.raw_id_fields, *names)


for _model_admin in admin.site._registry.values():
    _model_admin.list_per_page = PAGE_SIZE
    if os.environ.get("BENCH_ADMIN_AS_IS") != "1":
        _people_as_raw_ids(_model_admin)


@login_required
def floor(request):
    """The base layout alone: what every page costs before it shows anything."""
    return render(request, "base.html", {})


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *portal_urlpatterns]
