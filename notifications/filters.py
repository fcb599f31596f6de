"""The notification list's tabs (the pattern is in core/lists.py)."""

from django import forms

from core.lists import FilterForm


class NotificationFilter(FilterForm):
    SHOW = [("", "All"), ("unread", "Unread")]

    show = forms.ChoiceField(required=False, choices=SHOW, widget=forms.HiddenInput)

    def filter_show(self, queryset, value):
        return queryset.unread()
