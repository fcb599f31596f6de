"""The notification settings form: one box per group of kinds; essential groups cannot be turned off."""

from django import forms

from .kinds import GROUPS

ALWAYS_SENT = "These are always sent: they are about your own bookings or signatures."


class SettingsForm(forms.Form):
    def __init__(self, *args, muted=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = sorted(GROUPS.values(), key=lambda g: (not g.essential, g.label))
        for group in self.groups:
            self.fields[group.key] = forms.BooleanField(
                label=group.label,
                help_text=group.description + (f" {ALWAYS_SENT}" if group.essential else ""),
                required=False,
                initial=group.key not in muted,
                disabled=group.essential,
            )

    def muted_groups(self):
        return [g.key for g in self.groups if not g.essential and not self.cleaned_data.get(g.key)]
