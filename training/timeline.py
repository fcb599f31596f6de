"""Training sessions on the partnership timeline, through partnerships' timeline registry.

The partnership was fetched through ``visible_to``: its sessions are read through
``Session.objects.offered_to_visible``, the scope narrowed to it without building it whole."""

from django.utils import timezone

from partnerships.timeline import Event

from .models import Session, SessionStatus


def session_events(partnership, user, limit):
    """Sessions offered to this partnership's institution that took place or are booked to."""
    sessions = (
        Session.objects.offered_to_visible(partnership, user)
        .filter(starts_at__lte=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("course__provider")
        .order_by("-starts_at")[:limit]
    )
    return [
        Event(
            timezone.localdate(session.starts_at),
            "Training",
            f"Training delivered: {session.course.title}",
            session.get_absolute_url(),
            f"{session.course.provider.name}{' · ' + session.trainers if session.trainers else ''}",
            at=session.starts_at,
        )
        for session in sessions
    ]


def sessions_delivered(partnership, since, until, user):
    """Training delivered for a partnership between two dates, for its training commitment."""
    return (
        Session.objects.offered_to_visible(partnership, user)
        .filter(ends_at__date__gte=since, ends_at__date__lte=until, ends_at__lte=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .count()
    )
