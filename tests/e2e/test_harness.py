"""The browser-test harness itself: its accessibility check and its guard can both fail."""

import pytest
from django.urls import reverse

from tests.e2e.browser import (
    AccessibilityViolations,
    check_accessibility,
    submit_login_form,
    unchecked_pages,
    visit,
)

INACCESSIBLE_PAGE = """<!doctype html>
<html lang="en"><head><title>Inaccessible</title></head>
<body><main>
  <h1>A page with faults</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">
  <input type="text" id="no-label">
</main></body></html>"""


def test_accessibility_check_fails_on_real_violations(portal_page):
    portal_page.set_content(INACCESSIBLE_PAGE)

    with pytest.raises(AccessibilityViolations) as failure:
        check_accessibility(portal_page)

    report = str(failure.value)
    assert "image-alt (critical): Images must have alternative text" in report
    assert "at #no-alt" in report
    assert "label (critical): Form elements must have labels" in report
    assert "at #no-label" in report


def test_accessibility_check_passes_a_clean_page(portal_page):
    portal_page.set_content(
        INACCESSIBLE_PAGE.replace('id="no-alt"', 'alt="" id="no-alt"').replace(
            '<input type="text" id="no-label">', '<label for="name">Name</label><input type="text" id="name">'
        )
    )

    check_accessibility(portal_page)


def test_guard_reports_a_page_opened_without_a_check(portal_page, live_server):
    visit(portal_page, reverse("login"))
    assert unchecked_pages(portal_page) == []

    portal_page.goto(live_server.url + reverse("password_reset") + "?from=login")

    assert unchecked_pages(portal_page) == [reverse("password_reset") + "?from=login"]
    check_accessibility(portal_page)  # so that this test's own teardown passes
    assert unchecked_pages(portal_page) == []


def test_guard_reports_a_page_shown_again_at_the_same_address(portal_page, university_liaison):
    submit_login_form(portal_page, university_liaison.username, "not-the-password")
    assert unchecked_pages(portal_page) == []

    # The form shown again with its errors is a new page at the same address: it needs its own check.
    portal_page.locator("#id_password").fill("still-not-the-password")
    with portal_page.expect_navigation():
        portal_page.get_by_role("button", name="Log in", exact=True).click()

    assert unchecked_pages(portal_page) == [reverse("login")]
    check_accessibility(portal_page)
    assert unchecked_pages(portal_page) == []


def test_guard_ignores_a_move_within_the_same_page(portal_page):
    visit(portal_page, reverse("login"))

    portal_page.get_by_role("link", name="Skip to main content").focus()
    portal_page.keyboard.press("Enter")
    portal_page.wait_for_url("**/#content")

    assert unchecked_pages(portal_page) == []
