"""Specialist training that police units offer to their partner institutions' staff.

A course is offered by an organisation (usually a unit of a police force); a session is one
date of it, offered to one partnership's institution or to every institution the force is in
partnership with; a booking is one person's place, or their place on the waitlist.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from core.links import pk_url
from core.scoping import ScopedQuerySet, sees_anything, sees_everything
from partnerships.models import Organisation, Partnership, Unit


def partner_forces_of(organisation_id):
    """Forces in a live partnership, accepted by both sides, with ``organisation_id`` (an institution)."""
    return Partnership.objects.live().accepted().filter(institution_id=organisation_id).values("police_force_id")


class CourseQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        # The provider's own people, and institutions in partnership with the provider.
        return Q(provider_id=user.organisation_id) | Q(provider_id__in=partner_forces_of(user.organisation_id))


class Course(models.Model):
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="courses")
    provider_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses", verbose_name="unit"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=200, blank=True, help_text="Who it is for, such as hall wardens.")
    topics = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField("duration (minutes)", default=120)
    refresher_months = models.PositiveSmallIntegerField(
        "refresh every (months)", null=True, blank=True, help_text="Leave empty if it need not be repeated."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint("provider", "title", name="course_title_unique_per_provider"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.provider_unit_id and self.provider_id and self.provider_unit.organisation_id != self.provider_id:
            raise ValidationError({"provider_unit": "Choose a unit of the providing organisation."})


def duration_label(minutes: int) -> str:
    """ "3 hours", "1 hour 30 minutes", "45 minutes"."""
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


# A search for a person to book looks at this many words of what was typed, and no more.
MAX_SEARCH_WORDS = 5


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


class SessionQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        own = user.organisation_id
        # The partnerships as a subquery (a few of them, by index), not a join: with a join, a
        # count of the visible sessions read all 10,000 partnerships of the national data.
        accepted_offers = Partnership.objects.filter(
            institution_id=own, institution_accepted_at__isnull=False, police_accepted_at__isnull=False
        ).values("pk")
        # The courses as subqueries too: with a condition on the joined course inside the OR, the
        # planner tested every session against every course (228,000 pairs, 30-55 ms, for the
        # busiest police force's first page of the sessions list).
        offered_to_us = Q(offered_to__in=accepted_offers) | Q(
            offered_to__isnull=True,
            course__in=Course.objects.filter(provider_id__in=partner_forces_of(own)).values("pk"),
        )
        return Q(course__in=Course.objects.filter(provider_id=own).values("pk")) | offered_to_us

    def offered_to_visible(self, partnership, user):
        """``visible_to(user).filter(offered_to=partnership)``, the same rows, without building
        the scope's subqueries of courses and partnerships (two thirds of the partnership
        page's training events and progress on the national data set).

        Of the sessions offered to ``partnership``, the scope keeps those of the user's own
        courses, and all of them for the institution once both sides have accepted.
        ``tests/training/test_scope.py`` proves the rows equal for every persona.
        """
        if not sees_anything(user):
            return self.none()
        offered = self.filter(offered_to=partnership)
        if sees_everything(user) or (partnership.institution_id == user.organisation_id and partnership.is_accepted):
            return offered
        return offered.filter(course__provider_id=user.organisation_id)

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now(), status=SessionStatus.SCHEDULED)

    def with_places(self):
        """Annotate ``places_taken`` and ``places_left`` in the query that fetches the sessions.

        A correlated count, so a page of 25 sessions counts the bookings of those 25 only
        (a join and GROUP BY would count every visible session's bookings before the LIMIT).
        """
        taken = (
            Booking.objects.filter(session=OuterRef("pk"), status__in=HOLDS_A_PLACE)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(places_taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0)).annotate(
            places_left=ExpressionWrapper(F("capacity") - F("places_taken"), output_field=IntegerField())
        )


@dataclass(frozen=True)
class SessionTimes:
    start_iso: str  # 2026-12-03T09:30:00+00:00
    start_day: str  # Thu 3 Dec 2026
    start_time: str  # 09:30
    end_day: str  # Fri 4 Dec, when it ends on a later day than it starts; else empty
    end_time: str


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    venue = models.CharField(max_length=300, blank=True)
    online_url = models.URLField("online link", blank=True)
    capacity = models.PositiveSmallIntegerField()
    trainers = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    cancellation_reason = models.TextField("reason for cancelling", blank=True)
    offered_to = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_sessions",
        help_text="Leave empty to offer it to every institution in partnership with the force.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["course", "starts_at"]),
            # The session list's order: a page of it reads 25 index entries, not every session.
            models.Index(fields=["starts_at", "id"], name="training_session_in_order"),
            # A course's scheduled sessions from a day on: the compliance matrix's "booked" date of
            # each row shown (without it, each lookup read every scheduled session's index entry).
            models.Index(
                fields=["course", "starts_at"],
                condition=Q(status="scheduled"),
                name="training_session_scheduled",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_has_a_place"),
        ]

    def __str__(self):
        return f"{self.course} on {timezone.localtime(self.starts_at):%-d %b %Y %H:%M}"

    def get_absolute_url(self):
        return pk_url("training:session_detail", self.pk)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts."
        if not self.venue and not self.online_url:
            errors["venue"] = "Give a venue, an online link, or both."
        if errors:
            raise ValidationError(errors)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @cached_property
    def times(self) -> "SessionTimes":
        """Its start and end in UK time, as the session list shows them.

        Formatted here once per session: the list's date and time filters (five a row) were a
        fifth of its rendering. English names, as Django's ``date:"D j M Y"`` gives them.
        """
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return SessionTimes(
            start_iso=starts.isoformat(),
            start_day=f"{starts:%a} {starts.day} {starts:%b %Y}",
            start_time=f"{starts:%H:%M}",
            end_day=f"{ends:%a} {ends.day} {ends:%b}" if ends.date() != starts.date() else "",
            end_time=f"{ends:%H:%M}",
        )

    @property
    def is_bookable(self) -> bool:
        return self.status == SessionStatus.SCHEDULED and not self.has_started

    def bookable_colleagues(self, user):
        """Active people of the liaison officer's organisation without a live booking on this session."""
        booked = self.bookings.exclude(status=BookingStatus.CANCELLED).values("attendee_id")
        return (
            get_user_model()
            .objects.visible_to(user)
            .filter(organisation_id=user.organisation_id, is_active=True)
            .exclude(pk__in=booked)
            .order_by("last_name", "first_name", "username")
        )

    def bookable_colleagues_matching(self, user, text: str):
        """``bookable_colleagues`` whose name, username or email contains every word of ``text``.

        The session page's search for a person to book: it reads a few matches, never the whole staff.
        """
        people = self.bookable_colleagues(user)
        for word in text.split()[:MAX_SEARCH_WORDS]:
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
            )
        return people


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"


