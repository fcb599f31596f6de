"""The list pattern (core/lists.py and the includes in templates/includes/), and every list page with it."""

import re

import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from core.lists import Column, FilterForm, Sort, table_header
from partnerships.models import Organisation

pytestmark = pytest.mark.django_db


class ThingFilter(FilterForm):
    q = forms.CharField(label="Search by name", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), ("a", "A"), ("b", "B")])
    day = forms.DateField(label="Day", required=False)
    tab = forms.ChoiceField(required=False, choices=[("", "All"), ("mine", "Mine")], widget=forms.HiddenInput)

    search_fields = ("name", "address")
    sorts = {"name": Sort("Name", ("name", "pk")), "kind": Sort("Kind, newest first", ("-kind", "pk"), "descending")}
    default_sort = "name"
    not_filters = ("tab",)

    def filter_kind(self, queryset, value):
        return queryset.filter(kind=value)


def bound(query: str) -> ThingFilter:
    return ThingFilter(QueryDict(query))


# The form


def test_valid_values_are_kept_and_invalid_ones_left_out():
    form = bound("q=north&kind=zzz&day=not-a-date&sort=DROP+TABLE&tab=mine")
    assert form.active() == {"q": "north", "tab": "mine"}
    assert form.sort == "name"  # an unknown sort falls back to the default, with no message
    assert "sort" not in form.errors and "tab" not in form.errors
    assert set(form.errors) == {"kind", "day"}  # what the user chose is marked in the bar


def test_a_tab_is_not_a_filter():
    assert not bound("tab=mine").filtering
    assert bound("tab=mine&kind=a").filtering
    assert not bound("").filtering
    assert not bound("q=").filtering
    assert bound("q=north").filtering


def test_filter_qs_searches_filters_and_sorts_by_a_whitelisted_column(university, police_force):
    queryset = Organisation.objects.all()
    names = [o.name for o in bound("sort=name").filter_qs(queryset)]
    assert names == sorted(names)
    searched = bound(f"q={university.name[:5].lower()}").filter_qs(queryset)
    assert university in searched and police_force not in searched
    ordered = bound("sort=kind").filter_qs(queryset)
    assert ordered.query.order_by == ("-kind", "pk")
    assert bound("sort=password").filter_qs(queryset).query.order_by == ("name", "pk")


def test_querystring_keeps_the_filters_but_not_the_page():
    form = bound("q=a+b&kind=a&page=3&tab=mine")
    assert QueryDict(form.querystring()) == QueryDict("q=a+b&kind=a&tab=mine")
    assert QueryDict(form.querystring(sort="kind")) == QueryDict("q=a+b&kind=a&tab=mine&sort=kind")
    assert QueryDict(form.querystring(kind=None)) == QueryDict("q=a+b&tab=mine")
    assert form.clear_querystring() == "tab=mine"  # clearing keeps the tab


def test_header_links_each_sortable_column_to_its_sort_with_aria_sort_on_the_current_one():
    form = bound("q=x&sort=kind&page=2")
    name, kind, plain = form.header([Column("Name", sort="name"), Column("Kind", sort="kind"), Column("Notes")])
    assert QueryDict(name["href"][1:]) == QueryDict("q=x&sort=name")
    assert name["aria_sort"] == ""
    assert kind["aria_sort"] == "descending"
    assert plain["href"] == "" and plain["aria_sort"] == ""
    assert table_header([Column("Actions", hidden=True)])[0]["hidden"]


def test_tabs_mark_the_current_one():
    tabs = bound("tab=mine&q=x").tabs("tab", [("", "All"), ("mine", "Mine")])
    assert tabs == [
        {"label": "All", "href": "?", "active": False},
        {"label": "Mine", "href": "?tab=mine", "active": True},
    ]


# The includes


def _render(template, query, **context):
    request = RequestFactory().get("/things/", QueryDict(query))
    form = ThingFilter(request.GET)
    return render_to_string(
        template,
        {
            "form": form,
            "filter_form": form,
            "filtering": form.filtering,
            "clear_querystring": form.clear_querystring(),
            **context,
        },
        request=request,
    )


def test_filter_bar_labels_every_field_carries_the_tab_and_offers_to_clear():
    html = _render("includes/filter_bar.html", "q=x&tab=mine", label="Search things")
    assert 'role="search" aria-label="Search things"' in html
    for name in ("q", "kind", "day"):
        assert f'<label class="form-label" for="id_{name}">' in html
    assert 'type="search"' in html
    assert '<input type="hidden" name="tab" value="mine"' in html
    assert 'href="/things/?tab=mine">Clear filters</a>' in html
    assert "Clear filters" not in _render("includes/filter_bar.html", "tab=mine", label="Search things")


