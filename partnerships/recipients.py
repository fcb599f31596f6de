"""Who of a partnership is told something: used by the reminders of partnerships, agreements
and training, so that notifications need know nothing of a partnership's shape."""

from accounts.models import liaison_officers

__all__ = ["both_sides", "liaison_officers", "single_point_of_contact"]


def both_sides(partnership, people) -> list:
    """From ``liaison_officers``' answer: the partnership's institution's, then its force's."""
    return people.get(partnership.institution_id, []) + people.get(partnership.police_force_id, [])


def single_point_of_contact(partnership, organisation_id):
    """The user account of the partnership's single point of contact for one side, or None
    (no contact, a contact without an account, or an organisation that is neither side)."""
    if organisation_id == partnership.institution_id:
        contact = partnership.institution_contact
    elif organisation_id == partnership.police_force_id:
        contact = partnership.police_contact
    else:
        return None
    return contact.user if contact is not None else None
