"""Training's writes: courses, sessions, bookings, attendance, training needs and calendar feeds.

Every change to who has a place goes through here.

The session row is locked (``select_for_update``) before places are counted, so on
PostgreSQL two people booking the last place at once are served one after the other: one
gets it, the other is waitlisted. SQLite serialises all writes anyway. Notifications are
recorded in the same transaction and emailed after it commits, so nobody is told about a
change that was rolled back.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.services import notify
from partnerships import services as partnership_services
from partnerships.models import CommitmentKind

from . import permissions, reminders
from .models import HOLDS_A_PLACE, Booking, BookingStatus, CalendarFeed, Session, SessionStatus


def _notify(kind, booking, title):
    """Tell the attendee, in the app and by email once the transaction commits."""
    session = booking.session
    notify(
        kind.key,
        booking,
        [booking.attendee],
        title=f"{title}: {session.course.title}, {timezone.localtime(session.starts_at):%-d %b %Y %H:%M}",
        url=session.get_absolute_url(),
        occasion=timezone.localdate(session.starts_at),
    )


def _locked_session(session) -> Session:
    return Session.objects.select_for_update().select_related("course__provider").get(pk=session.pk)


def places_taken(session) -> int:
    return session.bookings.filter(status__in=HOLDS_A_PLACE).count()


@transaction.atomic
def book(session, attendee, *, by) -> Booking:
    """Give ``attendee`` a place, or a waitlist place when the session is full."""
    session = _locked_session(session)
    if not permissions.can_book_for(by, attendee):
        raise ValidationError("You can book only yourself, or staff of your own institution.")
    if not Session.objects.visible_to(attendee).filter(pk=session.pk).exists():
        raise ValidationError("This session is not offered to the attendee's organisation.")
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError("This session has been cancelled; choose another date.")
    if session.has_started:
        raise ValidationError("This session has already started, so it can no longer be booked.")
    if session.bookings.filter(attendee=attendee).exclude(status=BookingStatus.CANCELLED).exists():
        raise ValidationError(f"{attendee.get_full_name() or attendee.username} is already booked on this session.")
    status = BookingStatus.BOOKED if places_taken(session) < session.capacity else BookingStatus.WAITLISTED
    booking = Booking.objects.create(session=session, attendee=attendee, status=status, booked_by=by)
    booking.session = session
    waitlisted = status == BookingStatus.WAITLISTED
    _notify(reminders.BOOKING_CONFIRMED, booking, "On the waitlist" if waitlisted else "Booked")
    return booking


def _promote_waitlist(session) -> list[Booking]:
    """Fill free places from the waitlist, first come first served; tell each person promoted."""
    free = session.capacity - places_taken(session)
    if free <= 0:
        return []
    promoted = list(
        session.bookings.select_for_update()
        .filter(status=BookingStatus.WAITLISTED)
        .select_related("attendee")
        .order_by("created_at", "pk")[:free]
    )
    for booking in promoted:
        booking.status = BookingStatus.BOOKED
        booking.save(update_fields=["status", "updated_at"])
        booking.session = session
        _notify(reminders.WAITLIST_PROMOTED, booking, "A place came free")
    return promoted


@transaction.atomic
def cancel_booking(booking, *, by) -> list[Booking]:
    """Cancel one booking up to the start; a freed place goes to the first on the waitlist."""
    session = _locked_session(booking.session)
    booking = Booking.objects.select_for_update().select_related("attendee").get(pk=booking.pk)
    booking.session = session
    if not permissions.can_cancel(by, booking):
        raise ValidationError("This booking can no longer be cancelled.")
    if booking.status == BookingStatus.CANCELLED:
        return []
    waitlisted = booking.status == BookingStatus.WAITLISTED
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    # The attendee is told even when they cancelled it themselves: the email is their receipt.
    _notify(reminders.BOOKING_CANCELLED, booking, "Waitlist place cancelled" if waitlisted else "Booking cancelled")
    return _promote_waitlist(session)


def release_places(person, *, by) -> int:
    """Cancel a deactivated person's bookings on sessions yet to start (their attended and past
    ones stay as history); each freed place goes to the first on that session's waitlist."""
    upcoming = Booking.objects.filter(
        attendee=person, session__starts_at__gt=timezone.now(), session__status=SessionStatus.SCHEDULED
    ).exclude(status=BookingStatus.CANCELLED)
    released = 0
    for booking in upcoming.select_related("session").order_by("session_id"):
        session = _locked_session(booking.session)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == BookingStatus.CANCELLED:
            continue
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        released += 1
        _promote_waitlist(session)
    return released


