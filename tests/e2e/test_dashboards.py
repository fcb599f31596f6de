"""Each role logs in through the real form, sees its own dashboard and logs out again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.browser import address, check_accessibility, login, submit_login_form, visit
from tests.helpers import NAVIGATION as NAV_LABELS

DASHBOARD_HEADINGS = {
    "university_liaison": [
        "Your partnerships",
        "Memoranda of understanding",
        "Training for your staff",
        "Your colleagues on the portal",
    ],
    "police_liaison": [
        "MOUs awaiting your review",
        "Partner institutions",
        "Training your units offer",
        "Your colleagues on the portal",
    ],
    "staff": ["Your training", "Your colleagues on the portal"],
    "administrator": ["Partnerships by health", "Organisations", "Active users", "MOU templates and agreements"],
}


@pytest.mark.parametrize("role", list(NAV_LABELS))
def test_each_role_logs_in_sees_its_dashboard_and_logs_out(portal_page, personas, role):
    page = portal_page
    user = personas[role]

    login(page, user)

    assert address(page.url) == reverse("portal:dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.first_name}")
    main_nav = page.get_by_role("navigation", name="Main").get_by_test_id("main-nav")
    expect(main_nav.get_by_role("link")).to_have_text(NAV_LABELS[role])
    expect(main_nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(DASHBOARD_HEADINGS[role])

    user_menu = page.locator("header").get_by_role("button", name=user.get_full_name())
    expect(user_menu).to_have_attribute("aria-expanded", "false")
    user_menu.click()
    expect(user_menu).to_have_attribute("aria-expanded", "true")
    log_out = page.locator("header").get_by_role("button", name="Log out", exact=True)
    expect(log_out).to_be_visible()
    check_accessibility(page)  # the dashboard again, with the user menu open

    with page.expect_navigation():
        log_out.click()
    check_accessibility(page)

    assert address(page.url) == reverse("login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.get_by_test_id("main-nav")).to_have_count(0)


def test_wrong_password_shows_the_error_on_the_login_page(portal_page, university_liaison):
    page = portal_page

    submit_login_form(page, university_liaison.username, "not-the-password")  # checks the error page too

    assert address(page.url) == reverse("login")
    expect(page.get_by_role("main")).to_contain_text("Please enter a correct username and password")
    expect(page.locator("#id_username")).to_have_value(university_liaison.username)
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.get_by_test_id("main-nav")).to_have_count(0)


def test_empty_login_form_shows_which_fields_are_missing(portal_page):
    page = portal_page
    visit(page, reverse("login"))

    with page.expect_navigation():
        page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.locator("#id_username")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    expect(page.get_by_role("main")).to_contain_text("This field is required.")
