"""The health light stored on each partnership (``Partnership.health``), and its nightly check.

``partnerships/health.py`` says how healthy a partnership is, from its engagements, shares,
actions and commitments. Working that out for every partnership a user sees, to count them by
health or show the worst five, grows with the data; so each partnership stores its light, and
the date on which time alone may next change it (``health_changes_on``: an engagement ageing
past 90 days, a share leaving the 90-day window, an action falling overdue...).

- Every change that may move the light stores it again, in the same transaction: saving or
  deleting an engagement, action, share or commitment, or saving the partnership's status
  (``MovesHealth`` and ``Partnership.save`` in the models), and the services that change rows
  in bulk call ``store`` themselves.
- ``check`` (the nightly task, ``tasks.check_stored_health``) works the light out again for
  every partnership, one batch at a time, and stores what changed: the lights that time moved
  (their ``health_changes_on`` has come) quietly, any other difference as drift, with a warning
  in the log.

The light is worked out by ``health.assess``, the rules the partnership page uses; the tests
check that it equals ``health.with_health``'s in SQL after every kind of change.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.db import transaction
from django.db.models import DateField, OuterRef, Subquery
from django.utils import timezone

from .health import (
    ENGAGEMENT_AMBER_AFTER_DAYS,
    ENGAGEMENT_RED_AFTER_DAYS,
    FEEDBACK_GRACE_DAYS,
    FEEDBACK_WINDOW_DAYS,
    FLOW_WINDOW_DAYS,
    assess,
    with_figures,
)
from .models import Action, Commitment, Engagement, InformationShare, Partnership, PartnershipStatus

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
FIGURES = [
    "last_engagement_on",
    "shares_to_police_recent",
    "shares_to_institution_recent",
    "shares_expecting_feedback",
    "shares_with_feedback",
    "overdue_action_count",
    "commitments_behind",
]
# A share counts toward the figures from the day it is shared; it leaves the flow window
# FLOW_WINDOW_DAYS later, starts to expect feedback FEEDBACK_GRACE_DAYS later and stops
# FEEDBACK_WINDOW_DAYS later. The first share after ``today - days`` says when the next of
# these comes, for each of the four.
SHARE_STEPS = (0, FEEDBACK_GRACE_DAYS, FLOW_WINDOW_DAYS, FEEDBACK_WINDOW_DAYS)
NEXT = ["next_engagement_on", "next_action_due_on", "next_commitment_due_on"]


def _first(queryset, field):
    return Subquery(queryset.order_by(field).values(field)[:1], output_field=DateField())


def _levels(queryset, today, now) -> dict:
    """{pk: (light, date time may next change it)} for ``queryset``'s partnerships, in one query.

    It selects only the columns it names, so the data migration that first filled the light
    can use it whatever fields later migrations add.
    """
    engagements = Engagement.objects.filter(partnership=OuterRef("pk"))
    shares = InformationShare.objects.filter(partnership=OuterRef("pk"))
    actions = Action.objects.filter(partnership=OuterRef("pk")).open()
    commitments = Commitment.objects.filter(partnership=OuterRef("pk"), active=True)
    steps = {
        f"first_share_after_{days}": _first(shares.filter(shared_on__gt=today - timedelta(days=days)), "shared_on")
        for days in SHARE_STEPS
    }
    rows = (
        with_figures(queryset, today)
        .annotate(
            next_engagement_on=_first(engagements.filter(date__gt=today), "date"),
            next_action_due_on=_first(actions.filter(due_date__gte=today), "due_date"),
            next_commitment_due_on=_first(commitments.filter(due_on__gte=today), "due_on"),
            **steps,
        )
        .order_by()
        .values("pk", "status", "created_at", *FIGURES, *NEXT, *steps)
    )
    result = {}
    for row in rows:
        p = assess(SimpleNamespace(**row), today, now)
        result[row["pk"]] = (p.health_level, _changes_on(p, today))
    return result


def _changes_on(p, today):
    """The first day after ``today`` on which one of the figures may change with no new data.

    Never later than the light's next change by time, sometimes earlier (a figure changes and
    the light does not): the nightly check then finds nothing to do.
    """
    if p.status == PartnershipStatus.ENDED:
        return None
    candidates = [p.next_engagement_on]
    if p.last_engagement_on is None:
        # A new partnership is amber, not red, for its first 90 days (to the minute it was
        # proposed): the night after that moment finds it changed.
        ends = p.created_at + timedelta(days=ENGAGEMENT_AMBER_AFTER_DAYS)
        candidates.append(_after(timezone.localdate(ends), 1))
    else:
        last = p.last_engagement_on
        candidates += [_after(last, days + 1) for days in (ENGAGEMENT_AMBER_AFTER_DAYS, ENGAGEMENT_RED_AFTER_DAYS)]
    for days in SHARE_STEPS:
        first = getattr(p, f"first_share_after_{days}")
        if first is not None:
            candidates.append(_after(first, days))
    # An action or commitment is behind from the day after it is due.
    candidates += [_after(day, 1) for day in (p.next_action_due_on, p.next_commitment_due_on) if day is not None]
    return min((day for day in candidates if day is not None and day > today), default=None)


def _after(day, days):
    """``day`` plus ``days``, or None past the last date there is (a due date of 31 December
    9999 never moves the light)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def store(partnership_ids, *, partnership=None, today=None, now=None) -> dict:
    """Work out and store the light of these partnerships, in the caller's transaction.

    The rows are locked first (``FOR NO KEY UPDATE``, which the inserts of their engagements,
    actions and shares do not wait for), and the figures read after: a change committed by
    another request meanwhile is then seen, so the last to store is right. ``partnership``, if
    given, gets the stored values too.
    """
    today = today or timezone.localdate()
    with transaction.atomic(savepoint=False):
        stored = {
            pk: (health, changes_on)
            for pk, health, changes_on in Partnership.objects.select_for_update(no_key=True)
            .filter(pk__in=list(partnership_ids))
            .order_by("pk")
            .values_list("pk", "health", "health_changes_on")
        }
        computed = _levels(Partnership.objects.filter(pk__in=list(stored)), today, now or timezone.now())
        for pk, value in computed.items():
            if stored[pk] != value:
                Partnership.objects.filter(pk=pk).update(health=value[0], health_changes_on=value[1])
    if partnership is not None and partnership.pk in computed:
        partnership.health, partnership.health_changes_on = computed[partnership.pk]
    return computed


