"""In-app notifications, from the bell to the settings, through the real UI.

A staff member books a training session and the bell counts the confirmation. The daily sweep
(called here as the beat would call it) reminds the force's liaison officer of an action of
theirs due tomorrow: they open it from the list, which marks it read and takes them to the
action, and later mark a second one (an overdue action) read with "Mark all as read". They turn
off action reminders with the keyboard only, the essential groups stay on, and the next sweep's
action reminder is kept out of their list. Last, a liaison officer of an unrelated university
tries to open somebody else's notification and gets the 404 page. Only the people, the
partnership, the session and the actions are made with factories; every page shown is checked
with axe.
"""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from notifications.models import Muted, Notification
from notifications.services import send_due_reminders
from tests import factories
from tests.e2e.browser import address, check_accessibility, follow, heading, log_out, login, status_message, visit

COURSE = "Sexual assault awareness"  # the course of the shared session fixture
DUE_TOMORROW = "Map late-night taxi ranks"
OVERDUE = "Review CCTV coverage of the bus interchange"
MUTED = "Brief new hall wardens"


def bell(page: Page) -> Locator:
    return page.locator("header").get_by_test_id("notification-bell")


def expect_unread(page: Page, count: int) -> None:
    """The bell tells screen readers (its name) and sighted users (its badge) how many are unread."""
    badge = bell(page).locator(".notification-count")
    if count:
        expect(bell(page)).to_have_attribute("aria-label", f"Notifications, {count} unread")
        expect(page.get_by_role("link", name=f"Notifications, {count} unread", exact=True)).to_be_visible()
        expect(badge).to_be_visible()
        expect(badge).to_have_text(str(count))
    else:
        expect(bell(page)).to_have_attribute("aria-label", "Notifications")
        expect(badge).to_have_count(0)


def notification_list(page: Page) -> Locator:
    return page.get_by_test_id("notification-list")


def tabs(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Which notifications")


def user_menu(page: Page, user) -> Locator:
    return page.locator("header").get_by_role("button", name=user.get_full_name())


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, locator: Locator, limit: int = 40) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {locator}")


