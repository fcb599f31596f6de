"""Partnership health: computed from what partners did, never typed in.

The police view of a healthy partnership: willingness on both sides, good lines
of communication, a two-way flow of information, and showing partners what their information
led to. Each factor below is worked out in the database as a level (0 green, 1 amber, 2 red),
so the list can filter and sort by health at any size; the partnership page turns the same
numbers into reasons in words. The overall light is the worst factor.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, Count, DateField, F, Func, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThanOrEqual
from django.db.models.sql.constants import LOUTER
from django.utils import timezone
from django_cte import CTE, with_cte

from .models import Action, Commitment, Direction, Engagement, InformationShare, PartnershipStatus

ENGAGEMENT_AMBER_AFTER_DAYS = 90
ENGAGEMENT_RED_AFTER_DAYS = 180
FLOW_WINDOW_DAYS = 90
# A share younger than this is not yet expected to have feedback; older than a year no longer counts.
FEEDBACK_GRACE_DAYS = 30
FEEDBACK_WINDOW_DAYS = 365
FEEDBACK_GREEN_RATIO = (3, 4)  # at least three in four shares answered
FEEDBACK_AMBER_RATIO = (1, 2)  # at least one in two
OVERDUE_RED_COUNT = 3

GREEN, AMBER, RED = 0, 1, 2
LEVELS = {GREEN: "green", AMBER: "amber", RED: "red"}
LEVEL_VALUES = {name: level for level, name in LEVELS.items()}
LABELS = {"green": "Healthy", "amber": "Needs attention", "red": "At risk", None: "Not assessed"}


def _count(queryset):
    """A correlated subquery counting ``queryset`` rows for the outer partnership (0, not NULL).

    COUNT as a plain function, so without a GROUP BY: one row, 0 when nothing matches. Django
    builds it in less time than ``values().annotate(Count(...))``, which a partnership page
    and every page of the list paid seven times a request.
    """
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def _windows(today):
    """The conditions on information shares behind the flow and feedback figures."""
    recent = Q(shared_on__gt=today - timedelta(days=FLOW_WINDOW_DAYS), shared_on__lte=today)
    expecting = Q(
        shared_on__lte=today - timedelta(days=FEEDBACK_GRACE_DAYS),
        shared_on__gt=today - timedelta(days=FEEDBACK_WINDOW_DAYS),
    )
    return recent, expecting


def _figures_per_row(queryset, today):
    """The seven figures as correlated subqueries: cheap for a page of partnerships or a few dozen."""
    recent, expecting = _windows(today)
    engagements = Engagement.objects.filter(partnership=OuterRef("pk"), date__lte=today).order_by("-date")
    shares = InformationShare.objects.filter(partnership=OuterRef("pk"))
    overdue = Action.objects.filter(partnership=OuterRef("pk")).overdue(today)
    behind = Commitment.objects.filter(partnership=OuterRef("pk"), active=True, due_on__lt=today)
    return queryset.annotate(
        last_engagement_on=Subquery(engagements.values("date")[:1], output_field=DateField()),
        shares_to_police_recent=_count(shares.filter(recent, direction=Direction.TO_POLICE)),
        shares_to_institution_recent=_count(shares.filter(recent, direction=Direction.TO_INSTITUTION)),
        shares_expecting_feedback=_count(shares.filter(expecting)),
        shares_with_feedback=_count(shares.filter(expecting).exclude(outcome="")),
        overdue_action_count=_count(overdue),
        commitments_behind=_count(behind),
    )


def _figures_joined(queryset, today):
    """The same seven figures from one grouped pass over each table, joined once.

    For counting, filtering or sorting thousands of partnerships by health: per-row subqueries
    cost a probe per figure per partnership (and the level expressions repeat some of them),
    where a grouped pass reads each table once. Each pass is limited to ``queryset``'s
    partnerships, so a narrow scope stays cheap too.
    """
    recent, expecting = _windows(today)
    scope = queryset.order_by().values("pk")

    def grouped(name, rows, **figures):
        return CTE(
            rows.filter(partnership__in=scope).order_by().values("partnership_id").annotate(**figures),
            name=f"health_{name}",
        )

    engagements = grouped(
        "engagements", Engagement.objects.filter(date__lte=today), last=Max("date", output_field=DateField())
    )
    shares = grouped(
        "shares",
        InformationShare.objects.all(),
        to_police=Count("pk", filter=recent & Q(direction=Direction.TO_POLICE)),
        to_institution=Count("pk", filter=recent & Q(direction=Direction.TO_INSTITUTION)),
        expecting=Count("pk", filter=expecting),
        answered=Count("pk", filter=expecting & ~Q(outcome="")),
    )
    actions = grouped("actions", Action.objects.overdue(today), n=Count("pk"))
    commitments = grouped("commitments", Commitment.objects.filter(active=True, due_on__lt=today), n=Count("pk"))
    ctes = (engagements, shares, actions, commitments)
    for cte in ctes:
        queryset = cte.join(queryset, pk=cte.col.partnership_id, _join_type=LOUTER)
    return with_cte(*ctes, select=queryset).annotate(
        last_engagement_on=engagements.col.last,
        shares_to_police_recent=Coalesce(shares.col.to_police, 0),
        shares_to_institution_recent=Coalesce(shares.col.to_institution, 0),
        shares_expecting_feedback=Coalesce(shares.col.expecting, 0),
        shares_with_feedback=Coalesce(shares.col.answered, 0),
        overdue_action_count=Coalesce(actions.col.n, 0),
        commitments_behind=Coalesce(commitments.col.n, 0),
    )


def with_health(queryset, today=None, *, many=False):
    """Annotate partnerships with the health figures and a level per factor and overall.

    ``many`` reads the figures in one grouped pass per table instead of per row: use it when
    every partnership of a large set is assessed (counts by health, a filter or sort by health),
    and leave it off for a page of partnerships or one. The levels are the same either way.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    queryset = (_figures_joined if many else _figures_per_row)(queryset, today)
    green_num, green_den = FEEDBACK_GREEN_RATIO
    amber_num, amber_den = FEEDBACK_AMBER_RATIO
    return queryset.annotate(
        engagement_level=Case(
            When(last_engagement_on__gte=today - timedelta(days=ENGAGEMENT_AMBER_AFTER_DAYS), then=Value(GREEN)),
            When(last_engagement_on__gte=today - timedelta(days=ENGAGEMENT_RED_AFTER_DAYS), then=Value(AMBER)),
            When(
                last_engagement_on__isnull=True,
                created_at__gte=now - timedelta(days=ENGAGEMENT_AMBER_AFTER_DAYS),
                then=Value(AMBER),
            ),
            default=Value(RED),
            output_field=IntegerField(),
        ),
        flow_level=Case(
            When(Q(shares_to_police_recent__gt=0) & Q(shares_to_institution_recent__gt=0), then=Value(GREEN)),
            default=Value(AMBER),
            output_field=IntegerField(),
        ),
        feedback_level=Case(
            When(shares_expecting_feedback=0, then=Value(GREEN)),
            When(
                GreaterThanOrEqual(F("shares_with_feedback") * green_den, F("shares_expecting_feedback") * green_num),
                then=Value(GREEN),
            ),
            When(
                GreaterThanOrEqual(F("shares_with_feedback") * amber_den, F("shares_expecting_feedback") * amber_num),
                then=Value(AMBER),
            ),
            default=Value(RED),
            output_field=IntegerField(),
        ),
        commitments_level=Case(
            When(commitments_behind=0, then=Value(GREEN)),
            default=Value(AMBER),
            output_field=IntegerField(),
        ),
        actions_level=Case(
            When(overdue_action_count=0, then=Value(GREEN)),
            When(overdue_action_count__lt=OVERDUE_RED_COUNT, then=Value(AMBER)),
            default=Value(RED),
            output_field=IntegerField(),
        ),
    ).annotate(
        health_level=Case(
            When(status=PartnershipStatus.ENDED, then=Value(None)),
            default=Greatest("engagement_level", "flow_level", "feedback_level", "actions_level", "commitments_level"),
            output_field=IntegerField(),
        )
    )


