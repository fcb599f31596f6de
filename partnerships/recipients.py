"""Who of a partnership is told something: used by the reminders of partnerships, agreements
and training, so that notifications need know nothing of a partnership's shape."""

from accounts.models import liaison_officers

__all__ = ["both_sides", "liaison_officers"]


def both_sides(partnership, people) -> list:
    """From ``liaison_officers``' answer: the partnership's institution's, then its force's."""
    return people.get(partnership.institution_id, []) + people.get(partnership.police_force_id, [])
