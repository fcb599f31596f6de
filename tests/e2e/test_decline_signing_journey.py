"""A signatory declines to sign, with a reason, through the real UI (issue 16).

The agreement is signed "police first": the university's senior sponsor sees it is the force's
turn and has nothing to sign yet. The force's senior sponsor declines, first with no reason (and
is told to give one), then with a reason: the agreement is back in changes requested, the reason
is in its audit trail, and both sides are notified. The university's liaison officer finds the
notification behind the bell and the agreement waiting for changes. Only the people, the
partnership and the agreement's way to signing are made with factories and services; every page
shown is checked with axe and at phone width.
"""

from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from agreements import services
from agreements.models import SigningOrder
from notifications.models import Notification
from tests import factories
from tests.e2e.browser import address, follow, log_out, login, status_message, visit
from tests.fixtures.agreements import FIELDS, SUBMITTED_ON

REASON = "Clause 4 still names the old data protection officer; the force cannot sign it as it stands."


def test_a_signatory_declines_with_a_reason_and_both_sides_are_told(
    portal_page, partnership, template, university, police_force, university_liaison, police_liaison
):
    page = portal_page
    uni_sponsor = factories.UserFactory(
        organisation=university,
        username="uni.sponsor",
        role=Role.SENIOR_SPONSOR,
        first_name="Elaine",
        last_name="Marsh",
    )
    police_sponsor = factories.UserFactory(
        organisation=police_force,
        username="police.sponsor",
        role=Role.SENIOR_SPONSOR,
        first_name="Claire",
        last_name="Hughes",
    )
    partnership.institution_sponsor = factories.ContactFactory(
        organisation=university, user=uni_sponsor, name="Elaine Marsh"
    )
    partnership.police_sponsor = factories.ContactFactory(
        organisation=police_force, user=police_sponsor, name="Claire Hughes"
    )
    partnership.save()
    agreement = services.start_draft(
        partnership,
        template,
        by=university_liaison,
        title="Safer campus MOU",
        signing_order=SigningOrder.POLICE_FIRST,
        **FIELDS,
    )
    services.submit_for_review(agreement, by=university_liaison, today=SUBMITTED_ON)
    services.approve(agreement, by=police_liaison)

    # 1. The university's senior sponsor: the force signs first, so nothing to sign yet.
    login(page, uni_sponsor)
    visit(page, agreement.get_absolute_url())
    actions = page.get_by_test_id("review-actions")
    expect(actions).to_contain_text("Waiting for Claire Hughes to sign for Northbridge Police.")
    expect(actions).to_contain_text("Then Elaine Marsh to sign for University of Northbridge.")
    expect(actions.get_by_role("link", name="Sign version 1")).to_have_count(0)
    # Declining is open before one's turn (agreements/permissions.py, can_decline_signing).
    expect(actions.get_by_role("link", name="Decline to sign")).to_be_visible()
    log_out(page, uni_sponsor, check_login_page=False)

    # 2. The force's senior sponsor declines: a reason is required, then given.
    login(page, police_sponsor)
    visit(page, agreement.get_absolute_url())
    actions = page.get_by_test_id("review-actions")
    expect(actions.get_by_role("link", name="Sign version 1")).to_be_visible()
    follow(page, actions.get_by_role("link", name="Decline to sign"))
    assert address(page.url) == reverse("agreements:decline_signing", args=[agreement.pk])
    expect(page.get_by_role("heading", level=1)).to_have_text("Decline to sign Safer campus MOU")
    follow(page, page.get_by_role("main").get_by_role("button", name="Decline to sign"))
    assert address(page.url) == reverse("agreements:decline_signing", args=[agreement.pk])
    expect(page.get_by_role("main")).to_contain_text("Give your reason, so that both sides know.")
    agreement.refresh_from_db()
    assert agreement.status == "approved"  # nothing changed without a reason
    page.get_by_label("Reason").fill(REASON)
    follow(page, page.get_by_role("main").get_by_role("button", name="Decline to sign"))
    assert address(page.url) == agreement.get_absolute_url()
    expect(status_message(page)).to_contain_text(
        "You declined to sign. The agreement is back with the institution as changes requested"
    )
    expect(page.locator("h1 + p + p .status-badge")).to_have_text("Changes requested")
    trail = page.get_by_test_id("audit-trail")
    expect(trail).to_contain_text("Approved by both sides → Changes requested")
    expect(trail).to_contain_text(f"declined to sign for Northbridge Police: {REASON}")
    expect(page.get_by_test_id("review-actions").get_by_role("link", name="Sign version 1")).to_have_count(0)

    agreement.refresh_from_db()
    assert agreement.status == "changes_requested"
    told = set(
        Notification.objects.filter(kind="agreement_signing_declined").values_list("recipient__username", flat=True)
    )
    assert {university_liaison.username, police_liaison.username, uni_sponsor.username} <= told
    assert police_sponsor.username not in told
    title = f"Northbridge Police declined to sign: {agreement.title}"
    assert Notification.objects.get(kind="agreement_signing_declined", recipient=university_liaison).title == title
    log_out(page, police_sponsor, check_login_page=False)

    # 3. The university's liaison officer finds the notification behind the bell.
    login(page, university_liaison)
    follow(page, page.locator("header").get_by_test_id("notification-bell"))
    assert address(page.url) == reverse("notifications:list")
    notifications = page.get_by_test_id("notification-list")
    expect(notifications).to_contain_text(title)
    follow(page, notifications.get_by_role("link", name=title, exact=False).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(agreement.title)
    expect(page.locator("h1 + p + p .status-badge")).to_have_text("Changes requested")
    expect(page.get_by_test_id("audit-trail")).to_contain_text(REASON)
