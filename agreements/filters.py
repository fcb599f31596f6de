"""The agreements app's list filters (the pattern is in core/lists.py)."""

from django import forms

from core.lists import FilterForm

from .models import AgreementStatus


class AgreementFilter(FilterForm):
    q = forms.CharField(label="Search by title, partnership or organisation", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *AgreementStatus.choices])

    search_fields = (
        "title",
        "partnership__title",
        "partnership__institution__name",
        "partnership__police_force__name",
    )
    layout = {"q": "col-lg-6", "status": "col-sm-6 col-lg-3"}

    def filter_status(self, queryset, value):
        return queryset.filter(status=value)


class TemplateFilter(FilterForm):
    q = forms.CharField(label="Search by name or description", required=False)

    search_fields = ("name", "description")
    layout = {"q": "col-md-6"}
