"""Two journeys done with the keyboard alone: an MOU from draft to both signatures, and a booking.

Logging in uses the shared login helper; after that every step is a key press (Tab, Shift+Tab,
Enter, Space, arrow keys) or typed text, never a click or a fill. Focus is moved with
``tab_to``, which presses Tab until the focused element has the accessible role and name wanted
(as Chromium's accessibility tree computes them) and fails with the path focus took when it
never gets there. Every page reached is checked with axe, and on several steps the focused
element must show a visible focus indicator and be on screen.

1. The university's liaison officer drafts an MOU from the default template, fills in every
   placeholder's field and submits it; the force's liaison officer approves it and signs; the
   university signs, and the memorandum is in force.
2. A staff member searches the training sessions for a course, opens the session and books.
"""

from __future__ import annotations

import re
import weakref
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import CDPSession, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from accounts import two_factor
from agreements.models import Agreement, AgreementStatus
from tests.e2e.browser import address, check_accessibility, heading, login, status_message
from tests.factories import PASSWORD
from tests.fixtures.agreements import default_template
from tests.helpers import second_factor_device, totp_code
from training.models import Booking, BookingStatus, Course, Session

TITLE = "Safer Northbridge campus"  # the partnership's, from the shared fixture
MOU = f"Memorandum of understanding: {TITLE}"
AREA = "the Northbridge campus and its halls of residence"
COURSE = "Sexual assault awareness"  # the shared course fixture's title
MAX_TABS = 80
# crispy-forms ends a required field's label with <span class="asteriskField">*</span>, which
# becomes part of the accessible name ("Your full name*").
REQUIRED_MARK = re.compile(r"\s*\*$")

# --- Finding and checking the focus ----------------------------------------------------------

_cdp_sessions: weakref.WeakKeyDictionary[Page, CDPSession] = weakref.WeakKeyDictionary()


def _cdp(page: Page) -> CDPSession:
    cdp = _cdp_sessions.get(page)
    if cdp is None:
        cdp = _cdp_sessions[page] = page.context.new_cdp_session(page)
    return cdp


def focused(page: Page) -> tuple[str, str]:
    """``(role, accessible name)`` of the focused element, from Chromium's accessibility tree."""
    cdp = _cdp(page)
    result = cdp.send("Runtime.evaluate", {"expression": "document.activeElement", "objectGroup": "focus-probe"})[
        "result"
    ]
    try:
        if "objectId" not in result:
            return "", ""
        nodes = cdp.send("Accessibility.getPartialAXTree", {"objectId": result["objectId"], "fetchRelatives": False})[
            "nodes"
        ]
    finally:
        cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "focus-probe"})
    if not nodes:
        return "", ""
    node = nodes[0]
    return node.get("role", {}).get("value", ""), " ".join(str(node.get("name", {}).get("value", "")).split())


def describe(role: str, name: str) -> str:
    return f"{role or '?'} {name!r}" if name else f"{role or '?'} (no name)"


def tab_to(
    page: Page,
    name: str | re.Pattern,
    *,
    role: str | None = None,
    within: Locator | None = None,
    backwards: bool = False,
    max_presses: int = MAX_TABS,
) -> None:
    """Press Tab (Shift+Tab if ``backwards``) until the focused element is ``role`` named ``name``.

    A string name is compared exactly (white space collapsed, and the asterisk crispy-forms
    puts after a required field's label left off); a pattern is matched with ``re.search``.
    ``within`` limits the match to an element inside that locator. Fails after ``max_presses``
    presses, listing where the focus went, so a control that cannot be reached (not
    focusable, or behind a trap) is named in the failure.
    """
    key = "Shift+Tab" if backwards else "Tab"
    path = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        now_role, now_name = focused(page)
        path.append(describe(now_role, now_name))
        bare = REQUIRED_MARK.sub("", now_name)
        named = name.search(bare) if isinstance(name, re.Pattern) else bare == name
        if (
            named
            and (role is None or now_role == role)
            and (within is None or within.evaluate("(el) => el.contains(document.activeElement)"))
        ):
            return
    wanted = f"{role or 'element'} {getattr(name, 'pattern', name)!r}" + (
        " in the given region" if within is not None else ""
    )
    trail = ", ".join(path[-25:])
    raise AssertionError(
        f"Pressed {key} {max_presses} times at {address(page.url)} without reaching {wanted}. "
        f"Focus went through (last 25): {trail}"
    )


