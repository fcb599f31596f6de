from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from accounts import permissions


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str  # the URL namespace that marks this item as the current page


def navigation_for(user) -> list[NavItem]:
    """The main navigation a user sees: only what their role may use."""
    if not user.is_authenticated:
        return []
    items = [NavItem("Dashboard", reverse("portal:dashboard"), "portal")]
    if permissions.can_see_all_organisations(user):
        items.append(NavItem("Organisations", reverse("partnerships:organisation_list"), "partnerships"))
    else:
        own = reverse("partnerships:organisation_detail", args=[user.organisation_id])
        items.append(NavItem("My organisation", own, "partnerships"))
    if permissions.can_use_admin_site(user):
        items.append(NavItem("Administration", reverse("admin:index"), "admin"))
    return items


def portal(request):
    return {
        "portal_name": settings.PORTAL_NAME,
        "nav_items": navigation_for(request.user),
    }
