"""The cheap helpers list rows use: pk_url (core/links.py) and the date filters of portal_tags."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from core.links import pk_url

VIEWS = [
    "agreements:detail",
    "partnerships:partnership_detail",
    "training:session_detail",
    "partnerships:action_status",
]


@pytest.mark.parametrize("viewname", VIEWS)
def test_pk_url_gives_what_reverse_gives(viewname):
    for pk in (1, 42, 9_876_543):
        assert pk_url(viewname, pk) == reverse(viewname, args=[pk])


def test_pk_url_follows_the_script_prefix():
    try:
        set_script_prefix("/portal/")
        assert pk_url("agreements:detail", 7) == reverse("agreements:detail", args=[7])
        assert pk_url("agreements:detail", 7).startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert pk_url("agreements:detail", 7) == reverse("agreements:detail", args=[7])


def _render(source, value):
    return engines["django"].from_string(source).render({"value": value})


VALUES = [
    *(datetime.date(2026, month, month) for month in range(1, 13)),
    datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC),  # 1 July in London
    datetime.datetime(2026, 12, 31, 23, 59, tzinfo=datetime.UTC),
    None,
    "",
]


@pytest.mark.parametrize("value", VALUES)
def test_date_filters_show_what_django_date_shows(value):
    django_date = _render('{{ value|date:"j M Y" }} {{ value|date:"c" }}', value)
    ours = _render("{% load portal_tags %}{{ value|day_month_year }} {{ value|iso }}", value)
    assert ours == django_date
