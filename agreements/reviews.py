"""An agreement in force between signing and its end: the scheduled review, its variations and
notice to end, read for the pages and the signed PDF (the writes are in ``services``).

The review's date is the partnership's review commitment (``partnerships.models.Commitment``,
kind "review"), created when the agreement came into force and moved on when both sides have
answered a review. A side may answer from ``REVIEW_OPENS_DAYS`` before the date (when the first
reminder goes out, ``reminders.REVIEW_DUE``) until it is answered, however late.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from partnerships.models import Commitment, CommitmentKind

from .models import SIGNED_STATUSES, A, Agreement, ReviewConfirmation

REVIEW_OPENS_DAYS = 60


@dataclass
class ReviewState:
    due_on: date
    opens_on: date
    is_open: bool
    overdue: bool
    # The answers given to this review so far, by side.
    answers: dict = field(default_factory=dict)

    def answered_by(self, side) -> ReviewConfirmation | None:
        return self.answers.get(side)


def review_state(agreement, today: date | None = None) -> ReviewState | None:
    """The next scheduled review of an agreement in force and who has answered it, or None
    (not in force, no review interval, or notice given)."""
    if agreement.status != A.IN_FORCE or agreement.notice_given_at is not None:
        return None
    commitment = (
        Commitment.objects.filter(partnership_id=agreement.partnership_id, kind=CommitmentKind.REVIEW, active=True)
        .only("due_on")
        .first()
    )
    if commitment is None or commitment.due_on is None:
        return None
    today = today or timezone.localdate()
    due_on = commitment.due_on
    opens_on = due_on - timedelta(days=REVIEW_OPENS_DAYS)
    # A review half answered before a variation came into force is still half answered.
    original = agreement.original
    answers = {
        answer.side: answer
        for answer in ReviewConfirmation.objects.filter(
            Q(agreement=original) | Q(agreement__varies=original), due_on=due_on
        ).select_related("confirmed_by__organisation")
    }
    return ReviewState(
        due_on=due_on, opens_on=opens_on, is_open=today >= opens_on, overdue=today > due_on, answers=answers
    )


def notice_ends_on(agreement, today: date) -> date:
    """The last day in force if notice is given ``today``: the notice period later, or the end
    of the term if that comes first."""
    last_day = today + relativedelta(months=agreement.notice_months or 0)
    if agreement.expires_on is not None and agreement.expires_on < last_day:
        return agreement.expires_on
    return last_day


# What the agreement page, the verification page and the services read of each variation.
VARIATION_FIELDS = (
    "pk",
    "public_id",
    "title",
    "status",
    "variation_number",
    "effective_date",
    "signed_at",
    "varies_id",
)
# A variation in one of these is no longer being agreed or waiting for its date.
SETTLED = (A.IN_FORCE, A.SUPERSEDED, A.ENDED, A.WITHDRAWN)


def variations(agreement) -> tuple[list[Agreement], Agreement | None]:
    """``lineage`` and ``variation_in_progress`` together, from one query of the variations of
    the agreement's original (the agreement page shows both)."""
    original = agreement.original
    rows = list(Agreement.objects.filter(varies=original).only(*VARIATION_FIELDS).order_by("variation_number", "pk"))
    signed = [row for row in rows if row.status in SIGNED_STATUSES]
    in_progress = next((row for row in rows if row.status not in SETTLED), None)
    return [original, *signed], in_progress


def lineage(agreement) -> list[Agreement]:
    """The original agreement and its signed variations, in order: what the verification page
    and the agreement page list. Variations still being agreed (or withdrawn) are left out."""
    return variations(agreement)[0]


def variation_in_progress(agreement) -> Agreement | None:
    """A variation of this agreement's original still being agreed, or signed and waiting for
    its effective date, if any: until it is in force, no other variation starts (it would be
    drafted from the text this one replaces) and no notice is given (the variation coming into
    force would supersede the agreement given notice, and the notice with it). There is at most
    one: none starts while another is in progress."""
    return variations(agreement)[1]


def pending_message(variation, what: str) -> str:
    """Why ``what`` waits for ``variation`` (from ``variation_in_progress``)."""
    if variation.status == A.SIGNED:
        return (
            f"Variation {variation.variation_number} is signed and comes into force on "
            f"{variation.effective_date:%-d %B %Y}: {what} once it is in force."
        )
    return f"Variation {variation.variation_number} of this agreement is being agreed: withdraw it before you {what}."
