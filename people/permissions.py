"""Who may see and change an organisation's people. One condition per line."""

from django.core.exceptions import ValidationError

from accounts.models import Role, User
from partnerships import permissions as partnership_permissions

# What a liaison officer may make a colleague of their own organisation (if it fits it).
COLLEAGUE_ROLES = [Role.STAFF, Role.UNIVERSITY_LIAISON, Role.POLICE_LIAISON, Role.AGENCY_LIAISON]


def can_see_people(user, organisation) -> bool:
    """Administrators, for any organisation; liaison officers, for their own."""
    if not user.is_authenticated or not user.is_active:
        return False
    # The same people who manage the organisation's details, units and contacts.
    return partnership_permissions.can_manage_organisation(user, organisation)


def role_fits(role: str, organisation) -> bool:
    """The rule of ``User.clean``: police liaison officers in police forces, institution roles elsewhere."""
    try:
        User(organisation=organisation, role=role).clean()
    except ValidationError:
        return False
    return True


def grantable_roles(user, organisation) -> list[str]:
    """The roles ``user`` may give a person of ``organisation``: an administrator any that fits
    it; a liaison officer a staff member's or a liaison officer's, in their own organisation.
    Only administrators make senior sponsors, who sign for their organisation."""
    if not can_see_people(user, organisation):
        return []
    roles = Role.values if user.is_administrator else COLLEAGUE_ROLES
    return [role for role in roles if role_fits(role, organisation)]


def can_invite(user, organisation) -> bool:
    return can_see_people(user, organisation) and bool(grantable_roles(user, organisation))


def can_manage_invitation(user, invitation) -> bool:
    if not can_see_people(user, invitation.organisation):
        return False
    return invitation.role in grantable_roles(user, invitation.organisation)


def can_manage_person(user, person) -> bool:
    """Change the role of, deactivate or reactivate ``person``: never oneself, and a liaison
    officer never an administrator."""
    if not can_see_people(user, person.organisation):
        return False
    if person.pk == user.pk:
        return False
    if person.is_administrator and not user.is_administrator:
        return False
    return person.role in grantable_roles(user, person.organisation)


def can_change_role(user, person) -> bool:
    return can_manage_person(user, person) and person.is_active


def can_deactivate(user, person) -> bool:
    return can_manage_person(user, person) and person.is_active


def can_reactivate(user, person) -> bool:
    return can_manage_person(user, person) and not person.is_active
