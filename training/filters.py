"""Training's list filters (the pattern is in core/lists.py). Dates are days in Europe/London."""

from datetime import date, datetime, time, timedelta
from html import escape

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from core.lists import FilterForm
from core.widgets import DateInput, QuickSelect
from partnerships.models import Organisation

from .compliance import STATUS_FILTERS
from .models import BookingStatus, Course, SessionStatus


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in UK time, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class Availability:
    PLACES = "places"
    WAITLIST = "waitlist"
    CHOICES = [("", "Any"), (PLACES, "Has places"), (WAITLIST, "Full (waitlist only)")]


NOT_OFFERED = {"invalid_choice": "Select a valid choice. That choice is not one of the available choices."}


class SessionFilter(FilterForm):
    """The session list: upcoming sessions soonest first, or with past ones most recent first."""

    q = forms.CharField(label="Search by course or provider", required=False, max_length=200)
    # Choices of (pk, name) pairs rather than model choice fields: the list offers every visible
    # course, and making a model instance of each (through a server-side cursor) was a fifth of the page.
    course = forms.TypedChoiceField(
        label="Course", required=False, coerce=int, widget=QuickSelect, error_messages=NOT_OFFERED
    )
    provider = forms.TypedChoiceField(
        label="Provider", required=False, coerce=int, widget=QuickSelect, error_messages=NOT_OFFERED
    )
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())
    availability = forms.ChoiceField(choices=Availability.CHOICES, required=False, label="Places", widget=QuickSelect)
    past = forms.BooleanField(label="Include past sessions", required=False)

    search_fields = ("course__title", "course__provider__name", "course__provider_unit__name")
    not_filters = ("past",)
    layout = {"q": "col-lg-4", "course": "col-sm-6 col-lg-4", "provider": "col-sm-6 col-lg-4"}
    layout |= {"availability": "col-sm-6 col-lg-2", "past": "col-sm-6 col-lg-2"}

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        courses = Course.objects.visible_to(user)
        self.fields["course"].choices = [("", "Any course"), *courses.order_by("title").values_list("pk", "title")]
        providers = Organisation.objects.filter(pk__in=courses.values("provider_id")).order_by("name")
        self.fields["provider"].choices = [("", "Any provider"), *providers.values_list("pk", "name")]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "Choose a “to” date on or after the “from” date.")
        return cleaned

    @property
    def include_past(self) -> bool:
        return bool(self.values.get("past"))

    def filter_course(self, queryset, pk):
        return queryset.filter(course_id=pk)

    def filter_provider(self, queryset, pk):
        return queryset.filter(course__provider_id=pk)

    def filter_date_from(self, queryset, day):
        return queryset.filter(starts_at__gte=start_of_day(day))

    def filter_date_to(self, queryset, day):
        if day == date.max:
            return queryset
        return queryset.filter(starts_at__lt=start_of_day(day + timedelta(days=1)))

    def filter_availability(self, queryset, value):
        if value == Availability.PLACES:
            return queryset.filter(status=SessionStatus.SCHEDULED, places_left__gt=0)
        return queryset.filter(status=SessionStatus.SCHEDULED, places_left__lte=0)

    def filter_qs(self, queryset):
        queryset = super().filter_qs(queryset)
        if self.include_past:
            return queryset.order_by("-starts_at", "-pk")  # most recent first
        return queryset.filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")


