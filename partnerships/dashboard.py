"""What the dashboard shows of partnerships and organisations: a fixed handful of queries."""

from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import tally
from core.scoping import sees_everything

from .health import LEVELS
from .models import (
    Action,
    AgencyInvitation,
    Contact,
    Direction,
    InformationShare,
    Organisation,
    OrganisationKind,
    Partnership,
    Unit,
)
from .tallies import PARTNERSHIPS_BY_HEALTH


def partnership_summary(user, limit=5):
    """The user's live partnerships, worst health first, and what is waiting on them."""
    today = timezone.localdate()
    # Only the rows shown, by the stored light (partnerships/stored_health.py), with the count
    # of all of them in the same query: a police force's 226 partnerships are counted, not
    # assessed. PostgreSQL reads them through the scope's indexes and sorts them. (Were there
    # an index in this order, it would walk that index whole for the count, all 10,000 rows in
    # 0.4 s, having costed the walk as if LIMIT stopped it after five.)
    partnerships = list(
        Partnership.objects.visible_to(user)
        .live()
        .select_related("institution", "police_force")
        .annotate(total=Window(Count("pk")))
        .order_by(F("health").desc(nulls_last=True), "title", "pk")[:limit]
    )
    for partnership in partnerships:
        partnership.health_name = LEVELS.get(partnership.health)
    actions = (
        Action.objects.visible_to(user)
        .open()
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    )
    own = user.organisation_id
    for_us = Q(direction=Direction.TO_POLICE, partnership__police_force_id=own) | Q(
        direction=Direction.TO_INSTITUTION, partnership__institution_id=own
    )
    return {
        "partnerships": partnerships,
        "partnership_count": partnerships[0].total if partnerships else 0,
        "open_action_count": actions["open"],
        "overdue_action_count": actions["overdue"],
        "feedback_due_count": InformationShare.objects.visible_to(user)
        .awaiting_feedback()
        .filter(for_us, erased_at__isnull=True)
        .count(),
    }


def partnerships_by_health(user):
    """(filter value, light, count) for every light, worst first, in one query of the stored light:
    for an administrator, who sees every partnership, from the count kept as it changes (``tallies``)."""
    if sees_everything(user):
        counts = {None if level is None else int(level): n for level, n in tally.counts(PARTNERSHIPS_BY_HEALTH).items()}
    else:
        counts = {
            row["health"]: row["n"]
            for row in Partnership.objects.visible_to(user).order_by().values("health").annotate(n=Count("*"))
        }
    rows = [(LEVELS[level], LEVELS[level], counts[level]) for level in sorted(LEVELS, reverse=True) if level in counts]
    if None in counts:
        rows.append(("none", None, counts[None]))
    return rows


def awaiting_answer(user):
    """Proposals and invitations waiting for this liaison officer's organisation to answer."""
    if not (user.is_liaison_officer or user.is_agency_liaison):
        return {"proposals": [], "invitations": []}
    own = user.organisation_id
    return {
        "proposals": list(
            Partnership.objects.awaiting_answer_by(user)
            .select_related("institution", "police_force", "created_by__organisation")
            .order_by("-created_at")[:10]
        ),
        "invitations": list(
            AgencyInvitation.objects.visible_to(user)
            .pending()
            .filter(organisation_id=own)
            .exclude(partnership__status="ended")
            .select_related("partnership__institution", "partnership__police_force")[:10]
        ),
    }


def organisations_by_kind(user):
    """(kind label, count) of the organisations the user sees, in one query."""
    kinds = dict(OrganisationKind.choices)
    return [
        (kinds.get(row["kind"], row["kind"]), row["n"])
        for row in Organisation.objects.visible_to(user).values("kind").annotate(n=Count("pk")).order_by("kind")
    ]


def own_organisation_counts(user):
    """How many units and contacts the user's own organisation has, as the user sees them: in one
    query of the organisation (units and contacts are seen exactly where their organisation is,
    ``UnitQuerySet`` and ``ContactQuerySet``)."""

    def count(model):
        rows = model.objects.filter(organisation=OuterRef("pk")).order_by().values("organisation")
        return Coalesce(Subquery(rows.annotate(n=Count("*")).values("n")), 0)

    counts = Organisation.objects.own_of(user).values(unit_count=count(Unit), contact_count=count(Contact)).first()
    return counts or {"unit_count": 0, "contact_count": 0}
