"""Calendar files: one session as .ics, in UTC across the clock changes, and the personal feed."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.helpers import assert_outsider_gets_404
from training import services
from training.models import Booking, BookingStatus, CalendarFeed, Session

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def url(name, *args):
    return reverse(f"training:{name}", args=args)


def parse(response) -> Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar):
    return calendar.walk("VEVENT")


def session_at(course, partnership, start, hours=3):
    return Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        venue="Senate House, Room 2",
        capacity=10,
        trainers="DS Ruth Adeyemi",
        offered_to=partnership,
    )


def test_session_ics_is_an_attachment_that_calendar_apps_read(client, staff_member, session):
    client.force_login(staff_member)
    response = client.get(url("session_ics", session.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="training-session-{session.pk}.ics"'
    (event,) = events(parse(response))
    assert str(event["SUMMARY"]) == "Sexual assault awareness"
    assert str(event["LOCATION"]) == "Senate House, Room 2"
    assert event.decoded("DTSTART") == session.starts_at.astimezone(UTC)
    assert event.decoded("DTEND") == session.ends_at.astimezone(UTC)
    assert session.get_absolute_url() in str(event["DESCRIPTION"])


def test_session_after_the_clocks_go_forward_is_written_in_utc(client, staff_member, course, partnership):
    # 29 March 2026: British Summer Time starts at 01:00 GMT, so 09:00-12:00 in London is 08:00-11:00 UTC.
    session = session_at(course, partnership, datetime(2026, 3, 29, 9, 0, tzinfo=LONDON))
    client.force_login(staff_member)
    response = client.get(url("session_ics", session.pk))
    (event,) = events(parse(response))
    assert event.decoded("DTSTART") == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
    assert b"DTSTART:20260329T080000Z" in response.content
    assert b"DTEND:20260329T110000Z" in response.content


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (24, 8),  # Saturday 24 October 2026: still British Summer Time (UTC+1)
        (26, 9),  # Monday 26 October 2026: back on Greenwich Mean Time since the 25th
    ],
)
def test_nine_oclock_in_london_either_side_of_the_autumn_change(
    client, staff_member, course, partnership, day, utc_hour
):
    session = session_at(course, partnership, datetime(2026, 10, day, 9, 0, tzinfo=LONDON))
    client.force_login(staff_member)
    response = client.get(url("session_ics", session.pk))
    (event,) = events(parse(response))
    assert event.decoded("DTSTART") == datetime(2026, 10, day, utc_hour, 0, tzinfo=UTC)
    assert f"DTSTART:202610{day}T0{utc_hour}0000Z".encode() in response.content


def test_cancelled_session_ics_says_cancelled(client, staff_member, session, police_liaison):
    services.cancel_session(session, by=police_liaison)
    client.force_login(staff_member)
    (event,) = events(parse(client.get(url("session_ics", session.pk))))
    assert str(event["STATUS"]) == "CANCELLED"


# The personal feed


@pytest.fixture
def feed(client, staff_member):
    client.force_login(staff_member)
    client.post(url("feed_settings"), {"action": "create"})
    client.logout()
    return CalendarFeed.objects.get(user=staff_member)


def uids(calendar):
    return sorted(str(event["UID"]).split("@")[0] for event in events(calendar))


def test_feed_settings_creates_the_address_only_when_asked(client, staff_member):
    client.force_login(staff_member)
    page = client.get(url("feed_settings")).content.decode()
    assert "Create my feed address" in page and "no-store" in client.get(url("feed_settings"))["Cache-Control"]
    assert not CalendarFeed.objects.exists()
    response = client.post(url("feed_settings"), {"action": "create"}, follow=True)
    feed = CalendarFeed.objects.get(user=staff_member)
    assert f"/training/feed/{feed.token}.ics" in response.content.decode()
    client.post(url("feed_settings"), {"action": "create"})
    assert CalendarFeed.objects.get().token == feed.token  # asking again keeps the address


def test_feed_lists_only_the_users_booked_and_attended_sessions(
    client, feed, staff_member, course, partnership, colleagues
):
    soon = timezone.now().replace(microsecond=0) + timedelta(days=7)
    booked, waitlisted, cancelled, someone_elses, attended = (
        session_at(course, partnership, soon + timedelta(days=i)) for i in range(5)
    )
    Booking.objects.create(session=booked, attendee=staff_member, status=BookingStatus.BOOKED)
    Booking.objects.create(session=waitlisted, attendee=staff_member, status=BookingStatus.WAITLISTED)
    Booking.objects.create(session=cancelled, attendee=staff_member, status=BookingStatus.CANCELLED)
    Booking.objects.create(session=someone_elses, attendee=colleagues[0], status=BookingStatus.BOOKED)
    Booking.objects.create(session=attended, attendee=staff_member, status=BookingStatus.ATTENDED)
    response = client.get(url("feed", feed.token))  # no login: calendar apps cannot log in
    assert response.status_code == 200
    assert uids(parse(response)) == sorted(f"training-session-{s.pk}" for s in (booked, attended))
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_feed_carries_utc_times_across_the_clock_change(client, feed, staff_member, course, partnership):
    session = session_at(course, partnership, datetime(2026, 10, 26, 9, 0, tzinfo=LONDON))
    Booking.objects.create(session=session, attendee=staff_member, status=BookingStatus.ATTENDED)
    (event,) = events(parse(client.get(url("feed", feed.token))))
    assert event.decoded("DTSTART") == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_revoked_feed_address_answers_404_and_the_new_one_works(client, feed, staff_member, session):
    services.book(session, staff_member, by=staff_member)
    old = url("feed", feed.token)
    client.force_login(staff_member)
    confirm = client.get(url("feed_settings"), {"revoke": "1"}).content.decode()
    assert "Revoke your feed address and make a new one?" in confirm
    assert CalendarFeed.objects.get().token == feed.token  # asking changes nothing
    client.post(url("feed_settings"), {"action": "revoke"})
    new = CalendarFeed.objects.get(user=staff_member)
    assert new.token != feed.token
    client.logout()
    assert client.get(old).status_code == 404
    assert uids(parse(client.get(url("feed", new.token)))) == [f"training-session-{session.pk}"]


def test_unknown_feed_token_answers_404(client, feed):
    assert client.get(url("feed", "not-a-real-token")).status_code == 404


def test_feed_of_a_deactivated_user_answers_404(client, feed, staff_member):
    staff_member.is_active = False
    staff_member.save(update_fields=["is_active"])
    assert client.get(url("feed", feed.token)).status_code == 404


def test_each_person_has_their_own_feed(client, feed, session, colleagues):
    other = colleagues[0]
    services.book(session, other, by=other)
    other_feed = CalendarFeed.objects.create(user=other)
    assert events(parse(client.get(url("feed", feed.token)))) == []
    assert uids(parse(client.get(url("feed", other_feed.token)))) == [f"training-session-{session.pk}"]


def test_outsider_gets_404_on_the_session_ics(client, outsider, session):
    assert_outsider_gets_404(client, url("session_ics", session.pk), outsider)


# Text typed into the portal, line breaks and all, reaches the calendar files.

BROKEN = "Stalking\r\nawareness\nBEGIN:VEVENT\rSUMMARY:forged\u2028for\x0bstaff"
ONE_LINE = "Stalking awareness BEGIN:VEVENT SUMMARY:forged for staff"


@pytest.fixture
def text_with_line_breaks(course, session, staff_member):
    course.title = BROKEN
    course.save(update_fields=["title"])
    session.venue, session.trainers = "Senate House\nRoom 2", "DS Ruth Adeyemi\r\nPC Tom Hale"
    session.save(update_fields=["venue", "trainers"])
    services.book(session, staff_member, by=staff_member)
    return session


def assert_line_breaks_folded(response):
    assert response.status_code == 200
    for line in response.content.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line, f"a bare line break in {line!r}"
    calendar = parse(response)
    (event,) = events(calendar)
    assert str(event["SUMMARY"]) == ONE_LINE
    assert str(event["LOCATION"]) == "Senate House Room 2"
    assert "Trainers: DS Ruth Adeyemi PC Tom Hale." in str(event["DESCRIPTION"])
    return calendar


def test_line_breaks_in_the_session_ics_are_folded_into_one_line(client, staff_member, text_with_line_breaks):
    client.force_login(staff_member)
    calendar = assert_line_breaks_folded(client.get(url("session_ics", text_with_line_breaks.pk)))
    assert str(calendar["X-WR-CALNAME"]) == ONE_LINE


def test_line_breaks_in_the_feed_are_folded_into_one_line(client, feed, text_with_line_breaks):
    assert_line_breaks_folded(client.get(url("feed", feed.token)))
