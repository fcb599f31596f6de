"""Invitations, not passwords, through the real UI.

An administrator invites a police liaison officer for a force from its People page. The link in
the email sets a password and, since the role must use two-factor authentication, leads straight
to setting up an authenticator. That officer invites a colleague, who accepts in turn. A used
link and an expired one are refused with a page that says why. Every page shown is checked.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from people import services
from people.models import Invitation
from tests import factories
from tests.e2e.browser import check_accessibility, login, visit
from tests.helpers import totp_code

PASSWORD = "a long and new passphrase"


def invitation_path() -> str:
    return re.search(r"https?://[^/\s]+(/people/invitation/[^/\s]+/)", mail.outbox[-1].body).group(1)


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    check_accessibility(page)


def invite(page: Page, organisation, first: str, last: str, email: str, role_label: str) -> str:
    visit(page, reverse("people:organisation_people", args=[organisation.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Invite someone").click()
    check_accessibility(page)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role").select_option(label=role_label)
    submit(page, "Send the invitation")
    expect(page.get_by_text(f"Invitation sent to {email}")).to_be_visible()
    expect(page.get_by_role("cell", name=email)).to_be_visible()
    return invitation_path()


def accept_and_set_up_two_factor(page: Page, path: str, email: str) -> User:
    page.context.clear_cookies()
    visit(page, path)
    expect(page.get_by_text("Police liaison officer")).to_be_visible()
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    submit(page, "Set my password and sign in")
    assert urlsplit(page.url).path == reverse("two_factor_setup"), page.url
    user = User.objects.get(email=email)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_role("textbox", name="Code").fill(totp_code(device))
    submit(page, "Turn on")
    with page.expect_navigation():
        page.get_by_role("link", name="I have kept them safe: continue").click()
    check_accessibility(page)
    assert urlsplit(page.url).path == reverse("portal:dashboard")
    return user


def refused(page: Page, path: str, status: int, why: str) -> None:
    response = page.goto(page.url.split("/", 3)[0] + "//" + urlsplit(page.url).netloc + path)
    assert response.status == status
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation link no longer works")
    expect(page.get_by_text(why)).to_be_visible()


def test_invitations_from_an_administrator_to_a_colleague(portal_page: Page, police_force):
    page = portal_page
    admin = factories.AdministratorFactory(username="admin", first_name="Morgan")
    login(page, admin)
    first_link = invite(page, police_force, "Sam", "Patel", "sam.patel@example.org", "Police liaison officer")
    assert f"{timezone.localdate() + timedelta(days=7):%-d %B %Y}" in mail.outbox[-1].body

    officer = accept_and_set_up_two_factor(page, first_link, "sam.patel@example.org")
    assert (officer.organisation, officer.role) == (police_force, Role.POLICE_LIAISON)

    # The officer invites a colleague from the People page (the user menu's link).
    second_link = invite(page, police_force, "Jo", "Reed", "jo.reed@example.org", "Police liaison officer")
    assert "Sam Patel" in mail.outbox[-1].body
    colleague = accept_and_set_up_two_factor(page, second_link, "jo.reed@example.org")
    assert colleague.organisation == police_force

    # A used link, and an expired one.
    refused(page, first_link, 410, "works only once")
    services.invite(admin, police_force, "late@example.org", "Lee", "Late", Role.POLICE_LIAISON)
    Invitation.objects.filter(email="late@example.org").update(expires_at=timezone.now() - timedelta(hours=1))
    refused(page, invitation_path(), 410, "expired")
