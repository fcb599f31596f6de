"""Forms for partnerships, engagements, actions, information shares and outcome feedback."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone

from core.widgets import DateInput

from ..models import (
    Action,
    ActionStatus,
    Contact,
    Engagement,
    FocusArea,
    InformationShare,
    LawfulBasis,
    Organisation,
    Outcome,
    Partnership,
    PartnershipStatus,
    ShareCategory,
)


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contact):
        return f"{contact.name}, {contact.job_title}" if contact.job_title else contact.name


class ContactsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, contact):
        parts = [contact.name, contact.job_title, contact.organisation.name]
        return ", ".join(part for part in parts if part)


CONTACT_FIELDS = {
    "institution": ["institution_sponsor", "institution_contact", "institution_deputy"],
    "police": ["police_sponsor", "police_contact", "police_deputy"],
}


class PartnershipForm(forms.ModelForm):
    """Create or edit a partnership. The parties are fixed once it exists.

    A liaison officer's own organisation is always one party. Each side names its own
    sponsor and single point of contact: on creation a liaison officer sees only their own
    side's contacts, and the partner fills theirs in later.
    """

    focus_areas = forms.MultipleChoiceField(
        choices=FocusArea.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Focus areas"
    )

    class Meta:
        model = Partnership
        fields = [
            "title",
            "institution",
            "police_force",
            "other_agencies",
            "focus_areas",
            "aims",
            "institution_sponsor",
            "institution_contact",
            "institution_deputy",
            "police_sponsor",
            "police_contact",
            "police_deputy",
            "start_date",
            "end_date",
            "next_review_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "next_review_date": DateInput(),
            "aims": forms.Textarea(attrs={"rows": 5}),
            "other_agencies": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "aims": "What the partnership sets out to achieve, and how you will know.",
            "end_date": "Leave empty for an open-ended partnership.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        directory = Organisation.objects.directory_for(user)
        self.fields["institution"].queryset = directory.institutions()
        self.fields["police_force"].queryset = directory.police_forces()
        self.fields["other_agencies"].queryset = directory.institutions()
        self.fields["other_agencies"].required = False
        creating = self.instance.pk is None
        if creating and not user.is_administrator:
            own_side = "police_force" if user.organisation.is_police_force else "institution"
            self.fields[own_side].initial = user.organisation_id
            self.fields[own_side].disabled = True
            self.fields[own_side].queryset = Organisation.objects.filter(pk=user.organisation_id)
        if not creating:
            for name in ("institution", "police_force"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "The parties cannot change; end this partnership and start a new one."
            # The agencies taking part and those invited who have not answered yet.
            pending = self.instance.agency_invitations.filter(status="pending")
            invited = pending.values_list("organisation_id", flat=True)
            self.initial["other_agencies"] = [*self.instance.other_agencies.values_list("pk", flat=True), *invited]
        if creating or not self.instance.is_accepted:
            del self.fields["other_agencies"]  # invited once both sides have accepted
        else:
            self.fields[
                "other_agencies"
            ].help_text = (
                "Other local agencies you invite to take part. Each takes part once its liaison officers accept."
            )
        for side, names in CONTACT_FIELDS.items():
            organisation_id = self._side_organisation_id(side, creating)
            for name in names:
                if organisation_id is None:
                    del self.fields[name]
                    continue
                field = self.fields[name]
                contacts = Contact.objects.visible_to(user).filter(organisation_id=organisation_id)
                self.fields[name] = ContactChoiceField(
                    queryset=pickable(contacts, keep=[getattr(self.instance, f"{name}_id")]),
                    required=False,
                    label=field.label,
                    help_text=field.help_text,
                )

    def _side_organisation_id(self, side, creating):
        if not creating:
            return self.instance.institution_id if side == "institution" else self.instance.police_force_id
        if self.user.is_administrator:
            return None
        own_side = "police" if self.user.organisation.is_police_force else "institution"
        return self.user.organisation_id if side == own_side else None

    def clean_focus_areas(self):
        return list(self.cleaned_data["focus_areas"])


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="New status")
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=200,
        help_text="Recorded in the partnership's history.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = partnership.allowed_statuses
        # Every status is accepted here; the service refuses moves the workflow does not allow,
        # with a message that lists the allowed ones.
        self.fields["status"].choices = [(s.value, s.label) for s in allowed] + [
            (s.value, s.label) for s in PartnershipStatus if s not in allowed and s != partnership.status
        ]
        self.fields["status"].widget.choices = [(s.value, s.label) for s in allowed]


def pickable(contacts, keep=()):
    """``contacts`` without those whose portal account is deactivated (contacts without an
    account stay), except the ones in ``keep``: what a form already holds is still shown."""
    kept = [pk for pk in keep if pk is not None]
    return contacts.filter(Q(user__isnull=True) | Q(user__is_active=True) | Q(pk__in=kept))


def party_contacts(user, partnership, keep=()):
    parties = [partnership.institution_id, partnership.police_force_id]
    parties += [agency.pk for agency in partnership.other_agencies.all()]
    contacts = Contact.objects.visible_to(user).filter(organisation_id__in=parties)
    return pickable(contacts, keep).select_related("organisation").order_by("organisation__name", "name")


class EngagementForm(forms.ModelForm):
    attendees = ContactsChoiceField(
        queryset=Contact.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Engagement
        fields = ["kind", "title", "date", "location", "attendees", "notes", "decisions"]
        widgets = {
            "date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"kind": "Type of engagement"}
        help_texts = {
            "notes": "Keep to what partners need. Do not record the names of victims or anyone who reported.",
            "decisions": "What was agreed. Raise actions for anything someone has to do.",
        }

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        listed = self.instance.attendees.values_list("pk", flat=True) if self.instance.pk else []
        self.fields["attendees"].queryset = party_contacts(user, partnership, keep=list(listed))
        if not self.is_bound and self.instance.date is None:
            self.initial["date"] = timezone.localdate()


class ActionForm(forms.ModelForm):
    owner = ContactChoiceField(queryset=Contact.objects.none())

    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due_date", "engagement", "status"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = party_contacts(user, partnership, keep=[self.instance.owner_id])
        self.fields["engagement"].queryset = Engagement.objects.visible_to(user).filter(partnership=partnership)
        self.fields["engagement"].label = "Raised at"
        if self.instance.pk is None:
            del self.fields["status"]

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if self.instance.pk is None and due < timezone.localdate():
            raise forms.ValidationError("Choose a due date from today onwards.")
        return due


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


SUMMARY_MAX_LENGTH = 2000


class ShareForm(forms.ModelForm):
    class Meta:
        model = InformationShare
        fields = ["category", "summary", "lawful_basis", "lawful_basis_detail", "shared_on"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6, "maxlength": SUMMARY_MAX_LENGTH}),
            "lawful_basis_detail": forms.Textarea(attrs={"rows": 2}),
            "shared_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].validators.append(MaxLengthValidator(SUMMARY_MAX_LENGTH))
        self.fields["category"].choices = [("", "Choose a category"), *ShareCategory.choices]
        self.fields["lawful_basis"].choices = [("", "Choose the lawful basis"), *LawfulBasis.choices]
        if not self.is_bound and self.instance.shared_on is None:
            self.initial["shared_on"] = timezone.localdate()

    def clean_shared_on(self):
        shared_on = self.cleaned_data["shared_on"]
        if shared_on > timezone.localdate():
            raise forms.ValidationError("The date shared cannot be in the future.")
        return shared_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lawful_basis") == "other" and not cleaned.get("lawful_basis_detail", "").strip():
            self.add_error("lawful_basis_detail", "Explain the lawful basis when you choose “Other”.")
        return cleaned


class FeedbackForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("", "Choose an outcome")] + Outcome.choices)
    outcome_on = forms.DateField(label="Date of outcome", widget=DateInput())
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text="What happened as a result, without names. This is what shows partners their information mattered.",
    )

    def __init__(self, *args, share, **kwargs):
        super().__init__(*args, **kwargs)
        self.share = share
        self.fields["outcome_on"].initial = timezone.localdate()

    def clean_outcome_on(self):
        outcome_on = self.cleaned_data["outcome_on"]
        if outcome_on < self.share.shared_on:
            raise forms.ValidationError(
                f"The outcome cannot be dated before the information was shared ({self.share.shared_on:%-d %B %Y})."
            )
        if outcome_on > timezone.localdate():
            raise forms.ValidationError("The date of the outcome cannot be in the future.")
        return outcome_on


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("decline", "Decline")],
        error_messages={"required": "Choose to accept or decline."},
    )
    reason = forms.CharField(
        label="Reason for declining",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only to decline. The other side sees it.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why you are declining, so the other side knows what to change.")
        return cleaned
