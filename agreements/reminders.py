"""What the portal tells the parties about their memorandum, and when.

Events of the workflow (a version sent for review, a review comment, changes requested, ready
to sign, a signatory's turn, a signature, signing declined, withdrawn) are recorded by
``services`` in the transaction that makes them. The sweep finds the rest: a signatory whose
turn has lasted SIGNATURE_REMINDER_DAYS days, the review date coming up in 60, 30 and 7 days,
and the end of the term (60, 30 and 7 days before, and on the day). It also renders a signed
PDF whose task never ran (the broker was down when the last side signed).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Due, catch_up, group, kind, not_logged, source
from partnerships.models import Commitment, CommitmentKind
from partnerships.recipients import both_sides, liaison_officers

from .models import (
    SIGNING_STATUSES,
    A,
    Agreement,
    AgreementEvent,
    AgreementVersion,
    ProposedWording,
    ReviewThread,
    Side,
    Signature,
)

WORKFLOW = group(
    "agreement_workflow",
    "Memorandum review",
    "A version sent to your force for review, changes requested of your institution, and the other side's "
    "review comments.",
)
SIGNING = group(
    "agreement_signing",
    "Signing memoranda",
    "A memorandum ready to sign, your turn to sign (and a reminder while it waits), each signature, "
    "a signatory declining and a memorandum withdrawn.",
    essential=True,
)
DATES = group(
    "agreement_dates",
    "Review and end dates",
    "A memorandum's review date in 60, 30 and 7 days, the other side's answer to a review, notice to end "
    "given by the other side, and the end of its term.",
)


def _via_agreement(user, obj) -> bool:
    return Agreement.objects.visible_to(user).filter(pk=obj.agreement_id).exists()


def _workings_via_agreement(user, version) -> bool:
    return Agreement.objects.workings_visible_to(user).filter(pk=version.agreement_id).exists()


def _via_partnership(user, commitment) -> bool:
    return Commitment.objects.visible_to(user).filter(pk=commitment.pk).exists()


_PARTIES = ("partnership__institution", "partnership__police_force")
_OF_AGREEMENT = tuple(f"agreement__{path}" for path in _PARTIES)

REVIEW_REQUESTED = kind(
    "agreement_review_requested",
    WORKFLOW,
    AgreementVersion,
    select_related=_OF_AGREEMENT,
    can_see=_via_agreement,
    context=lambda v: {"agreement": v.agreement, "version": v, "partnership": v.agreement.partnership},
)
CHANGES_REQUESTED = kind(
    "agreement_changes_requested",
    WORKFLOW,
    AgreementVersion,
    select_related=_OF_AGREEMENT,
    can_see=_via_agreement,
    context=lambda v: {
        "agreement": v.agreement,
        "version": v,
        "partnership": v.agreement.partnership,
        "event": v.agreement.events.filter(to_status=A.CHANGES_REQUESTED).select_related("by").first(),
    },
)
# One a day per version and recipient, however many comments the other side makes that day.
COMMENTED = kind(
    "agreement_commented",
    WORKFLOW,
    AgreementVersion,
    select_related=_OF_AGREEMENT,
    can_see=_workings_via_agreement,
    context=lambda v: {
        "agreement": v.agreement,
        "version": v,
        "partnership": v.agreement.partnership,
        # Shared threads only: an internal one is never counted for the other side.
        "open_comments": v.agreement.threads.filter(resolved_at=None, internal=False).count(),
    },
)


def _thread_visible(user, proposal) -> bool:
    return ReviewThread.objects.visible_to(user).filter(pk=proposal.thread_id).exists()


# The drafting side's answer to a proposed wording, for the proposer's organisation.
WORDING_ANSWERED = kind(
    "agreement_wording_answered",
    WORKFLOW,
    ProposedWording,
    select_related=("thread__agreement__partnership", "thread__raised_on", "answered_by"),
    can_see=_thread_visible,
    context=lambda p: {
        "agreement": p.thread.agreement,
        "proposal": p,
        "partnership": p.thread.agreement.partnership,
    },
)
READY_TO_SIGN = kind(
    "agreement_ready_to_sign",
    SIGNING,
    Agreement,
    select_related=_PARTIES,
    context=lambda a: {"agreement": a, "partnership": a.partnership},
)
SIGNED = kind(
    "agreement_signed",
    SIGNING,
    Signature,
    select_related=(*_OF_AGREEMENT, "version"),
    can_see=_via_agreement,
    context=lambda s: {"agreement": s.agreement, "signature": s, "partnership": s.agreement.partnership},
)


def _turn(agreement) -> list[dict]:
    """Who signs now, for the email: [{"name", "organisation"}] of the sides whose turn it is."""
    p = agreement.partnership
    names = {Side.INSTITUTION: p.institution.name, Side.POLICE: p.police_force.name}
    turn = []
    for side in agreement.sides_to_sign():
        contact = agreement.signatory_for(side)
        turn.append({"name": contact.name if contact else "", "organisation": names[side]})
    return turn


YOUR_TURN_TO_SIGN = kind(
    "agreement_your_turn_to_sign",
    SIGNING,
    Agreement,
    select_related=_PARTIES,
    context=lambda a: {"agreement": a, "partnership": a.partnership},
)
# Reminded every SIGNATURE_REMINDER_DAYS days while it is their turn (the occasion is the day due).
SIGNATURE_REMINDER = kind(
    "agreement_signature_reminder",
    SIGNING,
    Agreement,
    select_related=_PARTIES,
    context=lambda a: {"agreement": a, "partnership": a.partnership},
)
_EVENT = ("agreement__partnership__institution", "agreement__partnership__police_force", "by__organisation")
SIGNING_DECLINED, WITHDRAWN = (
    kind(
        name,
        SIGNING,
        AgreementEvent,
        select_related=_EVENT,
        can_see=_via_agreement,
        context=lambda e: {"agreement": e.agreement, "partnership": e.agreement.partnership, "event": e},
    )
    for name in ("agreement_signing_declined", "agreement_withdrawn")
)
# The other side answered a scheduled review ("reviewed, no change"), or gave notice to end.
REVIEW_ANSWERED, NOTICE_GIVEN = (
    kind(
        name,
        DATES,
        AgreementEvent,
        select_related=_EVENT,
        can_see=_via_agreement,
        context=lambda e: {"agreement": e.agreement, "partnership": e.agreement.partnership, "event": e},
    )
    for name in ("agreement_review_answered", "agreement_notice_given")
)

# The review date comes from the agreement's review commitment (which moves on each review).
REVIEW_DUE = {
    days: kind(
        f"agreement_review_in_{days}_days",
        DATES,
        Commitment,
        "agreement_review_due",
        select_related=_PARTIES,
        can_see=_via_partnership,
        context=lambda c: {"commitment": c, "partnership": c.partnership},
    )
    for days in (60, 30, 7)
}
EXPIRY = {
    days: kind(
        f"agreement_ends_in_{days}_days" if days else "agreement_ended_by_term",
        DATES,
        Agreement,
        "agreement_expiry",
        select_related=_PARTIES,
        context=lambda a: {"agreement": a, "partnership": a.partnership},
    )
    for days in (60, 30, 7, 0)
}
# Each reminder covers the days from its own offset down to the next one's, so an agreement
# that starts inside the 30-day window gets the 30-day reminder, not the 60-day one as well.
WINDOWS = {60: (31, 60), 30: (8, 30), 7: (0, 7)}
# An agreement whose term ended longer ago than this is not reminded about any more.
ENDED_LOOK_BACK = timedelta(days=30)


def side_people(partnership, side, people) -> list:
    org = partnership.institution_id if side == Side.INSTITUTION else partnership.police_force_id
    return people.get(org, [])


# --- events, called by services --------------------------------------------------------------


def _notify(kind_, obj, partnership, recipients, title, url):
    from notifications.services import notify

    notify(kind_.key, obj, recipients, title=title, url=url)


def review_requested(version):
    agreement = version.agreement
    p = agreement.partnership
    people = liaison_officers([p.police_force_id])
    title = f"Review requested: {agreement.title}, version {version.number}"
    _notify(REVIEW_REQUESTED, version, p, side_people(p, Side.POLICE, people), title, agreement.get_absolute_url())


def changes_requested(version):
    agreement = version.agreement
    p = agreement.partnership
    people = liaison_officers([p.institution_id])
    title = f"Changes requested: {agreement.title}, version {version.number}"
    _notify(
        CHANGES_REQUESTED, version, p, side_people(p, Side.INSTITUTION, people), title, agreement.get_absolute_url()
    )


def commented(version, *, by):
    """Tell the other side's liaison officers that ``by`` commented on (or in a shared thread of) ``version``."""
    agreement = version.agreement
    p = agreement.partnership
    others = [org for org in (p.institution_id, p.police_force_id) if org != by.organisation_id]
    people = liaison_officers(others)
    recipients = [user for org in others for user in people.get(org, []) if user.pk != by.pk]
    title = f"{by.organisation.name} commented on {agreement.title}, version {version.number}"
    _notify(COMMENTED, version, p, recipients, title, agreement.get_absolute_url())


