"""Template access to ``agreements.permissions``, which take arguments templates cannot pass."""

from django import template

from .. import permissions
from ..models import AgreementStatus, Side

register = template.Library()


@register.simple_tag
def agreement_actions(agreement, user, numbers=None) -> dict:
    """What ``user`` may do to ``agreement``: ``{% agreement_actions agreement user as can %}``.

    A fixed handful of queries whatever the agreement holds: one for the version numbers (none
    if the caller read them already and passes them, in order), and the few the permission
    functions make themselves.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    if numbers is None:
        numbers = list(agreement.versions.order_by("number").values_list("number", flat=True))
    can_approve = permissions.can_approve(user, agreement)
    return {
        "has_version": bool(numbers),
        "version_number": numbers[-1] if numbers else None,
        "previous_number": numbers[-2] if len(numbers) > 1 else None,
        "can_compare": len(numbers) > 1,
        "can_see_workings": permissions.can_see_workings(user, agreement),
        "can_review": permissions.can_review(user, agreement),
        "can_comment": permissions.can_comment(user, agreement),
        "can_approve": can_approve,
        # Approving with shared threads open needs an acknowledgement: the review page's form asks it.
        "approve_needs_acknowledgement": can_approve and agreement.threads.open().shared().exists(),
        "can_sign": permissions.can_sign(user, agreement),
        "awaiting_signatures": _awaiting_signatures(agreement),
        "can_decline_signing": permissions.can_decline_signing(user, agreement),
        "can_withdraw": permissions.can_withdraw(user, agreement),
        "can_render_draft": permissions.can_render_draft(user, agreement),
        "can_download_word": permissions.can_download_word(user, agreement),
        "is_signed": agreement.is_signed,
        "has_signed_pdf": bool(agreement.signed_pdf),
    }


def _awaiting_signatures(agreement) -> list[dict]:
    """Whose signature the approved agreement waits for now, in the signing order, and who after."""
    if agreement.status not in (AgreementStatus.APPROVED, AgreementStatus.PARTLY_SIGNED):
        return []
    signed = set(agreement.signatures.values_list("side", flat=True))
    turn = agreement.sides_to_sign(signed)
    p = agreement.partnership
    waiting = []
    for side, organisation in ((Side.INSTITUTION, p.institution), (Side.POLICE, p.police_force)):
        if side not in signed:
            contact = agreement.signatory_for(side)
            waiting.append(
                {"name": contact.name if contact else "", "organisation": organisation.name, "now": side in turn}
            )
    return waiting
