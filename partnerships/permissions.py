"""What a user may do to partnership records they can already see. One condition per line.

Scoping (``visible_to``) decides what a user sees, and a user outside it gets a 404. These
predicates decide what they may do to what they see, and a refusal is a 403. Views, services
and templates all ask the same functions.
"""

from .models import Direction


def _is_party_liaison(user, partnership) -> bool:
    """A liaison officer of the institution or the force (not of an other agency)."""
    if not user.is_liaison_officer:
        return False
    return user.organisation_id in (partnership.institution_id, partnership.police_force_id)


def can_create_organisation(user) -> bool:
    return user.is_administrator


def _is_agency_liaison(user, partnership) -> bool:
    """A liaison officer of another local agency that has accepted its invitation to the partnership."""
    if not user.is_agency_liaison:
        return False
    return partnership.side_of(user.organisation_id) == "agency"


def can_manage_organisation(user, organisation) -> bool:
    """Edit an organisation's details, units and contacts (and see and invite its people)."""
    if user.is_administrator:
        return True
    if not (user.is_liaison_officer or user.is_agency_liaison):
        return False
    return user.organisation_id == organisation.pk


def can_create_partnership(user) -> bool:
    return user.is_administrator or user.is_liaison_officer


def can_edit_partnership(user, partnership) -> bool:
    """Edit the details. Before both sides accept, only a side that has accepted (the proposer)."""
    if user.is_administrator:
        return True
    if not partnership.is_live or not _is_party_liaison(user, partnership):
        return False
    return partnership.has_accepted(user.organisation_id)


def can_answer_proposal(user, partnership) -> bool:
    """A liaison officer of a side whose answer is awaited accepts or declines (never an administrator)."""
    if not partnership.is_live or partnership.declined_at is not None:
        return False
    if not _is_party_liaison(user, partnership):
        return False
    return not partnership.has_accepted(user.organisation_id)


def can_answer_invitation(user, invitation) -> bool:
    """A liaison officer of the invited agency, while the invitation is open."""
    if invitation.status != "pending" or not invitation.partnership.is_live:
        return False
    if not (user.is_liaison_officer or user.is_agency_liaison):
        return False
    return user.organisation_id == invitation.organisation_id


def can_change_status(user, partnership) -> bool:
    """Move it along the workflow; before both sides accept, the proposer may only withdraw it."""
    if not partnership.allowed_statuses:
        return False
    if user.is_administrator:
        return True
    return _is_party_liaison(user, partnership) and partnership.has_accepted(user.organisation_id)


def can_record_engagement(user, partnership) -> bool:
    """The two sides' liaison officers, administrators, and the liaison officers of an agency taking part."""
    if not partnership.is_accepted:
        return False
    if partnership.is_live and _is_agency_liaison(user, partnership):
        return True
    return can_edit_partnership(user, partnership)


def can_manage_actions(user, partnership) -> bool:
    """Raise, change and complete actions: the same people who record engagements."""
    return can_record_engagement(user, partnership)


def can_share_information(user, partnership) -> bool:
    """Administrators record nothing themselves: a share comes from one side of the partnership."""
    if not partnership.is_accepted:
        return False
    return partnership.is_live and _is_party_liaison(user, partnership)


def direction_for(user, partnership):
    """The direction of a share recorded by ``user``: away from their own side."""
    if user.organisation_id == partnership.police_force_id:
        return Direction.TO_INSTITUTION
    return Direction.TO_POLICE


def can_record_feedback(user, share) -> bool:
    """Only the side that received the information says what came of it."""
    if share.is_erased or share.has_feedback:
        return False
    return user.is_liaison_officer and user.organisation_id == share.receiving_organisation_id


def is_single_point_of_contact(user, partnership) -> bool:
    """A single point of contact of either side, or a deputy."""
    return any(contact.user_id == user.pk for contact in partnership.single_points_of_contact)


def can_see_share_views(user, partnership) -> bool:
    """Who has opened which share is visible to the single points of contact (and administrators)."""
    return user.is_administrator or is_single_point_of_contact(user, partnership)


def can_see_shares(user, partnership) -> bool:
    return user.is_administrator or _is_party_liaison(user, partnership)


def can_draft_agreement(user, partnership) -> bool:
    """The institution's side drafts the memorandum; the force reviews it."""
    if not partnership.is_accepted:
        return False
    if not partnership.is_live or not user.is_liaison_officer:
        return False
    return user.organisation_id == partnership.institution_id
