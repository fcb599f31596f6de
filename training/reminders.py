"""What the portal tells people about training, and when.

Events (a booking, a promotion from the waitlist, a cancelled booking or session) are recorded by
``services`` in the same transaction as the change; the rest fall due with time and are
found by the sweep: a reminder 7 days and 1 day before a session, a request for feedback
after it, and a reminder when a course with a refresher interval is due again.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Due, group, kind, not_logged, source

from .calendar import session_ics
from .models import Booking, BookingStatus, Course, Feedback, SessionStatus

BOOKINGS = group(
    "training_bookings",
    "Your bookings",
    "Confirmation, a place from the waitlist, a cancelled booking or session, and reminders 7 days and 1 day before.",
    essential=True,
)
FEEDBACK = group("training_feedback", "Feedback requests", "A request for your feedback after a session you attended.")
REFRESHERS = group("training_refreshers", "Refresher training due", "When a course you took should be taken again.")

_BOOKING = ("session__course__provider", "attendee")


def _booking_context(booking):
    return {"booking": booking, "session": booking.session, "course": booking.session.course}


def _calendar_file(booking):
    """The session's calendar file, for an email that gives a place (not a waitlist place)."""
    if booking.status != BookingStatus.BOOKED:
        return []
    session = booking.session
    return [(f"training-session-{session.pk}.ics", session_ics(session, timezone.now()), "text/calendar")]


BOOKING_CONFIRMED = kind(
    "booking_confirmed",
    BOOKINGS,
    Booking,
    select_related=_BOOKING,
    context=_booking_context,
    attachments=_calendar_file,
)
WAITLIST_PROMOTED = kind(
    "waitlist_promoted",
    BOOKINGS,
    Booking,
    select_related=_BOOKING,
    context=_booking_context,
    attachments=_calendar_file,
)
BOOKING_CANCELLED = kind(
    "booking_cancelled",
    BOOKINGS,
    Booking,
    select_related=_BOOKING,
    context=_booking_context,
)
SESSION_CANCELLED = kind("session_cancelled", BOOKINGS, Booking, select_related=_BOOKING, context=_booking_context)
SESSION_IN_7_DAYS = kind(
    "session_in_7_days", BOOKINGS, Booking, "session_reminder", select_related=_BOOKING, context=_booking_context
)
SESSION_TOMORROW = kind(
    "session_tomorrow", BOOKINGS, Booking, "session_reminder", select_related=_BOOKING, context=_booking_context
)
FEEDBACK_REQUEST = kind(
    "training_feedback_request", FEEDBACK, Booking, select_related=_BOOKING, context=_booking_context
)
REFRESHER_DUE = kind(
    "refresher_due",
    REFRESHERS,
    Booking,
    select_related=_BOOKING,
    context=lambda booking: {**_booking_context(booking), "due_on": refresher_due_on(booking)},
)

# A feedback request or refresher reminder older than this is not worth sending any more
# (for example on the first sweep after the portal is installed with old data).
LOOK_BACK = timedelta(days=30)


def _session_url(booking):
    return reverse("training:session_detail", args=[booking.session_id])


def _when(session):
    return f"{timezone.localtime(session.starts_at):%-d %b %Y, %H:%M}"


def _booked():
    return (
        Booking.objects.filter(
            status=BookingStatus.BOOKED, session__status=SessionStatus.SCHEDULED, attendee__is_active=True
        )
        .select_related(*_BOOKING)
        .annotate(session_day=TruncDate("session__starts_at"))
        .order_by("pk")
    )


def _before_session(kind_, now, batch, *, ahead, until):
    # Due from ``ahead`` before the start until ``until`` before it; a place given inside
    # that window has just been confirmed, so it gets no reminder of this kind.
    bookings = _booked().filter(
        not_logged(kind_, OuterRef("session_day")),
        session__starts_at__lte=now + ahead,
        session__starts_at__gt=now + until,
        # Booked (or promoted from the waitlist: the last change) before the window opened.
        updated_at__lte=F("session__starts_at") - ahead,
    )
    return batch.of(bookings)


@source(SESSION_IN_7_DAYS)
def sessions_in_7_days(now, batch):
    bookings = _before_session(SESSION_IN_7_DAYS, now, batch, ahead=timedelta(days=7), until=timedelta(days=1))
    return [
        Due(b, [b.attendee], b.session_day, f"In a week: {b.session.course.title}, {_when(b.session)}", _session_url(b))
        for b in bookings
    ]


@source(SESSION_TOMORROW)
def sessions_tomorrow(now, batch):
    bookings = _before_session(SESSION_TOMORROW, now, batch, ahead=timedelta(days=1), until=timedelta(0))
    return [
        Due(b, [b.attendee], b.session_day, f"Tomorrow: {b.session.course.title}, {_when(b.session)}", _session_url(b))
        for b in bookings
    ]


@source(FEEDBACK_REQUEST)
def feedback_requests(now, batch):
    bookings = (
        Booking.objects.filter(
            status=BookingStatus.ATTENDED,
            attendee__is_active=True,
            session__ends_at__lte=now,
            session__ends_at__gt=now - LOOK_BACK,
        )
        .exclude(Exists(Feedback.objects.filter(booking=OuterRef("pk"))))
        .filter(not_logged(FEEDBACK_REQUEST))
        .select_related(*_BOOKING)
        .annotate(session_day=TruncDate("session__starts_at"))
    )
    bookings = batch.of(bookings)
    return [
        Due(
            b,
            [b.attendee],
            b.session_day,
            f"How was {b.session.course.title}? Give feedback",
            reverse("training:feedback", args=[b.pk]),
        )
        for b in bookings
    ]


def refresher_due_on(booking):
    months = booking.session.course.refresher_months
    return timezone.localdate(booking.session.ends_at) + relativedelta(months=months) if months else None


# Refresher reminders go out this long before the course is due again.
REFRESHER_NOTICE = timedelta(days=30)


@source(REFRESHER_DUE)
def refreshers_due(now, batch):
    """The last attended session of a course with a refresher interval, due within 30 days.

    One condition per refresher interval in use (a handful), so the query stays one query.
    """
    today = timezone.localdate(now)
    intervals = Course.objects.exclude(refresher_months=None).values_list("refresher_months", flat=True).distinct()
    window = Q(pk__in=[])
    for months in intervals:
        # Attended between (today + notice - months - look-back) and (today + notice - months).
        latest = today + REFRESHER_NOTICE - relativedelta(months=months)
        window |= Q(
            session__course__refresher_months=months,
            session__ends_at__date__lte=latest,
            session__ends_at__date__gt=latest - LOOK_BACK,
        )
    later = Booking.objects.filter(
        attendee=OuterRef("attendee"),
        session__course=OuterRef("session__course"),
        session__starts_at__gt=OuterRef("session__starts_at"),
        status__in=[BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.WAITLISTED],
    )
    bookings = (
        Booking.objects.filter(window, status=BookingStatus.ATTENDED, attendee__is_active=True)
        .exclude(Exists(later))
        .filter(not_logged(REFRESHER_DUE))
        .select_related(*_BOOKING)
    )
    bookings = batch.of(bookings)
    return [
        Due(
            b,
            [b.attendee],
            refresher_due_on(b),
            f"Refresher due by {refresher_due_on(b):%-d %b %Y}: {b.session.course.title}",
            reverse("training:session_list") + f"?course={b.session.course_id}",
        )
        for b in bookings
    ]