ON_SCREEN = """() => {
    const r = document.activeElement.getBoundingClientRect();
    return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
}"""


def assert_focus_visible(page: Page) -> None:
    """The focused element draws an outline or a box-shadow, and is on screen (WCAG 2.4.7, 2.4.11).

    Bootstrap scrolls smoothly where motion is not reduced, so the focused element is given a
    moment to scroll into view before it must be on screen.
    """
    try:
        page.wait_for_function(ON_SCREEN, timeout=3000)
    except PlaywrightTimeoutError:
        box = page.evaluate("() => JSON.stringify(document.activeElement.getBoundingClientRect())")
        raise AssertionError(f"The focused {describe(*focused(page))} stays off screen at {box}") from None
    style = page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, boxShadow: s.boxShadow};
        }"""
    )
    outline = style["outlineStyle"] != "none" and style["outlineWidth"] not in ("0px", "")
    shadow = style["boxShadow"] not in ("none", "")
    assert outline or shadow, f"No visible focus indicator on {describe(*focused(page))} ({style})"


def press_and_follow(page: Page, key: str = "Enter") -> None:
    """Press ``key`` on the focused link or button, wait for the page it opens and check it with axe."""
    with page.expect_navigation():
        page.keyboard.press(key)
    check_accessibility(page)


def type_text(page: Page, text: str) -> None:
    """Replace what the focused field holds with ``text``, typed key by key."""
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def type_date(page: Page, day: date) -> None:
    """Type ``day`` into the focused date field, its parts in the order the field shows them.

    Chromium lays the parts out by the browser's own language (month first in en-US), and its
    accessibility tree has them as spin buttons named Day, Month and Year, in that order.
    """
    cdp = _cdp(page)
    field = cdp.send("Runtime.evaluate", {"expression": "document.activeElement", "objectGroup": "date-probe"})
    try:
        nodes = cdp.send("Accessibility.queryAXTree", {"objectId": field["result"]["objectId"], "role": "spinbutton"})
    finally:
        cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "date-probe"})
    order = [str(node.get("name", {}).get("value", "")).split()[0].lower() for node in nodes["nodes"]]
    assert sorted(order) == ["day", "month", "year"], f"the focused field's parts are {order}, not a date's"
    parts = {"day": f"{day:%d}", "month": f"{day:%m}", "year": f"{day:%Y}"}
    for part in order:
        page.keyboard.type(parts[part])


# Not browser.log_out: this journey never uses the mouse, so it reaches the menu and its Log out
# button with the keyboard and checks the focus on the way.
def log_out(page: Page, user) -> None:
    """Open the user menu with Enter (Escape closes it again), move into it with an arrow key, log out."""
    menu_button = user.get_full_name()
    log_out_button = page.locator("header").get_by_role("button", name="Log out", exact=True)
    tab_to(page, menu_button, role="button", within=page.locator("header"))
    page.keyboard.press("Enter")
    expect(log_out_button).to_be_visible()
    page.keyboard.press("Escape")  # closes the menu and leaves focus on its button
    expect(log_out_button).to_be_hidden()
    assert focused(page) == ("button", menu_button), f"Escape left focus on {describe(*focused(page))}"
    page.keyboard.press("Enter")
    expect(log_out_button).to_be_visible()
    page.keyboard.press("ArrowDown")  # Bootstrap's dropdown: the arrow keys move through the menu
    tab_to(page, "Log out", role="button", max_presses=10)
    assert_focus_visible(page)
    press_and_follow(page)
    assert address(page.url) == reverse("login")


def fill_field(page: Page, label: str, text: str, *, role: str | None = None) -> None:
    tab_to(page, label, role=role)
    type_text(page, text)


# --- 1. An MOU, drafted, approved and signed ---------------------------------------------------


def sign(page: Page, signer, position: str, version: int) -> None:
    """On the signing page: type the position, tick the confirmation with Space, give the password
    (and, for someone with an authenticator, its current code) again, sign."""
    expect(heading(page)).to_have_text(f"Sign {MOU}")
    expect(page.get_by_test_id("signing-account")).to_contain_text(f"You sign as {signer.get_full_name()}")
    fill_field(page, "Position", position, role="textbox")
    assert_focus_visible(page)
    organisation = signer.organisation.name
    confirmation = (
        f"I confirm I have authority to sign this memorandum for {organisation}, "
        f"and that I have read version {version}."
    )
    tab_to(page, confirmation, role="checkbox", max_presses=5)
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=confirmation)).to_be_checked()
    tab_to(page, "Your password", max_presses=5)
    assert_focus_visible(page)
    page.keyboard.type(PASSWORD)
    code = page.get_by_label("Code from your authenticator app")
    if two_factor.has_device(signer):
        tab_to(page, "Code from your authenticator app (or a recovery code)", role="textbox", max_presses=5)
        type_text(page, totp_code(second_factor_device(signer)))
    else:
        expect(code).to_have_count(0)
    expect(page.get_by_label("Position")).to_have_value(position)
    tab_to(page, f"Sign version {version}", role="button", max_presses=5)
    press_and_follow(page)


def test_an_mou_drafted_approved_and_signed_by_keyboard(
    portal_page,
    partnership,
    university,
    police_force,
    university_liaison,
    police_liaison,
    settings,
    tmp_path,
):
    page = portal_page
    settings.MEDIA_ROOT = tmp_path
    template = default_template()
    # The liaison officers sign (each the partnership's sponsor here, so the default signatory).
    partnership.institution_sponsor = partnership.institution_contact
    partnership.police_sponsor = partnership.police_contact
    partnership.save()
    effective = timezone.localdate() + timedelta(days=30)

    # The university's liaison officer: first Tab reaches the skip link, which is shown and works.
    login(page, university_liaison)
    page.keyboard.press("Tab")
    assert focused(page) == ("link", "Skip to main content"), f"first Tab reached {describe(*focused(page))}"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content", "the skip link did not move focus to <main>"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), (
        f"after the skip link, Tab reached {describe(*focused(page))}, outside <main>"
    )

    # The main menu, back up the page with Shift+Tab, to the partnership and its "Draft an MOU".
    tab_to(page, "Partnerships", role="link", within=page.get_by_test_id("main-nav"), backwards=True)
    assert_focus_visible(page)
    press_and_follow(page)
    expect(heading(page)).to_have_text("Partnerships")
    tab_to(page, TITLE, role="link", within=page.get_by_role("main"))
    press_and_follow(page)
    expect(heading(page)).to_have_text(TITLE)
    tab_to(page, "Draft an MOU", role="link")
    assert_focus_visible(page)
    press_and_follow(page)

    # The draft's details, typed into each field in turn.
    expect(heading(page)).to_have_text("Draft a memorandum of understanding")
    expect(page.get_by_label("Template").locator("option:checked")).to_have_text(str(template))
    expect(page.get_by_label("Title")).to_have_value(MOU)
    fill_field(page, "Area covered", AREA, role="textbox")
    assert_focus_visible(page)
    for label, months in [
        ("Meet every (months)", "3"),
        ("Share statistics every (months)", "6"),
        ("Joint training every (months)", "12"),
    ]:
        fill_field(page, label, months, role="spinbutton")
    tab_to(page, "Effective date")
    assert_focus_visible(page)
    type_date(page, effective)
    expect(page.get_by_label("Effective date")).to_have_value(effective.isoformat())
    for label, months in [("Term (months)", "36"), ("Review every (months)", "12"), ("Notice period (months)", "3")]:
        fill_field(page, label, months, role="spinbutton")
    tab_to(page, "Start the draft", role="button")
    assert_focus_visible(page)
    press_and_follow(page)

    expect(heading(page)).to_have_text(MOU)
    expect(status_message(page)).to_contain_text(f"Draft “{MOU}” started.")
    agreement = Agreement.objects.get(partnership=partnership)
    assert address(page.url) == agreement.get_absolute_url()
    expect(page.get_by_test_id("missing-placeholders")).to_have_count(0)
    details = page.get_by_role("region", name="Details", exact=True)
    expect(details).to_contain_text(AREA)
    expect(details).to_contain_text(f"{effective.day} {effective:%B %Y}")

    # Submitted for review, with Space on the button this time.
    tab_to(page, "Submit for review", role="button")
    assert_focus_visible(page)
    press_and_follow(page, "Space")
    expect(status_message(page)).to_contain_text("Version 1 sent to Northbridge Police for review.")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_REVIEW
    log_out(page, university_liaison)

    # The force's liaison officer approves version 1 from their dashboard, then signs.
    login(page, police_liaison)
    awaiting = page.get_by_role("region", name="MOUs awaiting your review")
    expect(awaiting).to_contain_text("waiting for you")
    tab_to(page, MOU, role="link", within=awaiting)
    press_and_follow(page)
    expect(heading(page)).to_have_text(MOU)
    tab_to(page, "Approve version 1", role="button")
    assert_focus_visible(page)
    press_and_follow(page)
    expect(status_message(page)).to_contain_text("Both sides have approved version 1. It is ready to sign.")
    tab_to(page, "Sign version 1", role="link")
    press_and_follow(page)
    sign(page, police_liaison, "Police Sergeant, campus liaison", 1)
    expect(status_message(page)).to_contain_text(
        "You signed version 1 for Northbridge Police. It comes into force when University of Northbridge signs too."
    )
    log_out(page, police_liaison)

    # The university signs: the memorandum is in force.
    login(page, university_liaison)
    panel = page.get_by_role("region", name="Memoranda of understanding")
    tab_to(page, MOU, role="link", within=panel)
    press_and_follow(page)
    tab_to(page, "Sign version 1", role="link")
    press_and_follow(page)
    expect(page.get_by_role("region", name="Signatures", exact=True)).to_contain_text(
        f"{police_liaison.get_full_name()}, Police Sergeant, campus liaison, for Northbridge Police"
    )
    sign(page, university_liaison, "Head of Student Safety", 1)
    # The effective date is 30 days ahead: signed by both, it comes into force then.
    in_force_on = f"{effective.day} {effective:%B %Y}"
    expect(status_message(page)).to_contain_text(f"Both sides have now signed. It comes into force on {in_force_on}.")
    agreement.refresh_from_db()
    signatures = {s.full_name: s.position for s in agreement.signatures.all()}
    assert signatures == {
        police_liaison.get_full_name(): "Police Sergeant, campus liaison",
        university_liaison.get_full_name(): "Head of Student Safety",
    }
    log_out(page, university_liaison)


# --- 2. A staff member finds a session and books a place ---------------------------------------


def test_a_staff_member_finds_a_session_and_books_a_place_by_keyboard(
    portal_page,
    session,
    police_force,
    staff_member,
):
    page = portal_page
    other = Course.objects.create(provider=police_force, title="Drink spiking: spotting the signs", duration_minutes=60)
    other_session = Session.objects.create(
        course=other,
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.starts_at + timedelta(days=1, hours=1),
        venue="Students' union",
        capacity=20,
    )
    when = timezone.localtime(session.starts_at)

    login(page, staff_member)
    tab_to(page, "Training", role="link", within=page.get_by_test_id("main-nav"))
    assert_focus_visible(page)
    press_and_follow(page)
    expect(heading(page)).to_have_text("Training sessions")
    expect(page.get_by_role("row").filter(has_text=other.title)).to_have_count(1)

    # Search by the course's name: Enter in the search field submits the filters.
    fill_field(page, "Search by course or provider", COURSE, role="searchbox")
    assert_focus_visible(page)
    press_and_follow(page)
    expect(page.get_by_label("Search by course or provider")).to_have_value(COURSE)
    rows = page.get_by_role("row").filter(has_text=COURSE)
    expect(rows).to_have_count(1)
    expect(page.get_by_role("row").filter(has_text=other.title)).to_have_count(0)
    expect(rows).to_contain_text("5 of 5 places left")

    # The session's link, reached with Tab inside its row: it reads the date, and names the course.
    date_text = f"{when:%a} {when.day} {when:%b %Y}"
    expect(rows.get_by_role("link").locator("time")).to_have_text(date_text)
    tab_to(page, re.compile(rf"^{date_text}\W+{COURSE}$"), role="link", within=rows)
    assert_focus_visible(page)
    press_and_follow(page)
    assert address(page.url) == session.get_absolute_url()
    expect(heading(page)).to_have_text(COURSE)
    expect(page.get_by_test_id("places")).to_have_text("5 in all · 5 left")

    # Book a place with Enter on the button.
    booking = page.get_by_test_id("my-booking")
    tab_to(page, "Book a place", role="button", within=booking)
    assert_focus_visible(page)
    press_and_follow(page)
    expect(page.locator(".messages")).to_contain_text("You have a place.")
    expect(booking).to_contain_text("Booked")
    expect(page.get_by_test_id("places")).to_have_text("5 in all · 4 left")
    booked = Booking.objects.get(session=session, attendee=staff_member)
    assert booked.status == BookingStatus.BOOKED
    assert not Booking.objects.filter(session=other_session).exists()
    log_out(page, staff_member)
