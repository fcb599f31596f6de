"""Forms for offering courses and sessions, finding sessions, booking colleagues, training needs and feedback.

Times are entered and shown in Europe/London (the current time zone) and stored as aware UTC:
Django's ``DateTimeField`` does both conversions, and refuses a time that does not exist or
happens twice when the clocks change.
"""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from core.widgets import DateTimeLocalInput
from partnerships.models import Organisation, Partnership, PartnershipStatus, Unit

from .models import Course, Feedback, Session, TrainingNeed

MAX_COURSE_MINUTES = 5 * 24 * 60


def _at_least(field, minimum: int, message: str):
    """Replace a number field's lower bound (and its browser hint) with ``minimum`` and a plain message."""
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
    field.validators.append(MinValueValidator(minimum, message=message))
    field.widget.attrs["min"] = minimum


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.name


class ForceUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.organisation.name})"


class CourseForm(forms.ModelForm):
    """Offer or edit a course. A police liaison officer offers it for their own force.

    An administrator chooses the providing force when creating; the provider never changes
    afterwards, because the course's sessions are offered to that force's partnerships.
    """

    class Meta:
        model = Course
        fields = [
            "provider",
            "provider_unit",
            "title",
            "description",
            "audience",
            "topics",
            "duration_minutes",
            "refresher_months",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "topics": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"provider": "Provided by"}
        help_texts = {
            "provider_unit": "The unit that delivers it, such as the Rape and Serious Crime Unit.",
            "topics": "What the course covers, one topic a line.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if creating and not user.is_administrator:
            self.instance.provider = user.organisation
        if user.is_administrator and creating:
            self.fields["provider"].queryset = Organisation.objects.police_forces().filter(active=True)
            self.fields["provider"].empty_label = "Choose a police force"
            self.fields["provider_unit"] = ForceUnitChoiceField(
                queryset=Unit.objects.filter(organisation__in=self.fields["provider"].queryset)
                .select_related("organisation")
                .order_by("organisation__name", "name"),
                required=False,
                label="Unit",
                help_text="A unit of the force chosen above.",
            )
        else:
            del self.fields["provider"]
            self.fields["provider_unit"] = UnitChoiceField(
                queryset=Unit.objects.filter(organisation_id=self.instance.provider_id),
                required=False,
                label="Unit",
                help_text=self.Meta.help_texts["provider_unit"],
            )
        self.fields["provider_unit"].empty_label = "No particular unit"
        _at_least(self.fields["duration_minutes"], 15, "A course lasts at least 15 minutes.")
        self.fields["duration_minutes"].validators.append(
            MaxValueValidator(MAX_COURSE_MINUTES, message="A course lasts at most 5 days (7,200 minutes).")
        )
        self.fields["duration_minutes"].widget.attrs["max"] = MAX_COURSE_MINUTES
        _at_least(self.fields["refresher_months"], 1, "Give at least 1 month, or leave it empty.")

    def clean(self):
        cleaned = super().clean()
        provider = cleaned.get("provider") or (self.instance.provider if self.instance.provider_id else None)
        title = cleaned.get("title")
        if provider and title:
            taken = Course.objects.filter(provider=provider, title__iexact=title).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "title", f"{provider.name} already offers a course called “{title}”; choose another title."
                )
        return cleaned


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        return course.title


class ProviderCourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        return f"{course.title} ({course.provider.name})"


class PartnershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, partnership):
        return f"{partnership.institution.name} ({partnership.title})"


class ForcePartnershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, partnership):
        return f"{partnership.institution.name} with {partnership.police_force.name} ({partnership.title})"


