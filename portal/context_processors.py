from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.urls import reverse

from accounts import permissions


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    sections: tuple[str, ...]  # view-name prefixes of the pages that mark this item as current

    def is_current(self, view_name: str) -> bool:
        return view_name.startswith(self.sections)


PARTNERSHIP_PAGES = (
    "partnerships:partnership",
    "partnerships:engagement",
    "partnerships:action_",
    "partnerships:share_",
)
ORGANISATION_PAGES = ("partnerships:organisation", "partnerships:unit", "partnerships:contact")


def navigation_for(user) -> list[NavItem]:
    """The main navigation a user sees: only what their role may use."""
    if not user.is_authenticated:
        return []
    items = [NavItem("Dashboard", reverse("portal:dashboard"), ("portal:",))]
    party = user.is_liaison_officer or user.is_administrator
    if party or user.is_senior_sponsor or user.is_agency_liaison:
        items.append(NavItem("Partnerships", reverse("partnerships:partnership_list"), PARTNERSHIP_PAGES))
    if party or user.is_agency_liaison:
        items.append(NavItem("Actions", reverse("partnerships:my_actions"), ("partnerships:my_actions",)))
    if party or user.is_senior_sponsor:
        items.append(NavItem("Agreements", reverse("agreements:list"), ("agreements:",)))
    if party:
        items.append(NavItem("Feedback", reverse("partnerships:shares_awaiting_feedback"), ("partnerships:shares_",)))
    items.append(NavItem("Training", reverse("training:session_list"), ("training:",)))
    if permissions.can_see_all_organisations(user):
        items.append(NavItem("Organisations", reverse("partnerships:organisation_list"), ORGANISATION_PAGES))
    else:
        own = reverse("partnerships:organisation_detail", args=[user.organisation_id])
        items.append(NavItem("My organisation", own, ORGANISATION_PAGES))
    return items


def portal(request):
    if not hasattr(request, "user"):
        # An error page for a request refused before AuthenticationMiddleware ran (an unknown
        # Host is a 400 from CommonMiddleware): nothing of any account.
        return {"portal_name": settings.PORTAL_NAME, "nav_items": []}
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    from accounts import two_factor

    if two_factor.needs_verification(request):
        # Half signed in (password, no code yet): no menu, no bell, nothing of the account.
        return {"portal_name": settings.PORTAL_NAME, "nav_items": [], "two_factor_pending": True}
    return {
        "portal_name": settings.PORTAL_NAME,
        "nav_items": [(item, item.is_current(view_name)) for item in navigation_for(request.user)],
        # Django admin is reached from the user menu, which keeps the main menu on one line.
        "can_use_admin_site": permissions.can_use_admin_site(request.user),
        # A callable: the count is queried only when a page shows the bell.
        "unread_notifications": partial(_unread, request.user),
    }


def _unread(user) -> int:
    from notifications.models import Notification

    if not user.is_authenticated:
        return 0
    return Notification.objects.inbox_of(user).unread().count()
