"""A deliberately broken URL conf: a view that skips visible_to(), to prove the 404 helper fails."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from partnerships.models import Organisation


@login_required
def unscoped_organisation(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)  # missing .visible_to(request.user)
    return HttpResponse(organisation.name)


urlpatterns = [path("unscoped/<int:pk>/", unscoped_organisation)]