ACTIVE_BOOKING_STATUSES = [
    BookingStatus.BOOKED,
    BookingStatus.WAITLISTED,
    BookingStatus.ATTENDED,
    BookingStatus.NO_SHOW,
]
HOLDS_A_PLACE = [BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW]


class BookingQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        mine = Q(attendee=user)
        if user.is_staff_member:
            return mine  # staff members see only their own bookings
        own = user.organisation_id
        # Liaison officers: their own organisation's people, and bookings on sessions they provide.
        return mine | Q(attendee__organisation_id=own) | Q(session__course__provider_id=own)

    def with_waitlist_position(self):
        """Annotate ``waitlist_position`` (1 for the first waiting) on waitlisted bookings, in the promotion order."""
        ahead = (
            Booking.objects.filter(session=OuterRef("session"), status=BookingStatus.WAITLISTED)
            .filter(
                Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waitlist_position=Case(
                When(status=BookingStatus.WAITLISTED, then=Coalesce(Subquery(ahead), Value(0)) + 1),
                default=None,
                output_field=IntegerField(),
            )
        )


class Booking(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    attendee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["session", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                "session",
                "attendee",
                condition=~Q(status="cancelled"),
                name="one_live_booking_per_person_per_session",
                violation_error_message="This person already has a place or a waitlist place on this session.",
            )
        ]

    def __str__(self):
        return f"{self.attendee} – {self.session} ({self.get_status_display()})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address at which a calendar app reads one person's booked sessions.

    The token is the only credential (calendar apps cannot log in), so it is long and random,
    and revoking it (a new token) makes the old address answer 404.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self):
        return reverse("training:feed", args=[self.token])


class Feedback(models.Model):
    """What an attendee thought of a session, given once after attending."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        "overall rating", choices=[(n, str(n)) for n in range(1, 6)], help_text="1 is poor, 5 is excellent."
    )
    confidence = models.PositiveSmallIntegerField(
        "I feel more confident to act",
        choices=[(1, "Strongly disagree"), (2, "Disagree"), (3, "Neither"), (4, "Agree"), (5, "Strongly agree")],
    )
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=5), name="feedback_confidence_1_to_5"
            ),
        ]

    def __str__(self):
        return f"Feedback on {self.booking}"


NEED_ROLES = [
    ("all", "Everyone at the institution"),
    ("staff", "Staff members"),
    ("university_liaison", "Liaison officers"),
]


class TrainingNeedQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(institution_id=user.organisation_id)


class TrainingNeed(models.Model):
    """An institution's rule: people in this role need this course, and again every N months."""

    institution = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="training_needs")
    role = models.CharField(max_length=30, choices=NEED_ROLES)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="needs")
    every_months = models.PositiveSmallIntegerField(
        "repeat every (months)", null=True, blank=True, help_text="Leave empty to use the course's refresher interval."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingNeedQuerySet.as_manager()

    class Meta:
        ordering = ["role", "course__title"]
        constraints = [models.UniqueConstraint("institution", "role", "course", name="one_need_per_role_and_course")]

    def __str__(self):
        return f"{self.role}: {self.course}"
