"""Agreement events on the partnership timeline, added through partnerships' timeline registry."""

from django.db.models import F, Q
from django.utils import timezone

from partnerships.timeline import Event

from .models import SIGNED_STATUSES, Agreement, AgreementEvent

EVENT_FIELDS = ("at", "from_status", "to_status", "comment", "agreement__title", "by__first_name", "by__last_name")

TITLES = {
    "draft": "Agreement drafted",
    "in_review": "Agreement sent for review",
    "changes_requested": "Changes requested to the agreement",
    "approved": "Agreement approved by both sides",
    "partly_signed": "Agreement signed by one side",
    "signed": "Agreement signed by both sides, not yet in force",
    "in_force": "Agreement in force",
    "ended": "Agreement ended",
    "superseded": "Agreement superseded",
    "withdrawn": "Agreement withdrawn",
}


def agreement_events(partnership, user, limit):
    # Staff members see agreements once signed, and not the drafting and review behind them.
    # The partnership was fetched through visible_to: the scope of its agreements is put on
    # their events as a condition (Agreement.objects.partnership_condition), not as subqueries
    # of the agreement scope, which took longer to build than the query took to run.
    condition = Agreement.objects.partnership_condition
    workings = condition(partnership, user, workings=True, prefix="agreement__")
    visible = condition(partnership, user, prefix="agreement__")
    if visible is None:
        return []
    shown = visible & Q(to_status__in=SIGNED_STATUSES)
    if workings is not None:
        # Q() is "every agreement", but Q() | other would keep only other: say it outright.
        shown = Q() if not workings else workings | shown
    events = (
        # The partnership first: without it PostgreSQL reads every event of every agreement for
        # the OR of the two scopes (9 to 16 ms on the national data set, 0.1 ms with it).
        AgreementEvent.objects.filter(agreement__partnership=partnership)
        .filter(shown)
        .exclude(from_status=F("to_status"))
        .select_related("agreement", "by")
        # What an event shows: not the agreement's terms or signed PDF, nor the person's account.
        .only(*EVENT_FIELDS)
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
