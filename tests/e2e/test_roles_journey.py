"""The roles beyond the two sides' liaison officers, through the real UI (README, Roles).

A senior sponsor signs an agreement with their own account and a second factor, after the force's
liaison officer, who is not its signatory, has found no way to sign it. An agency liaison officer
of the council taking part in the partnership opens its engagements and actions and gets a 404
for an information share. Every page shown is checked with axe and at phone width.
"""

from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Role
from agreements import services
from partnerships import services as partnership_services
from partnerships.models import AgencyInvitation
from tests import factories
from tests.e2e.browser import check_accessibility, login, visit
from tests.factories import PASSWORD
from tests.fixtures.agreements import FIELDS, SUBMITTED_ON
from tests.helpers import second_factor_device, totp_code


# Not browser.log_out: this one finds Log out anywhere on the page (not only in the header, and
# not by its exact name), and checks neither the page logging out lands on nor its accessibility
# (the next login checks the login page).
def log_out(page: Page, user) -> None:
    page.locator("header").get_by_role("button", name=user.get_full_name()).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()


def test_the_senior_sponsor_signs_and_a_liaison_officer_who_is_not_the_signatory_cannot(
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
    agreement = services.start_draft(partnership, template, by=university_liaison, title="Safer campus MOU", **FIELDS)
    services.submit_for_review(agreement, by=university_liaison, today=SUBMITTED_ON)
    services.approve(agreement, by=police_liaison)

    # The force's liaison officer approved it but is not the force's signatory.
    login(page, police_liaison)
    visit(page, agreement.get_absolute_url())
    actions = page.get_by_test_id("review-actions")
    expect(actions.get_by_role("link", name="Sign version 1")).to_have_count(0)
    expect(actions).to_contain_text("Waiting for Claire Hughes to sign for Northbridge Police.")
    response = page.goto(page.url.split("/agreements/")[0] + reverse("agreements:sign", args=[agreement.pk]))
    assert response.status == 403
    check_accessibility(page)
    visit(page, "/")
    log_out(page, police_liaison)

    # The force's senior sponsor is told, reads it on their dashboard and signs as themselves.
    login(page, police_sponsor)
    expect(page.get_by_role("heading", name="Memoranda of understanding")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("waiting for you")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Feedback")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name=agreement.title).click()
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Sign version 1").click()
    check_accessibility(page)
    expect(page.get_by_test_id("signing-account")).to_contain_text("You sign as Claire Hughes")
    page.get_by_label("Position").fill("Superintendent, Northbridge Local Policing Area")
    page.get_by_label("I confirm I have authority to sign this memorandum for Northbridge Police", exact=False).check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(totp_code(second_factor_device(police_sponsor)))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign version 1").click()
    check_accessibility(page)
    expect(page.get_by_role("main")).to_contain_text("You signed version 1 for Northbridge Police")
    expect(page.get_by_test_id("review-actions")).to_contain_text(
        "Waiting for Elaine Marsh to sign for University of Northbridge."
    )
    signature = agreement.signatures.get()
    assert signature.signer == police_sponsor and signature.authentication == "password_and_app"


def test_an_agency_officer_sees_the_partnerships_activity_and_not_its_shares(
    portal_page, partnership, engagement, action, share, university_liaison
):
    page = portal_page
    council = factories.OrganisationFactory(name="Northbridge Borough Council", kind="local_authority")
    officer = factories.UserFactory(
        organisation=council,
        username="council.liaison",
        role=Role.AGENCY_LIAISON,
        first_name="Nia",
        last_name="Roberts",
    )
    invitation = AgencyInvitation.objects.create(
        partnership=partnership, organisation=council, invited_by=university_liaison
    )
    partnership_services.answer_invitation(invitation, by=officer, accept=True)

    login(page, officer)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Partnerships you take part in")).to_be_visible()
    with page.expect_navigation():
        main.get_by_role("link", name=partnership.title).click()
    check_accessibility(page)
    expect(main).to_contain_text(engagement.title)
    expect(main).to_contain_text(action.title)
    expect(main).not_to_contain_text(share.summary)
    visit(page, engagement.get_absolute_url())
    visit(page, action.get_absolute_url())
    visit(page, reverse("partnerships:my_actions"))
    response = page.goto(page.url.split("/actions/")[0] + share.get_absolute_url())
    assert response.status == 404
    check_accessibility(page)
