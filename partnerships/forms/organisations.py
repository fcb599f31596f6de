"""Forms to manage organisations, their units and their contacts in the portal.

Names are unique regardless of case in the database too; the forms check first so that people
see a message next to the field rather than a generic constraint error.
"""

from django import forms
from django.db.models import Q

from accounts.models import User

from ..models import Contact, Organisation, OrganisationKind, Partnership, Unit


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Optional. The full address of the organisation's public website.",
        error_messages={"invalid": "Enter the full web address, such as https://www.example.ac.uk."},
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "address", "website", "active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"active": "Untick when the organisation no longer takes part. Its records are kept."}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        existing = Organisation.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if existing:
            raise forms.ValidationError(
                f"An organisation called {existing.name} already exists. Choose a different name, "
                "or edit the existing organisation instead."
            )
        return name

    def clean_kind(self) -> str:
        """Police forces and other organisations have different roles and partnership sides."""
        kind = self.cleaned_data["kind"]
        if not self.instance.pk:
            return kind
        # Fields reach the instance after clean_<field>, so it still holds the saved kind.
        if self.instance.is_police_force == (kind == OrganisationKind.POLICE_FORCE):
            return kind
        if self.instance.members.exists() or Partnership.objects.involving(self.instance.pk).exists():
            raise forms.ValidationError(
                "An organisation with portal accounts or partnerships cannot change between police force and "
                "another kind. Keep the current kind, or ask an administrator to add a new organisation."
            )
        return kind


class UnitForm(forms.ModelForm):
    """A unit always belongs to the organisation it is added from; that is not a field."""

    class Meta:
        model = Unit
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name": "For example, Rape and Serious Crime Unit or Student Services."}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        duplicates = Unit.objects.filter(organisation=self.instance.organisation, name__iexact=name)
        if duplicates.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                f"{self.instance.organisation.name} already has a unit called {name}. Choose a different name."
            )
        return name


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class ContactForm(forms.ModelForm):
    """A contact of one organisation: its unit and portal account must be of that organisation too."""

    user = AccountChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Portal account",
        empty_label="No portal account",
        help_text="Optional. Link the contact to their own portal account, if they have one.",
        error_messages={
            "invalid_choice": "Choose an active portal account of this organisation that is not linked to "
            "another contact, or leave it empty."
        },
    )

    class Meta:
        model = Contact
        fields = ["name", "job_title", "unit", "email", "phone", "user"]
        error_messages = {
            "unit": {"invalid_choice": "Choose one of this organisation's units, or leave it empty."},
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
        self.fields["unit"].empty_label = "No unit"
        # The organisation is the page's own, so the name alone (and no query per choice) is enough.
        self.fields["unit"].label_from_instance = lambda unit: unit.name
        self.fields["user"].queryset = self.linkable_accounts(organisation)
        # These are someone else's details: keep the browser from offering the user's own.
        self.fields["email"].widget.attrs.update({"autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})

    def linkable_accounts(self, organisation: Organisation):
        """Active accounts of the organisation with no contact, plus the one already linked here."""
        free = Q(contact__isnull=True)
        if self.instance.pk:
            free |= Q(contact=self.instance.pk)
        return User.objects.filter(free, organisation=organisation, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
