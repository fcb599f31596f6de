"""What the portal reminds partners about, found by the sweep from the data.

Actions due tomorrow (or today) and overdue, for the action's owner (or, when the owner has
no account, their side's single point of contact); information shared 30 days ago with no
outcome feedback yet, for the receiving side's liaison officers; and a partnership that has
not met for longer than its agreement's meeting frequency, for both sides' liaison officers.
"""

from datetime import timedelta

from django.db.models import OuterRef
from django.utils import timezone

from notifications.kinds import Due, group, kind, not_logged, source

from .models import (
    Action,
    AgencyInvitation,
    Commitment,
    CommitmentKind,
    Direction,
    Engagement,
    InformationShare,
    Partnership,
)
from .models.activity import OPEN_ACTION_STATUSES
from .recipients import both_sides, liaison_officers, single_point_of_contact

ACTIONS = group(
    "actions", "Actions", "An action given to you, one of yours due tomorrow, and one that has become overdue."
)
SHARES = group(
    "share_feedback", "Outcome feedback", "Information your side received 30 days ago with no outcome recorded yet."
)
MEETINGS = group(
    "meetings_overdue", "Meetings overdue", "A partnership that has not met as often as its agreement says."
)
SHARING = group(
    "information_sharing",
    "Information shared",
    "Information the other side shares with yours, and the outcome recorded for information your side shared.",
)
ENGAGEMENTS = group(
    "engagements", "Engagements", "A meeting, forum, event or patrol recorded with you among those attending."
)

CONSENT = group(
    "partnership_consent",
    "Partnership proposals",
    "A partnership proposed to your organisation, an invitation to join one, and the answers to yours.",
    essential=True,
)
_PARTIES = ("institution", "police_force")
PARTNERSHIP_PROPOSED = kind(
    "partnership_proposed", CONSENT, Partnership, select_related=_PARTIES, context=lambda p: {"partnership": p}
)
PARTNERSHIP_ACCEPTED, PARTNERSHIP_DECLINED = (
    kind(
        name,
        CONSENT,
        Partnership,
        "partnership_answered",
        select_related=_PARTIES,
        context=lambda p: {"partnership": p},
    )
    for name in ("partnership_accepted", "partnership_declined")
)
_INVITATION = ("organisation", "partnership__institution", "partnership__police_force")
AGENCY_INVITED, INVITATION_ANSWERED = (
    kind(
        name,
        CONSENT,
        AgencyInvitation,
        select_related=_INVITATION,
        context=lambda i: {"invitation": i, "partnership": i.partnership},
    )
    for name in ("agency_invited", "invitation_answered")
)

_ACTION = (
    "partnership",
    "owner__user",
    "partnership__institution_contact__user",
    "partnership__institution_deputy__user",
    "partnership__police_contact__user",
    "partnership__police_deputy__user",
)
ACTION_DUE, ACTION_OVERDUE = (
    kind(name, ACTIONS, Action, select_related=_ACTION, context=lambda a: {"action": a, "partnership": a.partnership})
    for name in ("action_due", "action_overdue")
)
SHARE_AWAITING_FEEDBACK = kind(
    "share_awaiting_feedback",
    SHARES,
    InformationShare,
    select_related=("partnership__institution", "partnership__police_force"),
    context=lambda s: {"share": s, "partnership": s.partnership},
)
MEETINGS_OVERDUE = kind(
    "meetings_overdue",
    MEETINGS,
    Commitment,
    select_related=("partnership__institution", "partnership__police_force"),
    context=lambda c: {"commitment": c, "partnership": c.partnership},
)
_SHARE = ("partnership__institution", "partnership__police_force")
SHARE_RECORDED, SHARE_FEEDBACK_RECORDED = (
    kind(
        name,
        SHARING,
        InformationShare,
        select_related=_SHARE,
        context=lambda s: {"share": s, "partnership": s.partnership},
    )
    for name in ("share_recorded", "share_feedback_recorded")
)
ACTION_ASSIGNED = kind(
    "action_assigned",
    ACTIONS,
    Action,
    select_related=(*_ACTION, "owner"),
    context=lambda a: {"action": a, "partnership": a.partnership},
)
ENGAGEMENT_RECORDED = kind(
    "engagement_recorded",
    ENGAGEMENTS,
    Engagement,
    select_related=("partnership__institution", "partnership__police_force"),
    context=lambda e: {"engagement": e, "partnership": e.partnership},
)

