"""A training session from scheduling to attendance, through the real UI only.

The force's liaison officer schedules a session of a course with two places, offered to the
partnership with the university. Three of the university's staff book it: two get the places
and the third joins the waitlist. When the first cancels, the waitlisted one is promoted. Once
the session has taken place the liaison officer marks who came, and (when certificates exist)
the one who attended downloads a certificate. Only the organisations, the course, the
partnership and the people are made with factories; everything else is typed and clicked in
Chromium, and every page shown is checked with axe (downloads are files, not pages).
"""

import io
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from tests import factories
from tests.e2e.browser import address, follow, log_out, login, main_nav_link, visit
from training.models import Booking, BookingStatus, Session

COURSE = "Sexual assault awareness"
VENUE = "Senate House, Room 2"
TRAINERS = "DS Ruth Adeyemi"
OFFERED_TO = "University of Northbridge (Safer Northbridge campus)"


def message(page: Page) -> Locator:
    """The flash messages above the page's content."""
    return page.locator(".messages")


def local_input(moment: datetime) -> str:
    """A time as a datetime-local field takes it, in UK time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def my_booking(page: Page) -> Locator:
    return page.get_by_test_id("my-booking")


def certificate_url(booking) -> str | None:
    """The certificate's address for ``booking``, or None while the portal has no certificates."""
    try:
        return reverse("training:certificate", args=[booking.pk])
    except NoReverseMatch:
        _, training = get_resolver().namespace_dict["training"]
        assert "certificate" not in training.reverse_dict, (
            "training:certificate exists but does not take a booking's pk: update this test."
        )
        return None