class CourseFilter(FilterForm):
    q = forms.CharField(label="Search by title, topic, audience or provider", required=False)
    provider = forms.TypedChoiceField(label="Provider", required=False, coerce=int, widget=QuickSelect)

    search_fields = ("title", "provider__name", "provider_unit__name", "audience", "topics")
    layout = {"q": "col-lg-5", "provider": "col-sm-6 col-lg-4"}

    def __init__(self, data=None, *, providers, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["provider"].choices = [("", "Any provider"), *((org.pk, org.name) for org in providers)]

    def filter_provider(self, queryset, pk):
        return queryset.filter(provider_id=pk)


class BookingFilter(FilterForm):
    """A user's bookings, or (a tab for university liaison officers) their institution's."""

    tab = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label="Search by course", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *BookingStatus.choices])

    not_filters = ("tab",)
    layout = {"q": "col-md-5", "status": "col-md-4"}

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.tab_choices = [("", "Mine")]
        if user.is_university_liaison:
            self.tab_choices.append(("organisation", user.organisation.name))
        self.fields["tab"].choices = self.tab_choices
        if self.current_tab == "organisation":
            self.fields["q"].label = "Search by course or person"

    @property
    def current_tab(self) -> str:
        return self.values.get("tab") or "mine"

    def filter_q(self, queryset, value):
        query = value.strip()
        match = Q(session__course__title__icontains=query)
        if self.current_tab == "organisation":
            match |= (
                Q(attendee__first_name__icontains=query)
                | Q(attendee__last_name__icontains=query)
                | Q(attendee__username__icontains=query)
            )
        return queryset.filter(match)

    def filter_status(self, queryset, value):
        return queryset.filter(status=value)

    def filter_qs(self, queryset):
        if self.current_tab == "organisation":
            queryset = queryset.filter(attendee__organisation_id=self.user.organisation_id)
        else:
            queryset = queryset.filter(attendee=self.user)
        return super().filter_qs(queryset)


class InstitutionChooser(QuickSelect):
    """``QuickSelect``'s markup for the administrator's chooser of every institution.

    Its options are ``institutions``, (pk, name) pairs given as they are: Django's choice field
    normalises and copies every choice of a form on each request, and escaping each with
    ``html.escape`` rather than ``conditional_escape`` halves the rest (some 500 institutions on
    the national data set: about 6 ms to under 1 ms).
    """

    institutions = ()
    prompt = "Choose an institution"

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = [f'<option value=""{" selected" if not chosen else ""}>{self.prompt}</option>']
        found = not chosen  # like Django, mark only the first option with the chosen value
        for pk, label in self.institutions:
            selected = not found and str(pk) == chosen
            found = found or selected
            options.append(f'<option value="{pk}"{" selected" if selected else ""}>{escape(label)}</option>')
        # QuickSelect's element with no options (this widget has no Django choices), then these:
        # safe, as every label is escaped by html.escape and every value is an integer.
        element = super().render(name, value, attrs, renderer).removesuffix("\n\n</select>")
        return SafeString(element + "\n" + "\n".join(options) + "\n</select>")


class InstitutionFilter(FilterForm):
    """An administrator's choice of institution (everyone else sees only their own: no field).

    ``institutions`` are (pk, name) pairs, in the chooser's order.
    """

    institution = forms.CharField(label="Institution", required=False, widget=InstitutionChooser)

    not_filters = ("institution",)
    layout = {"institution": "col-md-6"}

    def __init__(self, data=None, *, institutions, **kwargs):
        super().__init__(data, **kwargs)
        if institutions:
            self.fields["institution"].widget.institutions = institutions
            self._institution_pks = {str(pk) for pk, _ in institutions}
        else:
            del self.fields["institution"]

    def clean_institution(self):
        value = self.cleaned_data["institution"]
        if value and value not in self._institution_pks:
            raise forms.ValidationError(
                "Select a valid choice. %(value)s is not one of the available choices.", params={"value": value}
            )
        return value


class ComplianceFilter(InstitutionFilter):
    """The compliance matrix's people (``training.compliance.Matrix.listed``), by name and status, in SQL."""

    q = forms.CharField(
        label="Name", required=False, widget=forms.TextInput(attrs={"placeholder": "Name, username or email"})
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *STATUS_FILTERS])

    layout = {"institution": "col-lg-4", "q": "col-sm-6 col-lg-4", "status": "col-sm-6 col-lg-2"}

    def __init__(self, data=None, *, matrix=None, **kwargs):
        super().__init__(data, **kwargs)
        self.matrix = matrix

    def filter_q(self, people, value):
        return self.matrix.matching(people, value.strip()) if self.matrix else people

    def filter_status(self, people, value):
        return self.matrix.with_status(people, value) if self.matrix else people