class SessionForm(forms.ModelForm):
    """Schedule or edit one date of a course.

    ``provider`` limits the courses and partnerships offered: the user's force for a police
    liaison officer, the course's provider when it is known, or None (an administrator choosing
    among every force's courses; the partnership is then checked against the course chosen).
    """

    class Meta:
        model = Session
        fields = ["course", "starts_at", "ends_at", "venue", "online_url", "capacity", "trainers", "offered_to"]
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}
        labels = {"starts_at": "Starts", "ends_at": "Ends", "offered_to": "Offered to"}
        help_texts = {
            "starts_at": "UK time.",
            "venue": "Room and building, such as Senate House, Room 2.",
            "capacity": "The number of places. When they are taken, people join the waitlist.",
            "trainers": "Names as attendees should see them, such as DS Ruth Adeyemi.",
        }

    online_url = forms.URLField(
        label="Online link",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Such as a Teams link. Give a venue, a link, or both.",
    )

    def __init__(self, *args, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = self.instance.pk is None
        courses = Course.objects.select_related("provider").order_by("title")
        partnerships = Partnership.objects.select_related("institution", "police_force").order_by(
            "institution__name", "title"
        )
        # Live partnerships both sides have accepted, and the current choice even if that
        # partnership has since ended. A proposal cannot be offered training: until the
        # institution accepts, it sees nothing of the force's.
        accepted = Q(institution_accepted_at__isnull=False, police_accepted_at__isnull=False)
        partnerships = partnerships.filter(
            (~Q(status=PartnershipStatus.ENDED) & accepted) | Q(pk=self.instance.offered_to_id)
        )
        if provider is not None:
            self.fields["course"] = CourseChoiceField(queryset=courses.filter(provider=provider), label="Course")
            self.fields["offered_to"] = PartnershipChoiceField(
                queryset=partnerships.filter(police_force=provider), required=False, label="Offered to"
            )
        else:
            self.fields["course"] = ProviderCourseChoiceField(queryset=courses, label="Course")
            self.fields["offered_to"] = ForcePartnershipChoiceField(
                queryset=partnerships, required=False, label="Offered to"
            )
        self.fields["offered_to"].empty_label = "Every partner institution of the force"
        self.fields["offered_to"].help_text = (
            "Offer it to one partnership's institution, or leave it open to every institution "
            "in a live partnership with the force."
        )
        self.fields["ends_at"].required = False
        self.fields["ends_at"].help_text = "UK time. Leave empty to use the course's length."
        self.fields["course"].empty_label = "Choose a course"
        _at_least(self.fields["capacity"], 1, "Offer at least one place.")

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        changed = self.creating or starts_at != self.instance.starts_at
        if changed and starts_at <= timezone.now():
            raise forms.ValidationError("Choose a start time in the future.")
        if starts_at > timezone.now() + timedelta(days=365 * 5):
            raise forms.ValidationError("Choose a start time within the next five years.")
        return starts_at

    def clean(self):
        # End after start, and a venue or a link, are the model's own rules (Session.clean).
        cleaned = super().clean()
        course, starts_at = cleaned.get("course"), cleaned.get("starts_at")
        if not cleaned.get("ends_at") and not self.has_error("ends_at") and course and starts_at:
            cleaned["ends_at"] = starts_at + timedelta(minutes=course.duration_minutes)
        offered_to = cleaned.get("offered_to")
        if course and offered_to and offered_to.police_force_id != course.provider_id:
            self.add_error("offered_to", f"Choose a partnership of {course.provider.name}, which provides this course.")
        return cleaned


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to everyone with a place or a waitlist place, such as “The trainer is unwell”.",
    )


class BookColleagueForm(forms.Form):
    attendee = forms.ModelChoiceField(queryset=get_user_model().objects.none())

    def __init__(self, *args, session, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = session.bookable_colleagues(user)


class ColleagueSearchForm(forms.Form):
    """What a liaison officer typed to find a person to book: the session page's search box and its suggestions."""

    MIN_LENGTH = 2
    MAX_LENGTH = 100

    q = forms.CharField(
        label="Find a person",
        required=False,
        max_length=MAX_LENGTH,
        error_messages={"max_length": f"Type at most {MAX_LENGTH} characters of a name, username or email."},
    )

    def clean_q(self):
        q = self.cleaned_data["q"]
        if len(q) < self.MIN_LENGTH:
            raise forms.ValidationError(f"Type at least {self.MIN_LENGTH} letters of a name, username or email.")
        return q


MAX_NEED_MONTHS = 120


class NeedForm(forms.ModelForm):
    """Add a need: people in this role at ``institution`` must do this course (again every N months)."""

    course = ProviderCourseChoiceField(queryset=Course.objects.none())

    class Meta:
        model = TrainingNeed
        fields = ["role", "course", "every_months"]

    def __init__(self, *args, user, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.fields["course"].queryset = (
            Course.objects.visible_to(user).select_related("provider").order_by("title", "pk")
        )
        months = self.fields["every_months"]
        months.validators = [
            MinValueValidator(1, message="Enter at least 1 month, or leave it empty to use the course's interval."),
            MaxValueValidator(MAX_NEED_MONTHS, message=f"Enter at most {MAX_NEED_MONTHS} months (ten years)."),
        ]
        months.widget.attrs.update(min=1, max=MAX_NEED_MONTHS)

    def clean(self):
        cleaned = super().clean()
        role, course = cleaned.get("role"), cleaned.get("course")
        exists = TrainingNeed.objects.filter(institution=self.institution, role=role, course=course).exists
        if role and course and exists():
            who = dict(self.fields["role"].choices)[role].lower()
            raise forms.ValidationError(
                f"{course.title} is already required of {who}. Delete that need first to change its interval."
            )
        return cleaned


class FeedbackForm(forms.ModelForm):
    comments = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        validators=[MaxLengthValidator(2000, "Keep your comments to 2,000 characters or fewer.")],
        help_text="Optional. The provider sees your comments without your name.",
    )

    class Meta:
        model = Feedback
        fields = ["rating", "confidence", "comments"]
        widgets = {"rating": forms.RadioSelect, "confidence": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rating", "confidence"):  # radio buttons need no empty "---------" choice
            field = self.fields[name]
            field.choices = [choice for choice in field.choices if choice[0] != ""]