def test_filter_bar_says_which_filters_could_not_be_used():
    html = _render("includes/filter_bar.html", "day=31-02-2020", label="Search things")
    assert "Some filters could not be used" in html
    assert "Enter a valid date." in html


def test_table_head_has_scoped_headings_and_sort_links():
    form = bound("q=x&sort=name")
    html = render_to_string(
        "includes/table_head.html", {"header": form.header([Column("Name", sort="name"), Column("Edit", hidden=True)])}
    )
    assert html.count('scope="col"') == 2
    assert 'aria-sort="ascending"' in html
    assert re.search(r'href="\?q=x&amp;sort=name"', html)
    assert '<span class="visually-hidden">Edit</span>' in html


def test_empty_state_tells_nothing_yet_from_nothing_matching():
    empty = _render("includes/empty_state.html", "tab=mine", no_match="No things match.", message="No things yet.")
    assert "No things yet." in empty and "No things match." not in empty
    filtered = _render(
        "includes/empty_state.html", "tab=mine&q=zz", no_match="No things match.", message="No things yet."
    )
    assert "No things match." in filtered and "No things yet." not in filtered
    assert 'href="/things/?tab=mine">Clear the filters</a>' in filtered


# Every list page, with a filter applied and with nonsense in the query string


PAGES = [
    (
        "partnerships:partnership_list",
        "university_liaison",
        "q=zzz-nothing&status=active&sort=health",
        "No partnerships match these filters.",
    ),
    (
        "partnerships:organisation_list",
        "administrator",
        "q=zzz-nothing&kind=university&sort=region",
        "No organisations match your search.",
    ),
    ("partnerships:my_actions", "university_liaison", "q=zzz-nothing&owner=me", "No open actions match."),
    ("partnerships:shares_awaiting_feedback", "police_liaison", "side=us", "Nothing is waiting for feedback."),
    (
        "training:session_list",
        "staff",
        "q=zzz-nothing&date_from=2020-01-01&past=on",
        "No sessions match these filters.",
    ),
    ("training:course_list", "staff", "q=zzz-nothing", "No courses match these filters."),
    (
        "training:my_bookings",
        "university_liaison",
        "tab=organisation&status=booked&q=zzz-nothing",
        "No bookings match.",
    ),
    ("training:needs", "university_liaison", "", "No training needs yet."),
    ("training:compliance", "administrator", "q=zzz-nothing", "Choose an institution"),
    ("agreements:list", "university_liaison", "q=zzz-nothing&status=draft", "No agreements match these filters."),
    ("agreements:template_list", "administrator", "q=zzz-nothing", "No template matches “zzz-nothing”."),
    ("notifications:list", "staff", "show=unread", "You have read everything."),
]
NONSENSE = (
    "sort=%27%3B--&page=abc&date_from=2020-13-45&date_to=yesterday&status=%3Cscript%3E&kind=mars&tab=x&show=x"
    "&side=x&provider=x&course=x&health=x&focus=x&region=x&owner=x&institution="
)


@pytest.mark.parametrize(("name", "persona", "query", "text"), PAGES, ids=[page[0] for page in PAGES])
def test_each_list_page_renders_with_a_filter_applied(client, personas, name, persona, query, text):
    client.force_login(personas[persona])
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(("name", "persona"), [(page[0], page[1]) for page in PAGES], ids=[page[0] for page in PAGES])
def test_each_list_page_survives_nonsense_in_the_query_string(client, personas, name, persona):
    client.force_login(personas[persona])
    response = client.get(f"{reverse(name)}?{NONSENSE}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_csv_exports_take_the_same_filters(client, personas, partnership):
    client.force_login(personas["university_liaison"])
    response = client.get(reverse("partnerships:partnership_export") + "?" + NONSENSE)
    assert response.status_code == 200
    everything = b"".join(response.streaming_content).decode()
    assert partnership.title in everything
    response = client.get(reverse("partnerships:partnership_export") + "?q=zzz-nothing")
    assert partnership.title not in b"".join(response.streaming_content).decode()


def test_pagination_and_sort_links_keep_the_filters(client, administrator):
    for number in range(30):
        Organisation.objects.create(name=f"Filtered College {number:02}", kind="university")
    client.force_login(administrator)
    html = client.get(
        reverse("partnerships:organisation_list") + "?q=filtered+college&kind=university"
    ).content.decode()
    assert "q=filtered+college&amp;kind=university&amp;page=2" in html
    assert 'href="?q=filtered+college&amp;kind=university&amp;sort=kind"' in html
    assert 'aria-sort="ascending"' in html  # the default sort, by name
