"""What each role's dashboard shows of training, in one or two queries."""

from django.utils import timezone

from .models import Booking, BookingStatus, Session


def upcoming_sessions(user, limit=5, provided_by_us=False):
    sessions = Session.objects.visible_to(user).upcoming().select_related("course__provider")
    if provided_by_us:
        sessions = sessions.filter(course__provider_id=user.organisation_id)
    return list(sessions.with_places().order_by("starts_at")[:limit])


def my_upcoming_bookings(user, limit=5):
    return list(
        Booking.objects.visible_to(user)
        .filter(
            attendee=user,
            status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED],
            session__starts_at__gte=timezone.now(),
        )
        .select_related("session__course__provider")
        .order_by("session__starts_at")[:limit]
    )
