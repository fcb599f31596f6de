"""Template access to ``agreements.permissions``, which take arguments templates cannot pass."""

from django import template

from .. import permissions

register = template.Library()


@register.simple_tag
def agreement_actions(agreement, user) -> dict:
    """What ``user`` may do to ``agreement``: ``{% agreement_actions agreement user as can %}``.

    A fixed handful of queries whatever the agreement holds: one for the version numbers, and
    the few the permission functions make themselves.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
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
        "can_render_draft": permissions.can_render_draft(user, agreement),
        "is_signed": agreement.is_signed,
        "has_signed_pdf": bool(agreement.signed_pdf),
    }