def _with_signatories(agreement, people, sides=tuple(Side)) -> list:
    """``people`` and the signatories of ``sides`` (if they have an account), once each."""
    signatories = [agreement.signatory_for(side) for side in sides]
    users = [*people, *(contact.user for contact in signatories if contact is not None and contact.user is not None)]
    seen: set[int] = set()
    return [user for user in users if user.is_active and not (user.pk in seen or seen.add(user.pk))]


def wording_answered(proposal):
    """Tell the proposer's organisation's liaison officers that their proposed wording was accepted or declined."""
    thread = proposal.thread
    agreement = thread.agreement
    p = agreement.partnership
    people = liaison_officers([thread.organisation_id])
    clause = next((c for c in thread.raised_on.clauses if c["key"] == thread.clause_key), None)
    where = f"clause {clause['number']}" if clause else "a clause"
    verb = "accepted" if proposal.status == "accepted" else "declined"
    title = f"{p.institution.name} {verb} your proposed wording for {where} of {agreement.title}"
    url = reverse("agreements:review", args=[agreement.pk]) + f"#thread-{thread.pk}"
    _notify(WORDING_ANSWERED, proposal, p, people.get(thread.organisation_id, []), title, url)


def ready_to_sign(agreement):
    """Tell both sides' liaison officers and senior sponsors, and the signatories whose turn it
    is, that it is approved; a signatory who signs second is asked when their turn comes."""
    p = agreement.partnership
    people = liaison_officers([p.institution_id, p.police_force_id], with_sponsors=True)
    recipients = _with_signatories(agreement, both_sides(p, people), agreement.sides_to_sign())
    title = f"Ready to sign: {agreement.title}"
    _notify(READY_TO_SIGN, agreement, p, recipients, title, agreement.get_absolute_url())


