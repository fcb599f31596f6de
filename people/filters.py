"""The people page's search and filters (the pattern is in core/lists.py)."""

from django import forms
from django.db.models import F

from accounts.models import Role
from core.lists import FilterForm, Sort

STATUSES = [("active", "Active"), ("deactivated", "Deactivated")]


class PeopleFilter(FilterForm):
    q = forms.CharField(label="Search by name or email address", required=False)
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role"), *Role.choices])
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Active or deactivated"), *STATUSES])

    search_fields = ("first_name", "last_name", "email", "username")
    sorts = {
        "name": Sort("Name", ("last_name", "first_name", "username", "pk")),
        "role": Sort("Role", ("role", "last_name", "first_name", "pk")),
        "last_login": Sort("Last sign-in, latest first", (F("last_login").desc(nulls_last=True), "pk"), "descending"),
    }
    default_sort = "name"
    layout = {"q": "col-md-5", "role": "col-md-3", "status": "col-md-3"}

    def filter_role(self, queryset, value):
        return queryset.filter(role=value)

    def filter_status(self, queryset, value):
        return queryset.filter(is_active=value == "active")
