"""Agreement events on the partnership timeline, added through partnerships' timeline registry."""

from django.db.models import F
from django.utils import timezone

from partnerships.timeline import Event

from .models import AgreementEvent

TITLES = {
    "draft": "Agreement drafted",
    "in_review": "Agreement sent for review",
    "changes_requested": "Changes requested to the agreement",
    "approved": "Agreement approved by both sides",
    "partly_signed": "Agreement signed by one side",
    "in_force": "Agreement in force",
    "ended": "Agreement ended",
    "superseded": "Agreement superseded",
}


def agreement_events(partnership, user, limit):
    events = (
        AgreementEvent.objects.filter(agreement__in=partnership.agreements.visible_to(user))
        .exclude(from_status=F("to_status"))
        .select_related("agreement", "by")
        .order_by("-at")[:limit]
    )
    return [
        Event(
            timezone.localdate(event.at),
            "Agreement",
            f"{TITLES.get(event.to_status, event.get_to_status_display())}: {event.agreement.title}",
            event.agreement.get_absolute_url(),
            " · ".join(part for part in (f"by {event.by.get_full_name()}" if event.by else "", event.comment) if part),
            at=event.at,
        )
        for event in events
    ]
