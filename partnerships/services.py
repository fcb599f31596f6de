"""State changes for partnerships. Views, tasks, the demo seed and tests all call these.

Each function checks the business rule it owns and raises ``ValidationError`` (with field
keys, so forms can show it next to the field) when the change is not allowed, and changes
nothing in that case.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import permissions, reminders, stored_health
from .models import (
    Action,
    ActionStatus,
    AgencyInvitation,
    Commitment,
    CommitmentKind,
    Contact,
    Engagement,
    InformationShare,
    InvitationStatus,
    LawfulBasis,
    Organisation,
    Partnership,
    PartnershipStatus,
    ShareView,
    Unit,
)


def _as(instance, user):
    """Name ``user`` on the history row the next save writes (outside a request too)."""
    instance._history_user = user
    return instance


def _save_partnership(partnership, agencies, by, update_fields=None):
    partnership.full_clean()
    try:
        with transaction.atomic():
            _as(partnership, by).save(update_fields=update_fields)
    except IntegrityError as error:
        # Two people proposing the same partnership at once: the database constraint decides.
        raise ValidationError("These two organisations already have a partnership that has not ended.") from error
    if agencies is not None:
        _invite_agencies(partnership, agencies, by)
    return partnership


# Organisations, units and contacts

RECORD_CONFLICT = "Someone else saved a record with these details just now. Check the details and try again."
CONTACT_CONFLICT = "That portal account was linked to another contact just now. Choose another, or none."


def _save_record(instance, by, conflict: str):
    """Save a record its form has checked; a clash the form could not foresee (a unique
    constraint broken by someone else meanwhile) is a ValidationError with ``conflict``."""
    try:
        with transaction.atomic():
            _as(instance, by).save()
    except IntegrityError as error:
        raise ValidationError(conflict) from error
    return instance


@transaction.atomic
def save_organisation(organisation: Organisation, *, by) -> Organisation:
    return _save_record(organisation, by, RECORD_CONFLICT)


@transaction.atomic
def save_unit(unit: Unit, *, by) -> Unit:
    return _save_record(unit, by, RECORD_CONFLICT)


@transaction.atomic
def save_contact(contact: Contact, *, by) -> Contact:
    return _save_record(contact, by, CONTACT_CONFLICT)


@transaction.atomic
def delete_unit(unit: Unit, *, by) -> None:
    """Delete a unit; its contacts stay with the organisation, with no unit."""
    _as(unit, by).delete()


@transaction.atomic
def delete_contact(contact: Contact, *, by) -> None:
    """Delete a contact; ProtectedError while they own actions."""
    _as(contact, by).delete()


# A declined proposal or invitation cannot be sent again to the same organisation for this long,
# so nobody can flood another organisation with proposals it has to answer.
ASK_AGAIN_AFTER = timedelta(days=30)


def _invite_agencies(partnership, agencies, by):
    """Make the chosen other agencies those taking part or invited: invite the new ones,
    withdraw invitations and remove agencies no longer chosen.

    Agencies are invited only once both sides have accepted the partnership: an invitation
    names both of them, so a proposal would otherwise be shown to a third organisation first.
    """
    chosen = {agency.pk for agency in agencies} - {partnership.institution_id, partnership.police_force_id}
    members = set(partnership.other_agencies.values_list("pk", flat=True))
    invitations = AgencyInvitation.objects.pending().filter(partnership=partnership)
    invited = set(invitations.values_list("organisation_id", flat=True))
    new = chosen - members - invited
    if new and not partnership.is_accepted:
        raise ValidationError(
            {"other_agencies": "Invite other agencies once both sides have accepted the partnership."}
        )
    recently_declined = set(
        AgencyInvitation.objects.filter(
            partnership=partnership,
            organisation_id__in=new,
            status=InvitationStatus.DECLINED,
            responded_at__gte=timezone.now() - ASK_AGAIN_AFTER,
        ).values_list("organisation__name", flat=True)
    )
    if recently_declined:
        names = ", ".join(sorted(recently_declined))
        raise ValidationError({"other_agencies": f"{names} declined an invitation in the last 30 days."})
    invitations.exclude(organisation_id__in=chosen).update(
        status=InvitationStatus.WITHDRAWN, responded_by=by, responded_at=timezone.now()
    )
    removed = members - chosen
    if removed:
        partnership.other_agencies.remove(*removed)
        _note_changed(partnership, "other agencies")
    for organisation_id in sorted(new):
        invitation = AgencyInvitation.objects.create(
            partnership=partnership, organisation_id=organisation_id, invited_by=by
        )
        reminders.agency_invited(invitation)


def _note_changed(partnership, field):
    latest = partnership.history.order_by("-history_date", "-history_id").first()
    latest.changed_fields = [*latest.changed_fields, field]
    latest.save(update_fields=["changed_fields"])


def _own_side(partnership, user):
    """``"institution"`` or ``"police"`` for a liaison officer of one of the two sides, else None."""
    if not user.is_liaison_officer:
        return None
    if user.organisation_id == partnership.institution_id:
        return "institution"
    if user.organisation_id == partnership.police_force_id:
        return "police"
    return None


def _check_not_recently_declined(partnership):
    declined = Partnership.objects.filter(
        institution_id=partnership.institution_id,
        police_force_id=partnership.police_force_id,
        declined_at__gte=timezone.now() - ASK_AGAIN_AFTER,
    ).first()
    if declined is not None:
        again = timezone.localdate(declined.declined_at + ASK_AGAIN_AFTER)
        raise ValidationError(
            f"{declined.declined_by.organisation.name if declined.declined_by else 'The other side'} declined a "
            f"proposal on {timezone.localdate(declined.declined_at):%-d %B %Y}. You can propose again from "
            f"{again:%-d %B %Y}; talk to them first."
        )


@transaction.atomic
def create_partnership(partnership: Partnership, *, by, agencies=()) -> Partnership:
    """Propose a partnership. The proposer's side has accepted it; the other side is asked.

    An administrator proposes for neither side, so both are asked. Nothing can be recorded in
    the partnership, and neither side sees more of the other than its public name, kind and
    region, until both have accepted.
    """
    partnership.created_by = by
    partnership.status = PartnershipStatus.PROPOSED
    _check_not_recently_declined(partnership)
    side = _own_side(partnership, by)
    if side is not None:
        setattr(partnership, f"{side}_accepted_at", timezone.now())
        setattr(partnership, f"{side}_accepted_by", by)
    partnership = _save_partnership(partnership, agencies, by)
    reminders.partnership_proposed(partnership)
    return partnership


# What an edit may change; acceptance, declining and status have services of their own.
EDITABLE_FIELDS = [
    "title",
    "focus_areas",
    "aims",
    "institution_sponsor",
    "institution_contact",
    "institution_deputy",
    "police_sponsor",
    "police_contact",
    "police_deputy",
    "start_date",
    "end_date",
    "next_review_date",
]


@transaction.atomic
def update_partnership(partnership: Partnership, *, by, agencies=None) -> Partnership:
    """Save an edit onto the row as it is now (locked), so that an answer or a status change
    made while the form was open is not overwritten by the form's older copy."""
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if not permissions.can_edit_partnership(by, current):
        raise ValidationError("This partnership cannot be edited now: it has ended, or is not yours to edit.")
    for field in EDITABLE_FIELDS:
        setattr(current, field, getattr(partnership, field))
    current._change_reason = getattr(partnership, "_change_reason", None)
    return _save_partnership(current, agencies, by, update_fields=[*EDITABLE_FIELDS, "updated_at"])