def your_turn_to_sign(agreement):
    """Ask the signatories whose turn has now come (after the first side signed)."""
    p = agreement.partnership
    recipients = _with_signatories(agreement, [], agreement.sides_to_sign())
    title = f"Your turn to sign: {agreement.title}"
    _notify(YOUR_TURN_TO_SIGN, agreement, p, recipients, title, reverse("agreements:sign", args=[agreement.pk]))


def _everyone(agreement, *, by) -> list:
    """Both sides' liaison officers and senior sponsors, and both signatories, except ``by``."""
    p = agreement.partnership
    people = liaison_officers([p.institution_id, p.police_force_id], with_sponsors=True)
    return [user for user in _with_signatories(agreement, both_sides(p, people)) if user.pk != by.pk]


def _told_everyone(kind_, agreement, to_status, *, by, title):
    """Tell everyone of ``agreement`` but ``by`` of the move to ``to_status`` just made (the event is the object)."""
    event = agreement.events.filter(to_status=to_status).order_by("-at", "-pk").first()
    recipients = _everyone(agreement, by=by)
    _notify(kind_, event, agreement.partnership, recipients, title, agreement.get_absolute_url())


def signing_declined(agreement, *, by, reason):
    title = f"{by.organisation.name} declined to sign: {agreement.title}"
    _told_everyone(SIGNING_DECLINED, agreement, A.CHANGES_REQUESTED, by=by, title=title)


def withdrawn(agreement, *, by, reason):
    title = f"Withdrawn by {by.organisation.name}: {agreement.title}"
    _told_everyone(WITHDRAWN, agreement, A.WITHDRAWN, by=by, title=title)


def review_answered(agreement, event, *, by):
    title = f"{by.organisation.name} reviewed {agreement.title}: no change"
    _notify(
        REVIEW_ANSWERED,
        event,
        agreement.partnership,
        _everyone(agreement, by=by),
        title,
        agreement.get_absolute_url(),
    )


def notice_given(agreement, event, *, by):
    title = f"Notice to end {agreement.title}: last day {agreement.ends_on:%-d %b %Y}"
    _notify(
        NOTICE_GIVEN,
        event,
        agreement.partnership,
        _everyone(agreement, by=by),
        title,
        agreement.get_absolute_url(),
    )


def signed(signature):
    agreement = signature.agreement
    p = agreement.partnership
    people = liaison_officers([p.institution_id, p.police_force_id])
    others = [u for u in both_sides(p, people) if u.pk != signature.signer_id]
    if agreement.status == A.IN_FORCE:
        title = f"Signed by both sides and in force: {agreement.title}"
    elif agreement.status == A.SIGNED:
        title = f"Signed by both sides, in force from {agreement.effective_date:%-d %B %Y}: {agreement.title}"
    else:
        title = f"Signed by {signature.organisation_name}: {agreement.title}"
    _notify(SIGNED, signature, p, others, title, agreement.get_absolute_url())