@transaction.atomic
def update_session(session, *, by) -> Session:
    """Save edits to a session; more places go to the waitlist, fewer than are booked is refused."""
    locked = _locked_session(session)
    if not permissions.can_manage_training(by, locked.course.provider):
        raise ValidationError("Only the provider changes a session.")
    taken = places_taken(locked)
    if session.capacity < taken:
        raise ValidationError(
            {"capacity": f"{taken} people are booked, so the capacity cannot go below {taken}. Cancel bookings first."}
        )
    session.status = locked.status  # a stale copy must not undo a cancellation or completion made meanwhile
    session.full_clean()
    session.save()
    _promote_waitlist(session)
    return session


@transaction.atomic
def cancel_session(session, *, by, reason: str = "") -> int:
    """Cancel a whole session and tell everyone who had a place or a waitlist place."""
    session = _locked_session(session)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError("Only a scheduled session can be cancelled.")
    if not permissions.can_manage_training(by, session.course.provider):
        raise ValidationError("Only the provider cancels a session.")
    session.status = SessionStatus.CANCELLED
    session.cancellation_reason = reason
    session.save(update_fields=["status", "cancellation_reason"])
    affected = list(
        session.bookings.select_for_update()
        .filter(status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED])
        .select_related("attendee")
    )
    for booking in affected:
        booking.session = session
        _notify(reminders.SESSION_CANCELLED, booking, "Cancelled")
    session.bookings.filter(pk__in=[b.pk for b in affected]).update(
        status=BookingStatus.CANCELLED, updated_at=timezone.now()
    )
    return len(affected)


@transaction.atomic
def mark_attendance(booking, *, attended: bool, by) -> Booking:
    session = _locked_session(booking.session)
    if not permissions.can_mark_attendance(by, session):
        if not session.has_started:
            raise ValidationError("Attendance can be marked once the session has started.")
        raise ValidationError("Only the provider marks attendance.")
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status not in HOLDS_A_PLACE:
        raise ValidationError("Only people with a place can be marked as attended or absent.")
    booking.status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    booking.save(update_fields=["status", "updated_at"])
    if session.status == SessionStatus.SCHEDULED and session.ends_at <= timezone.now():
        session.status = SessionStatus.COMPLETED
        session.save(update_fields=["status"])
    if attended and session.offered_to_id:
        # Training delivered for a partnership counts toward its agreement's training commitment.
        partnership_services.record_commitment_met(
            session.offered_to_id, CommitmentKind.TRAINING, on=timezone.localdate(session.ends_at)
        )
    return booking


@transaction.atomic
def record_attendance(changes, *, by) -> int:
    """Mark several bookings (``(booking, attended)`` pairs) at once, all or nothing: one
    refusal leaves every booking as it was."""
    for booking, attended in changes:
        mark_attendance(booking, attended=attended, by=by)
    return len(changes)


# Courses and sessions


@transaction.atomic
def create_course(course, *, by):
    """Save a new course, checked by ``CourseForm``; the provider is the form's choice."""
    course.save()
    return course


@transaction.atomic
def update_course(course, *, by):
    course.save()
    return course


@transaction.atomic
def create_session(session, *, by) -> Session:
    """Save a new session of a course ``by`` provides (the view has asked ``can_manage_training``)."""
    session.created_by = by
    session.save()
    return session


# Training needs


@transaction.atomic
def add_need(need, *, institution, by):
    """Require a course of a role at ``institution``; the same need added meanwhile is refused."""
    need.institution, need.created_by = institution, by
    try:
        with transaction.atomic():
            need.save()
    except IntegrityError as error:  # added by someone else since the form was checked
        raise ValidationError("This need was added a moment ago by someone else.") from error
    return need


@transaction.atomic
def remove_need(need, *, by) -> None:
    need.delete()


# Calendar feeds


@transaction.atomic
def create_calendar_feed(user) -> CalendarFeed:
    """The user's secret feed address, made if they have none."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def renew_calendar_feed(user) -> CalendarFeed:
    """Revoke the user's feed address and make a new one: the old address answers 404 from now."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)