def test_notifications_from_the_bell_to_the_settings(
    portal_page,
    live_server,
    partnership,
    session,
    staff_member,
    police_liaison,
    outsider,
):
    page = portal_page
    now = timezone.now()
    today = timezone.localdate(now)

    # 1. A staff member books a place; the confirmation is counted by the bell.
    login(page, staff_member)
    expect_unread(page, 0)
    visit(page, session.get_absolute_url())
    follow(page, page.get_by_test_id("my-booking").get_by_role("button", name="Book a place"))
    expect(status_message(page)).to_contain_text("You have a place.")
    expect_unread(page, 1)
    booked = Notification.objects.get(recipient=staff_member)
    starts = timezone.localtime(session.starts_at)
    assert booked.title == f"Booked: {COURSE}, {starts:%-d %b %Y %H:%M}"
    follow(page, bell(page))
    assert address(page.url) == reverse("notifications:list")
    expect(heading(page)).to_have_text("Notifications")
    expect(bell(page)).to_have_attribute("aria-current", "page")
    expect(notification_list(page).get_by_role("listitem")).to_have_count(1)
    expect(notification_list(page)).to_contain_text(f"{booked.title} (unread)")
    expect_unread(page, 1)  # seeing the list is not reading them
    log_out(page, staff_member)

    # 2. The sweep finds an action of the liaison officer's due tomorrow (they are its owner's account).
    due = factories.ActionFactory(
        partnership=partnership,
        title=DUE_TOMORROW,
        owner=partnership.police_contact,
        due_date=today + timedelta(days=1),
    )
    assert partnership.police_contact.user == police_liaison
    send_due_reminders(now)
    send_due_reminders(now)  # a second sweep tells nobody the same thing twice
    reminder = Notification.objects.get(recipient=police_liaison)
    assert reminder.title == f"Action due tomorrow: {DUE_TOMORROW}"

    login(page, police_liaison)
    expect_unread(page, 1)
    follow(page, bell(page))
    expect(page.get_by_role("main")).to_contain_text("1 unread.")
    notes = notification_list(page).get_by_role("listitem")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text(f"Action due tomorrow: {DUE_TOMORROW} (unread)")

    # Opening it marks it read and goes to the action.
    follow(page, notification_list(page).get_by_role("link", name=f"Action due tomorrow: {DUE_TOMORROW}"))
    assert address(page.url) == due.get_absolute_url()
    expect(heading(page)).to_have_text(DUE_TOMORROW)
    expect_unread(page, 0)
    expect(bell(page)).not_to_have_attribute("aria-current", "page")
    reminder.refresh_from_db()
    assert reminder.read_at is not None

    # A second reminder (the action overdue) is marked read with the rest.
    factories.ActionFactory(
        partnership=partnership,
        title=OVERDUE,
        owner=partnership.police_contact,
        due_date=today - timedelta(days=2),
    )
    send_due_reminders(now)
    visit(page, reverse("notifications:list"))
    expect_unread(page, 1)
    expect(page.get_by_role("main")).to_contain_text("1 unread.")
    notes = notification_list(page).get_by_role("listitem")
    expect(notes).to_have_count(2)
    overdue_since = today - timedelta(days=2)
    expect(notes.first).to_contain_text(f"Action overdue since {overdue_since:%-d %b}: {OVERDUE} (unread)")
    expect(notes.last).to_contain_text(f"Action due tomorrow: {DUE_TOMORROW}")
    expect(notes.last).not_to_contain_text("(unread)")

    follow(page, page.get_by_role("button", name="Mark all as read"))
    assert address(page.url) == reverse("notifications:list")
    expect(status_message(page)).to_contain_text("Marked 1 notification as read.")
    expect(page.get_by_role("main")).to_contain_text("Nothing unread.")
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    expect(notification_list(page)).not_to_contain_text("(unread)")
    expect_unread(page, 0)
    assert not Notification.objects.filter(recipient=police_liaison, read_at=None).exists()

    follow(page, tabs(page).get_by_role("link", name="Unread", exact=True))
    assert address(page.url) == reverse("notifications:list") + "?show=unread"
    expect(tabs(page).get_by_role("link", name="Unread", exact=True)).to_have_attribute("aria-current", "page")
    expect(notification_list(page)).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("You have read everything.")
    expect(page.get_by_role("link", name="Show all notifications")).to_be_visible()

    # 3. Notification settings, from the user menu; the form is used with the keyboard only.
    user_menu(page, police_liaison).click()
    follow(page, page.locator("header").get_by_role("link", name="Notification settings"))
    assert address(page.url) == reverse("notifications:settings")
    expect(heading(page)).to_have_text("Notification settings")
    actions = page.get_by_role("checkbox", name="Actions", exact=True)
    bookings = page.get_by_role("checkbox", name="Your bookings", exact=True)
    signing = page.get_by_role("checkbox", name="Signing memoranda", exact=True)
    expect(actions).to_be_checked()
    expect(actions).to_be_enabled()

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert is_focused(skip_link), "the first Tab should reach the skip link"
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    tab_to(page, actions)
    page.keyboard.press("Space")
    expect(actions).not_to_be_checked()
    save = page.get_by_role("button", name="Save settings")
    tab_to(page, save)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_accessibility(page)

    assert address(page.url) == reverse("notifications:settings")
    expect(status_message(page)).to_contain_text("Your notification settings are saved.")
    expect(actions).not_to_be_checked()
    for essential in (bookings, signing):
        expect(essential).to_be_checked()
        expect(essential).to_be_disabled()
    expect(bookings).to_have_accessible_description(re.compile("These are always sent"))
    assert list(Muted.objects.filter(user=police_liaison).values_list("group", flat=True)) == ["actions"]

    # The next action reminder is logged but kept out of the list and the bell.
    factories.ActionFactory(
        partnership=partnership,
        title=MUTED,
        owner=partnership.police_contact,
        due_date=today + timedelta(days=1),
    )
    send_due_reminders(now)
    assert not Notification.objects.get(recipient=police_liaison, title__endswith=MUTED).shown
    visit(page, reverse("notifications:list"))
    expect_unread(page, 0)
    expect(notification_list(page).get_by_role("listitem")).to_have_count(2)
    expect(notification_list(page)).not_to_contain_text(MUTED)
    log_out(page, police_liaison)

    # 4. Someone of another organisation cannot open the staff member's notification.
    login(page, outsider)
    response = page.goto(live_server.url + reverse("notifications:open", args=[booked.pk]))
    assert response is not None and response.status == 404
    check_accessibility(page)
    expect(heading(page)).to_have_text("Page not found")
    expect_unread(page, 0)
    booked.refresh_from_db()
    assert booked.read_at is None, "someone else's attempt must not mark it read"