@transaction.atomic
def answer_proposal(partnership: Partnership, *, by, accept: bool, reason: str = "") -> Partnership:
    """The invited side accepts the proposal, or declines it with a reason (which ends it)."""
    partnership = (
        Partnership.objects.select_for_update().select_related("institution", "police_force").get(pk=partnership.pk)
    )
    if not permissions.can_answer_proposal(by, partnership):
        raise ValidationError("This proposal is not yours to answer, or has been answered already.")
    side = _own_side(partnership, by)
    now = timezone.now()
    if accept:
        setattr(partnership, f"{side}_accepted_at", now)
        setattr(partnership, f"{side}_accepted_by", by)
        partnership._change_reason = f"Accepted by {by.organisation.name}"
        _as(partnership, by).save(update_fields=[f"{side}_accepted_at", f"{side}_accepted_by", "updated_at"])
    else:
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "Say why you are declining, so the other side knows what to change."})
        partnership.declined_at, partnership.declined_by, partnership.decline_reason = now, by, reason
        partnership.status = PartnershipStatus.ENDED
        partnership.end_date = max(timezone.localdate(), partnership.start_date or timezone.localdate())
        partnership._change_reason = f"Declined by {by.organisation.name}"
        _as(partnership, by).save(
            update_fields=["declined_at", "declined_by", "decline_reason", "status", "end_date", "updated_at"]
        )
        _withdraw_invitations(partnership, by)
    reminders.proposal_answered(partnership, by=by, accepted=accept)
    return partnership


