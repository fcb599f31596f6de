"""Who of a partnership is told something: used by the reminders of partnerships, agreements
and training, so that notifications need know nothing of a partnership's shape."""

from accounts.models import liaison_officers

__all__ = ["both_sides", "liaison_officers", "single_point_of_contact"]


def both_sides(partnership, people) -> list:
    """From ``liaison_officers``' answer: the partnership's institution's, then its force's."""
    return people.get(partnership.institution_id, []) + people.get(partnership.police_force_id, [])


def single_point_of_contact(partnership, organisation_id) -> list:
    """The user accounts of one side's single point of contact and deputy (none for a contact
    without an account, or an organisation that is neither side). Whether they are active is
    the caller's to check, as for every recipient."""
    return [contact.user for contact in partnership.contacts_of_side(organisation_id) if contact.user is not None]
