"""How partners are doing against their commitments: planned by now against delivered.

Meetings are counted here, from engagements. Other apps count their own kinds by
registering a counter (training counts delivered sessions), so partnerships imports nothing
from them. Each counter is one query, and a partnership has at most one active commitment
per kind, so the partnership page stays at a fixed number of queries.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from .models import CommitmentKind

_counters = {}


def register(kind, counter):
    """``counter(partnership, since: date, until: date, user) -> int`` for commitments of ``kind``."""
    _counters[kind] = counter
    return counter


@dataclass(frozen=True)
class Progress:
    planned: int
    delivered: int

    @property
    def on_track(self) -> bool:
        return self.delivered >= self.planned


def months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day))


def planned_by(commitment, today: date) -> int:
    """How many times it should have happened by ``today``: once per full interval since it began."""
    return months_between(commitment.since, today) // commitment.every_months


def progress_of(commitment, partnership, user, today=None) -> Progress | None:
    today = today or timezone.localdate()
    counter = _counters.get(commitment.kind)
    if counter is None:
        return None
    return Progress(planned_by(commitment, today), counter(partnership, commitment.since, today, user))


def _meetings(partnership, since, until, user):
    # The partnership page fetched the partnership through visible_to, and its engagements
    # are visible wherever it is (see partnerships/timeline.py).
    return partnership.engagements.filter(date__gte=since, date__lte=until).count()


register(CommitmentKind.MEETINGS, _meetings)
