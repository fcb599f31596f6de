"""A form's errors are never out of view, and the pages fit a phone.

Every page the browser tests open is checked at 390 px and for an error summary by
``check_accessibility`` (tests/e2e/browser.py). These tests look at the two places the
architecture issue named: an empty comment on the last clause of a long review page, and the
partnership page on a phone, whose health comes before its timeline.
"""

from django.urls import reverse
from playwright.sync_api import expect

from agreements import services
from tests.e2e.browser import PHONE, check_accessibility, login, visit
from tests.fixtures.agreements import FIELDS, SUBMITTED_ON, default_template


def test_an_empty_clause_comment_brings_the_error_to_the_top_of_the_review_page(
    portal_page, partnership, university_liaison, police_liaison
):
    page = portal_page
    partnership.institution_sponsor = partnership.institution_contact
    partnership.police_sponsor = partnership.police_contact
    partnership.save()
    agreement = services.start_draft(partnership, default_template(), by=university_liaison, title="MOU", **FIELDS)
    services.submit_for_review(agreement, by=university_liaison, today=SUBMITTED_ON)
    last = agreement.versions.get().clauses[-1]

    login(page, police_liaison)
    visit(page, reverse("agreements:review", args=[agreement.pk]))
    form = page.locator(f"#clause-{last['key']}")
    # The clause's link opens its comment form, by keyboard: the next Tab lands in the form.
    form.get_by_role("link", name=f"Comment on clause {last['number']}").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_accessibility(page)
    textbox = form.get_by_label(f"Comment on clause {last['number']}")
    expect(textbox).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(textbox).to_be_focused()
    with page.expect_navigation():
        form.get_by_role("button", name=f"Add comment on clause {last['number']}").click()
    check_accessibility(page)

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    link = summary.get_by_role("link", name=f"Comment on clause {last['number']}: Write your comment.")
    link.click()
    field = page.get_by_label(f"Comment on clause {last['number']}")
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 5000, "the clause is far down the page: the link took the reader there"


def test_on_a_phone_the_partnership_page_shows_health_before_the_timeline(portal_page, partnership, university_liaison):
    page = portal_page
    page.set_viewport_size(PHONE)
    login(page, university_liaison)
    visit(page, partnership.get_absolute_url())

    health = page.get_by_test_id("health-panel").bounding_box()
    timeline = page.get_by_role("heading", name="Timeline").bounding_box()
    assert health["y"] + health["height"] <= timeline["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The header's name and menu button share one line.
    brand = page.locator(".navbar-brand").bounding_box()
    toggler = page.get_by_role("button", name="Show navigation").bounding_box()
    assert abs(brand["y"] - toggler["y"]) < toggler["height"]

    page.set_viewport_size({"width": 1280, "height": 800})
    health = page.get_by_test_id("health-panel").bounding_box()
    timeline = page.get_by_role("heading", name="Timeline").bounding_box()
    assert health["x"] > timeline["x"], "on a wide screen health sits beside the timeline, on the right"
