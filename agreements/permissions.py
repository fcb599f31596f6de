"""What a user may do to an agreement they can see. One condition per line.

The university (institution) side drafts, revises and submits; the police side reviews,
comments, requests changes or approves; each side's liaison officers sign for their own
organisation. Administrators see everything and can render drafts, but sign nothing.

Each side's signatory signs for it: the contact chosen while drafting (the senior sponsor by
default), through their own account. Senior sponsors read their organisation's agreements.
"""

from partnerships import permissions as partnerships_permissions

from .models import NEGOTIATING_STATUSES, SIGNATORY_ROLES, SIGNING_STATUSES, WITHDRAWABLE_STATUSES, A, Side


def _party_liaison(user, partnership, side=None) -> bool:
    if not user.is_liaison_officer:
        return False
    if side == Side.INSTITUTION:
        return user.organisation_id == partnership.institution_id
    if side == Side.POLICE:
        return user.organisation_id == partnership.police_force_id
    return user.organisation_id in (partnership.institution_id, partnership.police_force_id)


def _party_sponsor(user, partnership) -> bool:
    if not user.is_senior_sponsor:
        return False
    return user.organisation_id in (partnership.institution_id, partnership.police_force_id)


def can_see_workings(user, agreement) -> bool:
    """Drafts, versions, review comments, comparisons and draft PDFs (as ``Agreement.objects.
    workings_visible_to``): the parties' liaison officers and senior sponsors, and
    administrators; not staff members."""
    if user.is_administrator or _party_liaison(user, agreement.partnership):
        return True
    return _party_sponsor(user, agreement.partnership)


def can_draft(user, partnership) -> bool:
    return partnerships_permissions.can_draft_agreement(user, partnership)


def can_edit(user, agreement) -> bool:
    return agreement.status == A.DRAFT and _party_liaison(user, agreement.partnership, Side.INSTITUTION)


def can_submit(user, agreement) -> bool:
    return can_edit(user, agreement)


def can_revise(user, agreement) -> bool:
    return agreement.status == A.CHANGES_REQUESTED and _party_liaison(user, agreement.partnership, Side.INSTITUTION)


def can_review(user, agreement) -> bool:
    return agreement.status == A.IN_REVIEW and _party_liaison(user, agreement.partnership, Side.POLICE)


def can_comment(user, agreement) -> bool:
    """Raise a new thread on a clause of the version in review."""
    return agreement.status == A.IN_REVIEW and _party_liaison(user, agreement.partnership)


def _in_thread(user, thread) -> bool:
    """A party's liaison officer who may read ``thread``: a shared one, or an internal one of their own organisation."""
    if not _party_liaison(user, thread.agreement.partnership):
        return False
    return not thread.internal or user.organisation_id == thread.organisation_id


def can_reply(user, thread) -> bool:
    """Answer an open thread while the text is still negotiated (in review, sent back, or being revised)."""
    if not thread.is_open:
        return False
    if thread.agreement.status not in NEGOTIATING_STATUSES:
        return False
    return _in_thread(user, thread)


def can_resolve(user, thread) -> bool:
    """The person who raised the thread, or a liaison officer of their organisation."""
    if not thread.is_open:
        return False
    if not _party_liaison(user, thread.agreement.partnership):
        return False
    return user.organisation_id == thread.organisation_id


def can_propose(user, agreement) -> bool:
    """The reviewing side (the force) proposes replacement wording for a clause of the version in review."""
    return agreement.status == A.IN_REVIEW and _party_liaison(user, agreement.partnership, Side.POLICE)


def can_decline_proposal(user, proposal) -> bool:
    """The drafting side (the institution) answers a proposed wording while the text is negotiated."""
    agreement = proposal.thread.agreement
    if not proposal.is_open:
        return False
    if agreement.status not in NEGOTIATING_STATUSES:
        return False
    return _party_liaison(user, agreement.partnership, Side.INSTITUTION)


def can_accept_proposal(user, proposal) -> bool:
    """Accepting puts the wording into the draft, so it waits until changes are requested (or the
    draft is being revised): the version in review never changes."""
    if not can_decline_proposal(user, proposal):
        return False
    return proposal.thread.agreement.status in (A.CHANGES_REQUESTED, A.DRAFT)


def can_approve(user, agreement) -> bool:
    if agreement.status != A.IN_REVIEW or not _party_liaison(user, agreement.partnership):
        return False
    # One query, without the version's text: has this side approved the latest version?
    latest = agreement.versions.order_by("-number").values("pk")[:1]
    side = agreement.side_of(user)
    return agreement.versions.filter(pk__in=latest).exclude(approvals__side=side).exists()


def is_signatory(user, agreement) -> bool:
    """``user`` is the person chosen to sign for their side, and may still sign for it: active, a
    senior sponsor or liaison officer (a contact relinked to another account, or a signatory given
    another role since, does not make its new holder a signatory)."""
    contact = agreement.signatory_for(agreement.side_of(user))
    if contact is None or contact.user_id != user.pk:
        return False
    return user.is_active and user.role in SIGNATORY_ROLES


def can_sign(user, agreement) -> bool:
    """The signatory of a side whose turn it is (in the signing order) and which has not signed."""
    if agreement.status not in SIGNING_STATUSES or not is_signatory(user, agreement):
        return False
    return agreement.side_of(user) in agreement.sides_to_sign()


def can_decline_signing(user, agreement) -> bool:
    """A signatory whose side has not signed may decline, with a reason, before or at their turn."""
    if agreement.status not in SIGNING_STATUSES or not is_signatory(user, agreement):
        return False
    return not agreement.signatures.filter(side=agreement.side_of(user)).exists()


def can_withdraw(user, agreement) -> bool:
    """Either side's liaison officers withdraw an agreement before it is in force, with a reason."""
    return agreement.status in WITHDRAWABLE_STATUSES and _party_liaison(user, agreement.partnership)


def can_end(user, agreement) -> bool:
    return agreement.status == A.IN_FORCE and _party_liaison(user, agreement.partnership)


def _in_force_without_notice(agreement) -> bool:
    return agreement.status == A.IN_FORCE and agreement.notice_given_at is None


def can_confirm_review(user, agreement) -> bool:
    """Either side's liaison officers answer the scheduled review of an agreement in force."""
    return _in_force_without_notice(agreement) and _party_liaison(user, agreement.partnership)


def can_start_variation(user, agreement) -> bool:
    """The institution's liaison officers draft a variation, as they draft any agreement."""
    return _in_force_without_notice(agreement) and can_draft(user, agreement.partnership)


def can_give_notice(user, agreement) -> bool:
    """Either side's liaison officers give notice to end an agreement in force, once."""
    return _in_force_without_notice(agreement) and _party_liaison(user, agreement.partnership)


def can_render_draft(user, agreement) -> bool:
    return user.is_administrator or _party_liaison(user, agreement.partnership)


def can_download_word(user, agreement) -> bool:
    """The draft as a Word document, for a party's legal team: those who see the workings, until
    it is signed (then the signed PDF is the text)."""
    if agreement.is_signed:
        return False
    return can_see_workings(user, agreement)


def can_manage_templates(user) -> bool:
    return user.is_administrator