# --- the sweep's sources ---------------------------------------------------------------------


def _review_source(days):
    kind_ = REVIEW_DUE[days]
    low, high = WINDOWS[days]

    @source(kind_)
    def find(now, batch):
        today = timezone.localdate(now)
        # Under notice, the review is not answered (``reviews.review_state``): nobody is asked to.
        under_notice = Agreement.objects.filter(
            partnership=OuterRef("partnership"), status=A.IN_FORCE, notice_given_at__isnull=False
        )
        commitments = Commitment.objects.filter(
            not_logged(kind_, OuterRef("due_on")),
            ~Exists(under_notice),
            kind=CommitmentKind.REVIEW,
            active=True,
            due_on__gte=today + timedelta(days=low),
            due_on__lte=today + timedelta(days=high),
        ).select_related(*_PARTIES)
        commitments = batch.of(commitments)
        people = liaison_officers(
            (org for c in commitments for org in (c.partnership.institution_id, c.partnership.police_force_id)),
            with_sponsors=True,
        )
        return [
            Due(
                c,
                both_sides(c.partnership, people),
                c.due_on,
                f"Review of {c.source} due on {c.due_on:%-d %b %Y}",
                c.source_url or c.partnership.get_absolute_url(),
            )
            for c in commitments
        ]

    return find


def _expiry_source(days):
    kind_ = EXPIRY[days]

    @source(kind_)
    def find(now, batch):
        today = timezone.localdate(now)
        if days:
            low, high = WINDOWS[days]
            window = {"expires_on__gte": today + timedelta(days=low), "expires_on__lte": today + timedelta(days=high)}
        else:
            # ``expires_on`` is the last day in force: "ended" is said the day after.
            window = {"expires_on__lt": today, "expires_on__gte": today - ENDED_LOOK_BACK}
        agreements = Agreement.objects.filter(
            not_logged(kind_, OuterRef("expires_on")), status=A.IN_FORCE, **window
        ).select_related(*_PARTIES)
        agreements = batch.of(agreements)
        people = liaison_officers(
            (org for a in agreements for org in (a.partnership.institution_id, a.partnership.police_force_id)),
            with_sponsors=True,
        )
        verb = "ended" if not days else "ends"
        return [
            Due(
                a,
                both_sides(a.partnership, people),
                a.expires_on,
                f"{a.title} {verb} on {a.expires_on:%-d %b %Y}",
                a.get_absolute_url(),
            )
            for a in agreements
        ]

    return find


@source(SIGNATURE_REMINDER)
def _signature_reminders(now, batch):
    """Signatories whose turn has lasted SIGNATURE_REMINDER_DAYS days (or a multiple) without a
    signature: reminded on each such day, once (the occasion is the day it fell due)."""
    every = settings.SIGNATURE_REMINDER_DAYS
    today = timezone.localdate(now)
    since = (
        AgreementEvent.objects.filter(agreement=OuterRef("pk"), to_status__in=SIGNING_STATUSES)
        .order_by("-at")
        .values("at")[:1]
    )
    waiting = batch.of(
        Agreement.objects.filter(status__in=SIGNING_STATUSES)
        .annotate(turn_since=Subquery(since))
        .filter(turn_since__lte=now - timedelta(days=every))
        .select_related(*_PARTIES, "institution_signatory__user", "police_signatory__user")
    )
    due = []
    for agreement in waiting:
        days = (today - timezone.localdate(agreement.turn_since)).days
        occasion = today - timedelta(days=days % every)
        recipients = _with_signatories(agreement, [], agreement.sides_to_sign())
        if recipients:
            title = f"Reminder: your signature is awaited on {agreement.title}"
            due.append(Due(agreement, recipients, occasion, title, reverse("agreements:sign", args=[agreement.pk])))
    return due


for _days in REVIEW_DUE:
    _review_source(_days)
for _days in EXPIRY:
    _expiry_source(_days)


@catch_up
def render_missing_signed_pdfs(now, limit):
    """Queue the signed PDF of agreements signed by both sides without one (their task was never queued)."""
    from core.queue import publish

    from .tasks import render_signed_pdf

    # Give the task queued when the last side signed a few minutes to finish first.
    pending = Agreement.objects.filter(
        status__in=[A.SIGNED, A.IN_FORCE], signed_pdf="", signed_at__lt=now - timedelta(minutes=5)
    )
    for pk in pending.values_list("pk", flat=True)[:limit]:
        publish(render_signed_pdf, pk)