@dataclass(frozen=True)
class Checked:
    last_pk: int | None  # None: there were no partnerships after ``after``
    checked: int = 0
    moved_by_time: int = 0
    drifted: int = 0


def check(*, after=0, batch_size=BATCH_SIZE, today=None, now=None, log_drift=True) -> Checked:
    """Check the stored light of the next ``batch_size`` partnerships after pk ``after``.

    A light that time was due to move (``health_changes_on`` has come) is stored quietly; any
    other difference between the stored and the computed values is drift, stored and logged as
    a warning (``log_drift=False`` when filling rows never stored). Rows another transaction
    holds are skipped: that transaction stores them.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    moved = drifted = 0
    with transaction.atomic():
        batch = list(
            Partnership.objects.select_for_update(no_key=True, skip_locked=True)
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "health", "health_changes_on")[:batch_size]
        )
        if not batch:
            return Checked(last_pk=None)
        computed = _levels(Partnership.objects.filter(pk__in=[row[0] for row in batch]), today, now)
        for pk, health, changes_on in batch:
            level, next_on = computed[pk]
            if (health, changes_on) == (level, next_on):
                continue
            if changes_on is not None and changes_on <= today:
                moved += health != level
            else:
                drifted += 1
                if log_drift:
                    logger.warning(
                        "Stored health of partnership %s was %s (time may change it on %s); "
                        "computed %s (on %s). Corrected.",
                        pk,
                        health,
                        changes_on,
                        level,
                        next_on,
                    )
            Partnership.objects.filter(pk=pk).update(health=level, health_changes_on=next_on)
    return Checked(last_pk=batch[-1][0], checked=len(batch), moved_by_time=moved, drifted=drifted)


def check_all(*, today=None, now=None, batch_size=BATCH_SIZE, log_drift=True) -> Checked:
    """``check`` every partnership, batch after batch (the data migration, the demo seed)."""
    after, checked, moved, drifted = 0, 0, 0, 0
    while True:
        result = check(after=after, batch_size=batch_size, today=today, now=now, log_drift=log_drift)
        if result.last_pk is None:
            return Checked(last_pk=after or None, checked=checked, moved_by_time=moved, drifted=drifted)
        after = result.last_pk
        checked, moved, drifted = checked + result.checked, moved + result.moved_by_time, drifted + result.drifted