@pytest.mark.usefixtures("course", "partnership")  # the course to schedule, the partnership to offer it to
def test_a_training_session_from_scheduling_to_attendance(portal_page, university, police_liaison, staff_member):
    page = portal_page
    tomorrow = timezone.localdate() + timedelta(days=1)
    starts_at = datetime.combine(tomorrow, time(10), tzinfo=timezone.get_current_timezone())
    ends_at = starts_at + timedelta(hours=2)
    booker_a = staff_member
    booker_b = factories.UserFactory(username="staff.b", organisation=university, first_name="Ben", last_name="Carter")
    booker_c = factories.UserFactory(
        username="staff.c", organisation=university, first_name="Chloe", last_name="Davies"
    )

    # 1. The force's liaison officer schedules a session; an end before the start is refused first.
    login(page, police_liaison)
    follow(page, main_nav_link(page, "Training"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Training sessions")
    follow(page, page.get_by_role("link", name="New session"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a session")

    page.get_by_label("Course").select_option(label=COURSE)
    page.get_by_label("Starts").fill(local_input(starts_at))
    page.get_by_label("Ends").fill(local_input(starts_at - timedelta(hours=1)))
    page.get_by_label("Venue").fill(VENUE)
    page.get_by_label("Capacity").fill("2")
    page.get_by_label("Trainers").fill(TRAINERS)
    page.get_by_label("Offered to").select_option(label=OFFERED_TO)
    follow(page, page.get_by_role("button", name="Schedule session"))

    expect(page.get_by_label("Ends")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text("The session must end after it starts.")
    expect(page.get_by_label("Starts")).to_have_value(local_input(starts_at))
    expect(page.get_by_label("Venue")).to_have_value(VENUE)
    expect(page.get_by_label("Capacity")).to_have_value("2")
    expect(page.get_by_label("Offered to").locator("option:checked")).to_have_text(OFFERED_TO)
    page.get_by_label("Ends").fill(local_input(ends_at))
    follow(page, page.get_by_role("button", name="Schedule session"))

    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(message(page)).to_contain_text(f"{COURSE} scheduled for {tomorrow.day} {tomorrow:%B %Y} at 10:00.")
    session_url = address(page.url)
    session = Session.objects.get()
    assert session.starts_at == starts_at and session.ends_at == ends_at
    details = page.get_by_test_id("session-details")
    expect(details).to_contain_text(VENUE)
    expect(details).to_contain_text(TRAINERS)
    expect(details).to_contain_text("University of Northbridge")
    expect(page.get_by_test_id("places")).to_have_text("2 in all · 2 left")
    log_out(page, police_liaison)

    # 2. Staff member A finds it in the Training list, books a place and takes the calendar file.
    login(page, booker_a)
    follow(page, main_nav_link(page, "Training"))
    row = page.get_by_role("row").filter(has_text=COURSE)
    expect(row).to_contain_text("10:00–12:00")
    expect(row).to_contain_text("2 of 2 places left")
    follow(page, row.get_by_role("link"))
    assert address(page.url) == session_url
    follow(page, my_booking(page).get_by_role("button", name="Book a place"))
    expect(message(page)).to_contain_text("You have a place.")
    expect(my_booking(page)).to_contain_text("Booked")
    expect(page.get_by_test_id("places")).to_have_text("2 in all · 1 left")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add this session to your calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"training-session-{session.pk}.ics"
    event = Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")[0]
    assert event["DTSTART"].dt == starts_at.astimezone(UTC)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert COURSE in str(event["SUMMARY"])
    log_out(page, booker_a)

    # Staff member B takes the last place.
    login(page, booker_b)
    visit(page, session_url)
    follow(page, my_booking(page).get_by_role("button", name="Book a place"))
    expect(message(page)).to_contain_text("You have a place.")
    expect(page.get_by_test_id("places")).to_have_text("2 in all · full")
    log_out(page, booker_b)

    # Staff member C finds it full and joins the waitlist.
    login(page, booker_c)
    visit(page, session_url)
    expect(my_booking(page)).to_contain_text("All 2 places are taken.")
    follow(page, my_booking(page).get_by_role("button", name="Join the waitlist"))
    expect(message(page)).to_contain_text("The session is full, so you are on the waitlist.")
    expect(my_booking(page)).to_contain_text("Waitlisted: number 1")
    expect(my_booking(page)).to_contain_text("You are number 1 on the waitlist.")
    log_out(page, booker_c)

    # 3. A cancels, after a confirmation page; the place goes to C.
    login(page, booker_a)
    visit(page, session_url)
    follow(page, my_booking(page).get_by_role("link", name="Cancel my booking"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking?")
    follow(page, page.get_by_role("button", name="Cancel the booking"))
    assert address(page.url) == session_url
    expect(message(page)).to_contain_text(
        f"Your booking on {COURSE} is cancelled. The place has gone to the next person on the waitlist."
    )
    expect(my_booking(page)).to_contain_text("Your booking was cancelled")
    # B and C hold both places again, so A could only rejoin at the end of the waitlist.
    expect(my_booking(page).get_by_role("button", name="Join the waitlist")).to_be_visible()
    expect(page.get_by_test_id("places")).to_have_text("2 in all · full")
    log_out(page, booker_a)

    login(page, booker_c)
    visit(page, session_url)
    expect(my_booking(page)).to_contain_text("Booked")
    expect(my_booking(page)).to_contain_text("You have a place.")
    expect(my_booking(page)).not_to_contain_text("waitlist")
    log_out(page, booker_c)

    # 4. The session takes place. This update stands in for the passage of time: attendance can
    # only be marked once a session has started, and the form refuses a start in the past.
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))

    login(page, police_liaison)
    visit(page, session_url)
    places = page.get_by_test_id("places-table")
    expect(places.get_by_role("row")).to_have_count(3)  # the header and the two with a place
    expect(places).not_to_contain_text(booker_a.get_full_name())
    page.get_by_role("group", name=f"Did {booker_c.get_full_name()} attend?").get_by_label("Attended").check()
    page.get_by_role("group", name=f"Did {booker_b.get_full_name()} attend?").get_by_label("Did not attend").check()
    follow(page, page.get_by_role("button", name="Save attendance"))

    assert address(page.url) == session_url
    expect(message(page)).to_contain_text("Attendance saved for 2 people.")
    expect(page.get_by_role("main")).to_contain_text("This session has taken place.")
    expect(page.get_by_test_id("session-details")).to_contain_text("Completed")
    attended = page.get_by_role("group", name=f"Did {booker_c.get_full_name()} attend?")
    expect(attended.get_by_label("Attended")).to_be_checked()
    absent = page.get_by_role("group", name=f"Did {booker_b.get_full_name()} attend?")
    expect(absent.get_by_label("Did not attend")).to_be_checked()
    statuses = dict(Booking.objects.filter(session=session).values_list("attendee__username", "status"))
    assert statuses == {
        booker_a.username: BookingStatus.CANCELLED,
        booker_b.username: BookingStatus.NO_SHOW,
        booker_c.username: BookingStatus.ATTENDED,
    }
    log_out(page, police_liaison)

    # 5. C, who attended, downloads a certificate from "My bookings" (once the portal has them).
    booking_c = Booking.objects.get(session=session, attendee=booker_c)
    certificate = certificate_url(booking_c)
    if certificate is None:
        return  # no certificates yet: the journey ends with the attendance
    login(page, booker_c)
    visit(page, reverse("training:my_bookings"))
    row = page.get_by_test_id("bookings-table").get_by_role("row").filter(has_text=COURSE)
    expect(row).to_contain_text("Attended")
    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("certificate", re.IGNORECASE)).click()
    download = download_info.value
    assert address(download.url) == certificate
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join((pdf_page.extract_text() or "") for pdf_page in reader.pages)
    text = " ".join(text.split())
    assert booker_c.get_full_name() in text
    assert COURSE in text
