"""A university liaison officer books a colleague on a session by searching for them.

The session page lists nobody until asked. Typing in the search box offers suggestions (an
ARIA combobox: static/training/colleague-search.js) that the keyboard moves through (Down, Up),
chooses (Enter) and closes (Escape); a deactivated colleague is never offered; the page stays
accessible with the suggestions open, under the portal's strict Content-Security-Policy (the
browser fixture fails the test on anything the policy blocks). Without JavaScript the same box
is a search form that reloads the page with the matches: tests/training/test_bookings.py
(``test_university_liaison_finds_and_books_a_colleague``) covers that.
"""

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.browser import check_accessibility, login, visit
from training.models import Booking, BookingStatus


def person(university, first_name, last_name, **fields):
    return factories.UserFactory(organisation=university, first_name=first_name, last_name=last_name, **fields)


def suggestions(page: Page):
    return page.get_by_role("listbox", name="People matching the search").get_by_role("option")


@pytest.mark.usefixtures("partnership")
def test_liaison_finds_a_colleague_with_the_keyboard_and_books_them(
    portal_page, university, university_liaison, session
):
    page = portal_page
    person(university, "Morgan", "Abbott", job_title="Hall warden")
    wanted = person(university, "Morgan", "Baker", job_title="Student adviser")
    person(university, "Morgan", "Cole", is_active=False)
    person(university, "Sam", "Morgan")
    # Everyone else has a name no search below matches (the factories' random names could:
    # "Holly Coles" once matched "cole").
    for n in range(20):
        person(university, "Pat", f"Other{n:02}")
    university_liaison.first_name, university_liaison.last_name = "Lee", "Liaison"
    university_liaison.save()
    login(page, university_liaison)
    visit(page, session.get_absolute_url())
    expect(page.get_by_role("option")).to_have_count(0)
    assert "Morgan Abbott" not in page.content()

    box = page.get_by_role("combobox", name="Find a person")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("morg")
    offered = ["Morgan Abbott (Hall warden)", "Morgan Baker (Student adviser)", "Sam Morgan"]
    expect(suggestions(page)).to_have_text(offered)
    expect(box).to_have_attribute("aria-expanded", "true")
    check_accessibility(page)  # with the suggestions open

    box.press("ArrowDown")
    expect(suggestions(page).nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowUp")
    second = suggestions(page).nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(box).to_be_focused()
    box.press("Enter")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("Morgan Baker (Student adviser)")
    chosen = page.locator("[data-colleague-chosen]")
    expect(chosen).to_be_visible()
    expect(chosen).to_contain_text("Person to book: Morgan Baker (Student adviser)")
    check_accessibility(page)

    # Escape closes the suggestions, then clears the box.
    box.fill("")
    box.press_sequentially("cole")
    expect(page.get_by_role("listbox")).to_contain_text("Nobody who is not already booked on this session")
    expect(suggestions(page)).to_have_count(0)  # the deactivated Morgan Cole is never offered
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Escape")
    expect(box).to_have_value("")
    expect(chosen).to_be_hidden()

    # Choose again and book.
    box.press_sequentially("baker")
    expect(suggestions(page)).to_have_text(["Morgan Baker (Student adviser)"])
    box.press("ArrowDown")
    box.press("Enter")
    with page.expect_navigation():
        chosen.get_by_role("button", name="Book a place").click()
    check_accessibility(page)
    expect(page.locator(".messages")).to_contain_text("Morgan Baker has a place.")
    booking = Booking.objects.get(session=session)
    assert (booking.attendee, booking.booked_by, booking.status) == (wanted, university_liaison, BookingStatus.BOOKED)
