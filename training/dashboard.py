"""What each role's dashboard shows of training, in one or two queries."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import HOLDS_A_PLACE, Booking, BookingStatus, Session


def upcoming_sessions(user, limit=5, provided_by_us=False):
    sessions = Session.objects.visible_to(user).upcoming().select_related("course__provider")
    if provided_by_us:
        sessions = sessions.filter(course__provider_id=user.organisation_id)
    return list(
        sessions.annotate(taken=Count("bookings", filter=Q(bookings__status__in=HOLDS_A_PLACE))).order_by("starts_at")[
            :limit
        ]
    )


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
