"""What a user may do with training they can see. One condition per line."""

from .models import BookingStatus, SessionStatus


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


def can_book_colleagues(user, session) -> bool:
    """Look for people to book on ``session``: university liaison officers, while it is open for booking."""
    if not session.is_bookable:
        return False
    return user.is_university_liaison


def can_cancel(user, booking) -> bool:
    if booking.session.has_started:
        return False
    return can_book_for(user, booking.attendee) or can_manage_training(user, booking.session.course.provider)


def can_mark_attendance(user, session) -> bool:
    if session.status == SessionStatus.CANCELLED or not session.has_started:
        return False
    return can_manage_training(user, session.course.provider)


def books_for_themselves(user) -> bool:
    """Institution people (staff and their liaison officers) take places; providers and admins offer them."""
    return user.is_staff_member or user.is_university_liaison


def has_certificate(booking) -> bool:
    """A certificate exists once the provider has marked the person as attended."""
    return booking.status == BookingStatus.ATTENDED


def can_give_feedback(user, booking) -> bool:
    """Only the attendee themself, and only for a session they attended."""
    if booking.attendee_id != user.pk:
        return False
    return has_certificate(booking)


def can_see_course_feedback(user, course) -> bool:
    """The provider's police liaison officers and administrators."""
    return can_manage_training(user, course.provider)


def can_see_compliance(user) -> bool:
    """The compliance matrix names people: their own institution's liaison officers, or administrators."""
    if user.is_administrator:
        return True
    return user.is_university_liaison


def can_see_needs(user) -> bool:
    """Staff members have no use for the rules; liaison officers and administrators read them."""
    return not user.is_staff_member


def can_manage_needs(user, institution) -> bool:
    if user.is_administrator:
        return True
    return user.is_university_liaison and user.organisation_id == institution.pk
