"""What a role may do across the portal. One condition per line; used by views and templates."""


def can_use_admin_site(user) -> bool:
    return user.is_authenticated and user.is_administrator and user.is_staff


def can_see_all_organisations(user) -> bool:
    return user.is_authenticated and user.is_administrator