FEEDBACK_AFTER = timedelta(days=30)


def _action_owner(action) -> list:
    """The owner; or, when the owner has no (active) account, the single point of contact and
    deputy of the owner's side (both sides' for another agency's owner)."""
    user = action.owner.user
    if user is not None and user.is_active:
        return [user]
    p = action.partnership
    if action.owner.organisation_id in (p.institution_id, p.police_force_id):
        contacts = p.contacts_of_side(action.owner.organisation_id)
    else:
        contacts = p.single_points_of_contact
    return [c.user for c in contacts if c.user is not None and c.user.is_active]


def _open_actions(kind_, batch, title, **due):
    """Open actions of ``kind_`` not yet reminded, due as ``due`` says, each as a reminder to its owner."""
    actions = batch.of(
        Action.objects.filter(not_logged(kind_, OuterRef("due_date")), status__in=OPEN_ACTION_STATUSES, **due)
        .select_related(*_ACTION, "owner")
        .order_by("pk")
    )
    return [Due(a, _action_owner(a), a.due_date, title(a), a.get_absolute_url()) for a in actions]


@source(ACTION_DUE)
def actions_due(now, batch):
    today = timezone.localdate(now)
    # Due tomorrow, or today (in case the sweep could not run yesterday).
    return _open_actions(
        ACTION_DUE,
        batch,
        lambda a: f"Action due {'today' if a.due_date == today else 'tomorrow'}: {a.title}",
        due_date__gte=today,
        due_date__lte=today + timedelta(days=1),
    )


@source(ACTION_OVERDUE)
def actions_overdue(now, batch):
    today = timezone.localdate(now)
    return _open_actions(
        ACTION_OVERDUE, batch, lambda a: f"Action overdue since {a.due_date:%-d %b}: {a.title}", due_date__lt=today
    )


@source(SHARE_AWAITING_FEEDBACK)
def shares_awaiting_feedback(now, batch):
    today = timezone.localdate(now)
    shares = (
        InformationShare.objects.awaiting_feedback()
        .filter(not_logged(SHARE_AWAITING_FEEDBACK), erased_at=None, shared_on__lte=today - FEEDBACK_AFTER)
        .select_related("partnership__institution", "partnership__police_force")
    )
    shares = batch.of(shares)
    people = liaison_officers(
        s.partnership.police_force_id if s.direction == Direction.TO_POLICE else s.partnership.institution_id
        for s in shares
    )
    items = []
    for s in shares:
        p = s.partnership
        receiver = p.police_force_id if s.direction == Direction.TO_POLICE else p.institution_id
        # No category or text in the title: it is also the email's subject, seen in inbox previews.
        title = f"Outcome feedback awaited: information shared on {s.shared_on:%-d %b %Y}"
        items.append(Due(s, people.get(receiver, []), s.shared_on, title, s.get_absolute_url()))
    return items


@source(MEETINGS_OVERDUE)
def meetings_overdue(now, batch):
    today = timezone.localdate(now)
    commitments = Commitment.objects.filter(
        not_logged(MEETINGS_OVERDUE, OuterRef("due_on")),
        kind=CommitmentKind.MEETINGS,
        active=True,
        due_on__lt=today,
    ).select_related("partnership__institution", "partnership__police_force")
    commitments = batch.of(commitments)
    people = liaison_officers(
        org for c in commitments for org in (c.partnership.institution_id, c.partnership.police_force_id)
    )
    return [
        Due(
            c,
            both_sides(c.partnership, people),
            c.due_on,
            f"No meeting since {c.last_met_on or c.since:%-d %b %Y}: {c.partnership.title} (meet {c.frequency})",
            c.partnership.get_absolute_url(),
        )
        for c in commitments
    ]


# --- events, called by services --------------------------------------------------------------


def _notify(kind_, obj, recipients, title, url, occasion=None):
    from notifications.services import notify

    notify(kind_.key, obj, recipients, title=title, url=url, occasion=occasion)


def partnership_proposed(partnership):
    """Tell the liaison officers of each side whose answer is awaited."""
    awaiting = [organisation.pk for organisation in partnership.awaiting_organisations]
    people = liaison_officers(awaiting)
    recipients = [user for organisation_id in awaiting for user in people.get(organisation_id, [])]
    title = f"Partnership proposed to your organisation: {partnership.title}"
    _notify(PARTNERSHIP_PROPOSED, partnership, recipients, title, partnership.get_absolute_url())