@transaction.atomic
def answer_invitation(invitation: AgencyInvitation, *, by, accept: bool, reason: str = "") -> AgencyInvitation:
    """An invited agency joins the partnership, or declines with a reason."""
    invitation = AgencyInvitation.objects.select_for_update().select_related("partnership").get(pk=invitation.pk)
    if not permissions.can_answer_invitation(by, invitation):
        raise ValidationError("This invitation is not yours to answer, or has been answered already.")
    reason = reason.strip()
    if not accept and not reason:
        raise ValidationError({"reason": "Say why you are declining, so the partnership knows."})
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.responded_by, invitation.responded_at, invitation.reason = by, timezone.now(), reason
    invitation.save(update_fields=["status", "responded_by", "responded_at", "reason"])
    if accept:
        partnership = invitation.partnership
        partnership.other_agencies.add(invitation.organisation_id)
        partnership._change_reason = f"{by.organisation.name} joined as another agency"
        _as(partnership, by).save(update_fields=["updated_at"])
        _note_changed(partnership, "other agencies")
    reminders.invitation_answered(invitation, by=by)
    return invitation


@transaction.atomic
def change_status(partnership: Partnership, status: str, *, by, reason: str = "", today: date | None = None):
    """Move a partnership along its workflow; ending it dates the end, activating it dates the start."""
    today = today or timezone.localdate()
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if status not in partnership.allowed_statuses:
        current = partnership.get_status_display()
        allowed = ", ".join(str(PartnershipStatus(s).label) for s in partnership.allowed_statuses)
        if allowed:
            message = f"A partnership that is {current.lower()} can move to: {allowed}."
        else:
            message = f"A partnership that has {current.lower()} cannot change status; start a new partnership."
        raise ValidationError({"status": message})
    partnership.status = status
    if status == PartnershipStatus.ACTIVE and partnership.start_date is None:
        partnership.start_date = today
    if status == PartnershipStatus.ENDED:
        partnership.end_date = partnership.end_date or max(today, partnership.start_date or today)
        _withdraw_invitations(partnership, by)
    partnership._change_reason = reason
    partnership.full_clean()
    _as(partnership, by).save(update_fields=["status", "start_date", "end_date", "updated_at"])
    return partnership


def _require_accepted(partnership):
    if not partnership.is_accepted:
        raise ValidationError("Nothing can be recorded in this partnership until both sides have accepted it.")


def _withdraw_invitations(partnership, by):
    AgencyInvitation.objects.pending().filter(partnership=partnership).update(
        status=InvitationStatus.WITHDRAWN, responded_by=by, responded_at=timezone.now()
    )


def _check_contacts_belong(partnership, contacts, field):
    parties = {partnership.institution_id, partnership.police_force_id}
    parties |= {agency.pk for agency in partnership.other_agencies.all()}
    strangers = [contact.name for contact in contacts if contact.organisation_id not in parties]
    if strangers:
        raise ValidationError({field: f"{', '.join(strangers)} do not work for a party to this partnership."})


@transaction.atomic
def save_engagement(engagement: Engagement, *, by, attendees) -> Engagement:
    _require_accepted(engagement.partnership)
    _check_contacts_belong(engagement.partnership, attendees, "attendees")
    if engagement.pk is None:
        engagement.created_by = by
        listed = set()
    else:
        listed = set(engagement.attendees.values_list("pk", flat=True))
    engagement.full_clean()
    _as(engagement, by).save()
    engagement.attendees.set(attendees)
    # Those newly listed as attending (everyone, for a new engagement) are told.
    reminders.engagement_recorded(engagement, [c for c in attendees if c.pk not in listed], by=by)
    if engagement.date <= timezone.localdate():
        record_commitment_met(engagement.partnership_id, CommitmentKind.MEETINGS, on=engagement.date)
    return engagement


