"""What the dashboard shows of agreements: what waits on a liaison officer, in two queries; an
administrator's count by status, in one."""

from django.db.models import BooleanField, Case, Count, Q, When

from core import tally
from core.scoping import sees_everything

from .models import A, Agreement, AgreementStatus
from .tallies import AGREEMENTS_BY_STATUS

OPEN = [A.DRAFT, A.IN_REVIEW, A.CHANGES_REQUESTED, A.APPROVED, A.PARTLY_SIGNED, A.SIGNED]


def agreement_summary(user, limit=5):
    """Agreements in progress (those waiting on the user's side first) and the count in force."""
    own = user.organisation_id
    police = user.organisation.is_police_force
    # Whose move it is: the force reviews; the institution drafts and revises; both sign.
    ours = Q(status__in=[A.APPROVED, A.PARTLY_SIGNED])
    if police:
        ours |= Q(status=A.IN_REVIEW, partnership__police_force_id=own)
    else:
        ours |= Q(status__in=[A.DRAFT, A.CHANGES_REQUESTED], partnership__institution_id=own)
    agreements = list(
        Agreement.objects.visible_to(user)
        .filter(status__in=OPEN)
        .select_related("partnership")
        .annotate(waiting_on_us=Case(When(ours, then=True), default=False, output_field=BooleanField()))
        .order_by("-waiting_on_us", "-updated_at")[:limit]
    )
    return {
        "agreements": agreements,
        "in_force_count": Agreement.objects.visible_to(user).filter(status=A.IN_FORCE).count(),
    }


def agreements_by_status(user):
    """(status label, count) of the agreements the user sees, in one query: for an administrator,
    who sees every agreement, from the count kept as they change (``tallies``)."""
    statuses = dict(AgreementStatus.choices)
    if sees_everything(user):
        return [(statuses.get(status, status), n) for status, n in sorted(tally.counts(AGREEMENTS_BY_STATUS).items())]
    return [
        (statuses.get(row["status"], row["status"]), row["n"])
        for row in Agreement.objects.visible_to(user).values("status").annotate(n=Count("pk")).order_by("status")
    ]
