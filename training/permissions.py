"""What a user may do with training they can see. One condition per line."""

from .models import SessionStatus


def can_manage_training(user, organisation) -> bool:
    """Offer courses and sessions for ``organisation``: its police liaison officers, or administrators."""
    if user.is_administrator:
        return True
    return user.is_police_liaison and user.organisation_id == organisation.pk


def can_book_for(user, attendee) -> bool:
    """Staff book themselves; liaison officers book staff of their own institution."""
    if user.pk == attendee.pk:
        return True
    return user.is_university_liaison and attendee.organisation_id == user.organisation_id


def can_cancel(user, booking) -> bool:
    if booking.session.has_started:
        return False
    return can_book_for(user, booking.attendee) or can_manage_training(user, booking.session.course.provider)


def can_mark_attendance(user, session) -> bool:
    if session.status == SessionStatus.CANCELLED or not session.has_started:
        return False
    return can_manage_training(user, session.course.provider)