@transaction.atomic
def delete_engagement(engagement: Engagement, *, by) -> None:
    """Delete an engagement; its actions stay on the partnership."""
    _as(engagement, by).delete()


@transaction.atomic
def create_action(action: Action, *, by, today: date | None = None) -> Action:
    today = today or timezone.localdate()
    _require_accepted(action.partnership)
    if action.due_date < today:
        raise ValidationError({"due_date": "Choose a due date from today onwards."})
    if action.engagement_id and action.engagement.partnership_id != action.partnership_id:
        raise ValidationError({"engagement": "Choose an engagement of this partnership."})
    _check_contacts_belong(action.partnership, [action.owner], "owner")
    action.created_by = by
    action.status = ActionStatus.OPEN
    action.full_clean()
    _as(action, by).save()
    reminders.action_assigned(action, by=by)
    return action


@transaction.atomic
def update_action(action: Action, *, by, today: date | None = None) -> Action:
    """Save edits to an action; finishing it records the day, reopening it clears that."""
    today = today or timezone.localdate()
    _check_contacts_belong(action.partnership, [action.owner], "owner")
    if action.status == ActionStatus.DONE:
        action.completed_on = action.completed_on or today
    else:
        action.completed_on = None
    action.full_clean()
    previous_owner = Action.objects.filter(pk=action.pk).values_list("owner_id", flat=True).first()
    _as(action, by).save()
    if action.owner_id != previous_owner and action.is_open:
        reminders.action_assigned(action, by=by)
    return action


@transaction.atomic
def share_information(share: InformationShare, *, by, today: date | None = None) -> InformationShare:
    today = today or timezone.localdate()
    if not permissions.can_share_information(by, share.partnership):
        raise ValidationError("Only liaison officers of the institution or the force can share information.")
    share.direction = permissions.direction_for(by, share.partnership)
    if share.shared_on > today:
        raise ValidationError({"shared_on": "The date shared cannot be in the future."})
    if share.lawful_basis == LawfulBasis.OTHER and not share.lawful_basis_detail.strip():
        raise ValidationError({"lawful_basis_detail": "Explain the lawful basis when you choose “Other”."})
    share.shared_by = by
    share.full_clean(exclude=["retain_until"])
    _as(share, by).save()
    reminders.share_recorded(share, by=by)
    return share


@transaction.atomic
def record_feedback(share, *, outcome, outcome_on, note, by, today: date | None = None) -> InformationShare:
    """The receiving side says what came of a share. Once given, feedback is not overwritten."""
    today = today or timezone.localdate()
    share = InformationShare.objects.select_for_update().select_related("partnership").get(pk=share.pk)
    if not permissions.can_record_feedback(by, share):
        raise ValidationError("Feedback on this share has already been recorded, or is not yours to give.")
    if outcome_on < share.shared_on:
        shared = f"{share.shared_on:%-d %B %Y}"
        raise ValidationError(
            {"outcome_on": f"The outcome cannot be dated before the information was shared ({shared})."}
        )
    if outcome_on > today:
        raise ValidationError({"outcome_on": "The date of the outcome cannot be in the future."})
    share.outcome, share.outcome_on, share.outcome_note, share.outcome_by = outcome, outcome_on, note, by
    _as(share, by).save(update_fields=["outcome", "outcome_on", "outcome_note", "outcome_by"])
    reminders.share_feedback_recorded(share, by=by)
    return share


def log_share_view(share, user, *, ip_address: str | None = None) -> ShareView:
    return ShareView.objects.create(share=share, viewer=user, ip_address=ip_address)


# A share's free text: what retention erases. Category, dates, direction, lawful basis and
# outcome stay for the partnership's statistics.
ERASED_FIELDS = {"summary": "", "outcome_note": "", "lawful_basis_detail": ""}


@transaction.atomic
def erase_share_text(share: InformationShare, *, by=None, reason: str = "Free text erased") -> InformationShare:
    """Erase a share's free text, in the share and in every row of its history.

    The erasure itself is written to the history (``by`` is None when the retention schedule
    did it); earlier history rows are emptied too, or the text would outlive its erasure there.
    The log of who viewed the share (``ShareView``) is kept.
    """
    for field, value in ERASED_FIELDS.items():
        setattr(share, field, value)
    share.erased_at = share.erased_at or timezone.now()  # erasing again keeps the first date
    share._change_reason = reason
    _as(share, by).save(update_fields=[*ERASED_FIELDS, "erased_at"])
    InformationShare.history.filter(id=share.pk).update(**ERASED_FIELDS)
    return share