def with_figures(queryset, today=None):
    """Only the seven figures, per row; ``assess`` then works out the levels in Python.

    For one partnership's page: compiling the level expressions cost more than running them.
    """
    return _figures_per_row(queryset, today or timezone.localdate())


def assess(p, today=None, now=None):
    """Set the levels on a partnership annotated by ``with_figures``, by ``with_health``'s rules.

    The same rules as the SQL above, written for one object; the health tests check that both
    give the same levels for every case they build.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    last = p.last_engagement_on
    if last is None:
        new = p.created_at >= now - timedelta(days=ENGAGEMENT_AMBER_AFTER_DAYS)
        p.engagement_level = AMBER if new else RED
    elif last >= today - timedelta(days=ENGAGEMENT_AMBER_AFTER_DAYS):
        p.engagement_level = GREEN
    elif last >= today - timedelta(days=ENGAGEMENT_RED_AFTER_DAYS):
        p.engagement_level = AMBER
    else:
        p.engagement_level = RED
    p.flow_level = GREEN if p.shares_to_police_recent > 0 and p.shares_to_institution_recent > 0 else AMBER
    expecting, answered = p.shares_expecting_feedback, p.shares_with_feedback
    (green_num, green_den), (amber_num, amber_den) = FEEDBACK_GREEN_RATIO, FEEDBACK_AMBER_RATIO
    if expecting == 0 or answered * green_den >= expecting * green_num:
        p.feedback_level = GREEN
    elif answered * amber_den >= expecting * amber_num:
        p.feedback_level = AMBER
    else:
        p.feedback_level = RED
    p.commitments_level = GREEN if p.commitments_behind == 0 else AMBER
    overdue = p.overdue_action_count
    p.actions_level = GREEN if overdue == 0 else AMBER if overdue < OVERDUE_RED_COUNT else RED
    if p.status == PartnershipStatus.ENDED:
        p.health_level = None
    else:
        p.health_level = max(p.engagement_level, p.flow_level, p.feedback_level, p.actions_level, p.commitments_level)
    return p


def filter_by_health(queryset, health):
    """Keep partnerships of one stored light ("green", "amber", "red") or not assessed ("none")."""
    if health == "none":
        return queryset.filter(health__isnull=True)
    if health in LEVEL_VALUES:
        return queryset.filter(health=LEVEL_VALUES[health])
    return queryset


@dataclass(frozen=True)
class Reason:
    level: str  # "green", "amber", "red" or "info" (shown, but does not change the light)
    text: str


@dataclass(frozen=True)
class Health:
    level: str | None
    reasons: list[Reason]

    @property
    def label(self) -> str:
        return LABELS[self.level]


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def health_of(partnership, today=None, show_shares=True) -> Health:
    """The health of a partnership annotated by ``with_health``, with its reasons in words.

    Without ``show_shares`` (for those who may not see information shares) the light is the
    same, but the sharing reasons give no counts.
    """
    today = today or timezone.localdate()
    if partnership.health_level is None:
        return Health(None, [Reason("info", "The partnership has ended, so its health is no longer assessed.")])
    p = partnership
    if p.agreement_in_force_since:
        reasons = [Reason("green", f"Agreement in force since {p.agreement_in_force_since:%-d %B %Y}.")]
    else:
        reasons = [Reason("info", "No agreement in force.")]

    if p.last_engagement_on is None:
        reasons.append(Reason(LEVELS[p.engagement_level], "No engagement has been recorded yet."))
    else:
        days = (today - p.last_engagement_on).days
        text = f"Last engagement {_days(days)} ago" if days else "Last engagement today"
        if p.engagement_level == GREEN:
            reasons.append(Reason("green", f"{text}."))
        else:
            reasons.append(Reason(LEVELS[p.engagement_level], f"{text}; partners should meet at least quarterly."))

    if not show_shares:
        level = max(p.flow_level, p.feedback_level)
        if level == GREEN:
            text = "Information is flowing both ways, with outcome feedback."
        else:
            text = "Information sharing needs attention; liaison officers can see the details."
        reasons.append(Reason(LEVELS[level], text))
        return _with_actions(p, reasons)

    to_police, to_institution = p.shares_to_police_recent, p.shares_to_institution_recent
    window = f"in the last {FLOW_WINDOW_DAYS} days"
    if to_police and to_institution:
        text = f"Information is flowing both ways {window} ({to_police} to police, {to_institution} back)."
    elif to_police:
        text = f"Information has gone only to the police {window} ({to_police}); none has come back."
    elif to_institution:
        text = f"Information has come only from the police {window} ({to_institution}); none has gone to them."
    else:
        text = f"No information has been shared either way {window}."
    reasons.append(Reason(LEVELS[p.flow_level], text))

    expecting, answered = p.shares_expecting_feedback, p.shares_with_feedback
    if expecting:
        percent = round(100 * answered / expecting)
        text = (
            f"{answered} of {expecting} shares older than {FEEDBACK_GRACE_DAYS} days "
            f"have outcome feedback ({percent}%)."
        )
        reasons.append(Reason(LEVELS[p.feedback_level], text))
    else:
        reasons.append(Reason("info", "No shares are yet waiting long enough to expect outcome feedback."))

    return _with_actions(p, reasons)


def _with_actions(p, reasons) -> Health:
    if p.commitments_behind:
        n = p.commitments_behind
        reasons.append(
            Reason(
                "amber",
                f"{n} commitment{'s' if n != 1 else ''} of the agreement "
                f"{'are' if n != 1 else 'is'} behind (meetings or training due and not yet held).",
            )
        )
    overdue = p.overdue_action_count
    if overdue:
        reasons.append(Reason(LEVELS[p.actions_level], f"{overdue} action{'s' if overdue != 1 else ''} overdue."))
    else:
        reasons.append(Reason("green", "No overdue actions."))
    return Health(LEVELS[p.health_level], reasons)