def proposal_answered(partnership, *, by, accepted: bool):
    """Tell the other side's liaison officers (and an administrator who proposed it)."""
    others = [org for org in (partnership.institution_id, partnership.police_force_id) if org != by.organisation_id]
    people = liaison_officers(others)
    recipients = [user for organisation_id in others for user in people.get(organisation_id, [])]
    creator = partnership.created_by
    if creator is not None and creator.is_active and creator.organisation_id not in others and creator != by:
        recipients.append(creator)
    verb = "accepted" if accepted else "declined"
    title = f"{by.organisation.name} {verb} the partnership: {partnership.title}"
    kind_ = PARTNERSHIP_ACCEPTED if accepted else PARTNERSHIP_DECLINED
    _notify(kind_, partnership, recipients, title, partnership.get_absolute_url())


def agency_invited(invitation):
    people = liaison_officers([invitation.organisation_id])
    title = f"Invitation to join a partnership: {invitation.partnership.title}"
    _notify(
        AGENCY_INVITED, invitation, people.get(invitation.organisation_id, []), title, invitation.get_absolute_url()
    )


def invitation_answered(invitation, *, by):
    partnership = invitation.partnership
    people = liaison_officers([partnership.institution_id, partnership.police_force_id])
    verb = "joined" if invitation.status == "accepted" else "declined to join"
    title = f"{invitation.organisation.name} {verb} the partnership: {partnership.title}"
    _notify(INVITATION_ANSWERED, invitation, both_sides(partnership, people), title, partnership.get_absolute_url())


def _who_may_see(kind_, obj, people, *, by):
    """``people`` once each, in order: active, not ``by`` (nobody is told what they did
    themselves), and able to see ``obj`` now (a staff member who is a single point of
    contact never sees a share, so is not told of one)."""
    seen, told = {getattr(by, "pk", None)}, []
    for user in people:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if kind_.may_see(user, obj):
            told.append(user)
    return told


def share_recorded(share, *, by):
    """Tell the receiving side: its liaison officers, its single point of contact and deputy.

    Neither the title (the email's subject, shown in the bell and in inbox previews) nor the
    email carries the share's summary or lawful basis: only its category, the partnership and
    a link.
    """
    p = share.partnership
    receiver = share.receiving_organisation_id
    people = [*liaison_officers([receiver]).get(receiver, []), *single_point_of_contact(p, receiver)]
    title = f"Information shared with your side: {p.title}"
    notify_people = _who_may_see(SHARE_RECORDED, share, people, by=by)
    _notify(SHARE_RECORDED, share, notify_people, title, share.get_absolute_url(), occasion=share.shared_on)


def share_feedback_recorded(share, *, by):
    """Tell whoever recorded the share, and the single point of contact and deputy of their side."""
    p = share.partnership
    people = [share.shared_by, *single_point_of_contact(p, share.sending_organisation_id)]
    title = f"Outcome recorded for information your side shared on {share.shared_on:%-d %b %Y}"
    notify_people = _who_may_see(SHARE_FEEDBACK_RECORDED, share, people, by=by)
    _notify(SHARE_FEEDBACK_RECORDED, share, notify_people, title, share.get_absolute_url(), occasion=share.outcome_on)


def action_assigned(action, *, by):
    """Tell the action's owner it is theirs (unless they gave it to themselves)."""
    owner = action.owner.user
    recipients = _who_may_see(ACTION_ASSIGNED, action, [owner], by=by)
    if not recipients:
        return  # no "nobody to tell" marker: an owner without an account is no event to log
    title = f"Action for you, due {action.due_date:%-d %b %Y}: {action.title}"
    _notify(ACTION_ASSIGNED, action, recipients, title, action.get_absolute_url())


def engagement_recorded(engagement, attendees, *, by):
    """Tell ``attendees`` (contacts) who use the portal that the engagement lists them."""
    recipients = _who_may_see(ENGAGEMENT_RECORDED, engagement, [c.user for c in attendees], by=by)
    if not recipients:
        return
    title = f"Engagement recorded with you attending: {engagement.title}, {engagement.date:%-d %b %Y}"
    _notify(ENGAGEMENT_RECORDED, engagement, recipients, title, engagement.get_absolute_url())