def erase_expired_shares(today: date | None = None, batch_size: int = 500) -> int:
    """Erase the free text of shares whose retention has ended (``erase_share_text``).

    Handles one bounded batch and returns how many shares it erased, so a scheduled run
    can be repeated until it returns 0.
    """
    today = today or timezone.localdate()
    erased = 0
    with transaction.atomic():
        due = (
            InformationShare.objects.select_for_update(skip_locked=True)
            .filter(retain_until__lt=today, erased_at__isnull=True)
            .order_by("retain_until", "pk")[:batch_size]
        )
        for share in due:
            erase_share_text(share, reason="Free text erased at the end of the retention period")
            erased += 1
    return erased


@transaction.atomic
def record_agreement_in_force(partnership, *, since: date, source: str, source_url: str, commitments: dict, by=None):
    """An agreement came into force: note it for health, and track what it commits partners to.

    ``commitments`` maps a ``CommitmentKind`` to a number of months; earlier commitments of the
    same kinds (from an agreement this one replaces) stop being active.
    """
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    partnership.agreement_in_force_since = since
    partnership._change_reason = f"Agreement in force: {source}"
    _as(partnership, by).save(update_fields=["agreement_in_force_since", "updated_at"])
    Commitment.objects.filter(partnership=partnership, active=True).update(active=False)
    created = [
        Commitment(
            partnership=partnership, kind=kind, every_months=months, since=since, source=source, source_url=source_url
        )
        for kind, months in commitments.items()
        if months
    ]
    for commitment in created:
        commitment.set_due_date()
    Commitment.objects.bulk_create(created)
    stored_health.store([partnership.pk], partnership=partnership)  # the commitments changed in bulk


@transaction.atomic
def record_agreement_varied(partnership, *, since: date, source: str, source_url: str, commitments: dict, by=None):
    """A variation of the agreement in force came into force on ``since``: the partnership has
    been under the agreement since it first came into force, and each commitment it keeps goes on
    from when it was last met (at its new interval, if that changed). A kind it adds starts on
    ``since``; a kind it drops stops."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    kept = {c.kind: c for c in Commitment.objects.select_for_update().filter(partnership=partnership, active=True)}
    for kind, commitment in kept.items():
        months = commitments.get(kind)
        if not months:
            commitment.active = False
            continue
        commitment.every_months, commitment.source, commitment.source_url = months, source, source_url
        commitment.set_due_date()
    # In bulk, so the health is stored once, below, not after each commitment.
    Commitment.objects.bulk_update(kept.values(), ["active", "every_months", "source", "source_url", "due_on"])
    created = [
        Commitment(
            partnership=partnership, kind=kind, every_months=months, since=since, source=source, source_url=source_url
        )
        for kind, months in commitments.items()
        if months and kind not in kept
    ]
    for commitment in created:
        commitment.set_due_date()
    Commitment.objects.bulk_create(created)
    stored_health.store([partnership.pk], partnership=partnership)


@transaction.atomic
def record_agreement_ended(partnership, *, source: str, by=None):
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    partnership.agreement_in_force_since = None
    partnership._change_reason = f"Agreement no longer in force: {source}"
    _as(partnership, by).save(update_fields=["agreement_in_force_since", "updated_at"])
    Commitment.objects.filter(partnership=partnership, active=True).update(active=False)
    stored_health.store([partnership.pk], partnership=partnership)


@transaction.atomic
def record_commitment_met(partnership_id, kind, *, on: date):
    """Something partners committed to happened (a meeting, a training session): move its due date on.

    The partnership is locked before its commitments, the order ``record_agreement_in_force``
    takes them in, as saving a commitment stores the partnership's health (which locks it).
    """
    Partnership.objects.select_for_update(no_key=True).filter(pk=partnership_id).values_list("pk").first()
    for commitment in Commitment.objects.select_for_update().filter(
        partnership_id=partnership_id, kind=kind, active=True
    ):
        if commitment.last_met_on is None or on > commitment.last_met_on:
            commitment.last_met_on = on
            commitment.set_due_date()
            commitment.save(update_fields=["last_met_on", "due_on"])
