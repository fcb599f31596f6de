"""What the dashboard shows of people: an administrator's count by role, a user's colleagues."""

from django.db.models import Count

from core import tally
from core.scoping import sees_everything

from .models import Role, User
from .tallies import ACTIVE_PEOPLE


def users_by_role(user):
    """(role label, count) of the active accounts the user sees, in one query: for an
    administrator, who sees every account, from the count kept as they change (``tallies``)."""
    roles = dict(Role.choices)
    if sees_everything(user):
        return [(roles.get(role, role), n) for role, n in sorted(tally.counts(ACTIVE_PEOPLE).items())]
    return [
        (roles.get(row["role"], row["role"]), row["n"])
        for row in User.objects.visible_to(user)
        .filter(is_active=True)
        .values("role")
        .annotate(n=Count("*"))  # not Count("pk"): the count then reads the index alone
        .order_by("role")
    ]


def colleagues(user, limit=8):
    """A few active colleagues the user sees, by role and name (a query run when shown)."""
    return (
        User.objects.visible_to(user).filter(is_active=True).exclude(pk=user.pk).order_by("role", "last_name")[:limit]
    )
