"""The partnership app's list filters (the pattern is in core/lists.py)."""

from django import forms
from django.db.models import F, Q

from core.lists import FilterForm, Sort

from .health import LABELS, filter_by_health
from .models import Direction, FocusArea, OrganisationKind, PartnershipStatus, Region

SORTS = {
    "title": Sort("Title", (F("title").asc(), "pk")),
    "status": Sort("Status", (F("status").asc(), F("title").asc(), "pk")),
    "health": Sort("Health, worst first", (F("health").desc(nulls_last=True), F("title").asc(), "pk"), "descending"),
    "review": Sort("Next review", (F("next_review_date").asc(nulls_last=True), F("title").asc(), "pk")),
    "engagement": Sort(
        "Last engagement, oldest first", (F("last_engagement_on").asc(nulls_first=True), F("title").asc(), "pk")
    ),
}
HEALTH_FILTERS = [
    ("green", LABELS["green"]),
    ("amber", LABELS["amber"]),
    ("red", LABELS["red"]),
    ("none", LABELS[None]),
]


def _choices(anything: str, choices) -> list:
    return [("", anything), *choices]


class PartnershipFilter(FilterForm):
    q = forms.CharField(label="Search by title or organisation", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=_choices("Any status", PartnershipStatus.choices)
    )
    health = forms.ChoiceField(label="Health", required=False, choices=_choices("Any health", HEALTH_FILTERS))
    focus = forms.ChoiceField(label="Focus area", required=False, choices=_choices("Any focus", FocusArea.choices))
    region = forms.ChoiceField(label="Region", required=False, choices=_choices("Any region", Region.choices))

    search_fields = ("title", "institution__name", "police_force__name")
    sorts = SORTS
    default_sort = "title"
    sort_in_bar = True
    layout = {"q": "col-lg-4", "status": "col-sm-6 col-lg-2", "health": "col-sm-6 col-lg-2"}
    layout |= {"focus": "col-sm-6 col-lg-2", "region": "col-sm-6 col-lg-2"}

    @property
    def assesses_every_row(self) -> bool:
        """Sorting by the last engagement reads every partnership's figures, not just a page's.

        Filtering and sorting by health read the stored light (``Partnership.health``).
        """
        return self.sort == "engagement"

    def filter_status(self, queryset, value):
        return queryset.filter(status=value)

    def filter_focus(self, queryset, value):
        return queryset.with_focus(value)

    def filter_region(self, queryset, value):
        return queryset.filter(Q(institution__region=value) | Q(police_force__region=value))

    def filter_health(self, queryset, value):
        return filter_by_health(queryset, value)


class OrganisationFilter(FilterForm):
    q = forms.CharField(label="Search by name or address", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=_choices("Any kind", OrganisationKind.choices))
    region = forms.ChoiceField(label="Region", required=False, choices=_choices("Any region", Region.choices))

    search_fields = ("name", "address")
    sorts = {
        "name": Sort("Name", ("name", "pk")),
        "kind": Sort("Kind", ("kind", "name", "pk")),
        "region": Sort("Region", (F("region").asc(nulls_last=True), "name", "pk")),
    }
    default_sort = "name"
    layout = {"q": "col-md-5", "kind": "col-md-3", "region": "col-md-3"}

    def filter_kind(self, queryset, value):
        return queryset.filter(kind=value)

    def filter_region(self, queryset, value):
        return queryset.filter(region=value)


class ActionFilter(FilterForm):
    q = forms.CharField(label="Search by action or partnership", required=False)
    owner = forms.BooleanField(
        label="Only actions I own", required=False, widget=forms.CheckboxInput(attrs={"value": "me"})
    )

    search_fields = ("title", "partnership__title")
    layout = {"q": "col-md-5", "owner": "col-md-4"}

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user

    def clean_owner(self):
        return self.data.get("owner") == "me"

    def filter_owner(self, queryset, value):
        return queryset.filter(owner__user=self.user)


class ShareFilter(FilterForm):
    """Whose answer the shares await: a tab, not a filter."""

    SIDES = [("", "All"), ("us", "For my organisation to answer"), ("them", "Waiting on partners")]

    side = forms.ChoiceField(required=False, choices=SIDES, widget=forms.HiddenInput)
    not_filters = ("side",)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user

    def filter_side(self, queryset, value):
        user = self.user
        to_us = Q(direction=Direction.TO_POLICE, partnership__police_force_id=user.organisation_id) | Q(
            direction=Direction.TO_INSTITUTION, partnership__institution_id=user.organisation_id
        )
        return queryset.filter(to_us) if value == "us" else queryset.exclude(to_us)
