"""The browser-test harness itself: its accessibility check and its guard can both fail."""

import pytest
from django.urls import reverse

from tests.e2e.browser import (
    AccessibilityViolations,
    check_accessibility,
    check_error_summary,
    check_phone_width,
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


CLEAN_PAGE = """<!doctype html>
<html lang="en"><head><title>A page</title></head>
<body><main><h1>A page</h1>{body}</main></body></html>"""


def test_phone_check_fails_on_a_page_that_scrolls_sideways(portal_page):
    portal_page.set_viewport_size({"width": 1280, "height": 800})
    portal_page.set_content(CLEAN_PAGE.format(body='<p id="wide" style="width: 600px">Too wide for a phone</p>'))

    with pytest.raises(AssertionError, match=r"At 390 px.*scrolls sideways by 2\d\d px.*id=\"wide\""):
        check_phone_width(portal_page)
    assert portal_page.viewport_size == {"width": 1280, "height": 800}, "the page's own size is restored"


def test_phone_check_passes_a_wide_table_that_scrolls_in_its_own_box(portal_page):
    portal_page.set_content(
        CLEAN_PAGE.format(
            body='<div style="overflow-x: auto"><table style="width: 900px"><tr><td>x</td></tr></table></div>'
        )
    )

    check_phone_width(portal_page)


def test_phone_check_fails_when_the_header_takes_two_lines(portal_page):
    portal_page.set_content(
        CLEAN_PAGE.format(body="").replace(
            "<main>",
            '<header class="portal-header"><a class="navbar-brand" style="display:block">Name</a>'
            '<button class="navbar-toggler" style="display:block">Menu</button></header><main>',
        )
    )

    with pytest.raises(AssertionError, match="not on one line"):
        check_phone_width(portal_page)


def test_error_summary_check_fails_on_an_error_out_of_view(portal_page):
    field = '<label for="id_title">Title</label><input id="id_title" name="title" class="is-invalid">'
    portal_page.set_content(CLEAN_PAGE.format(body=field))
    with pytest.raises(AssertionError, match="no error summary"):
        check_error_summary(portal_page)

    summary = '<div data-error-summary data-focused="true"><a href="#id_other">Other: wrong</a></div>'
    portal_page.set_content(CLEAN_PAGE.format(body=summary + field))
    with pytest.raises(AssertionError) as failure:
        check_error_summary(portal_page)
    assert 'the link "Other: wrong" leads nowhere' in str(failure.value)
    assert 'no link to the field in error "title"' in str(failure.value)

    summary = '<div data-error-summary><a href="#id_title">Title: wrong</a></div>'
    portal_page.set_content(CLEAN_PAGE.format(body=summary + field))
    with pytest.raises(AssertionError, match="did not take the focus"):
        check_error_summary(portal_page)

    portal_page.set_content(CLEAN_PAGE.format(body=summary.replace("<div ", '<div data-focused="true" ') + field))
    check_error_summary(portal_page)
