"""Booking pages: places and the waitlist, cancelling, attendance, who sees whose booking, 404s and queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role, User
from tests import factories
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404, count_queries, sent_mail
from training import services
from training.models import Booking, BookingStatus, Session, SessionStatus

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def url(name, *args):
    return reverse(f"training:{name}", args=args)


def book_each(session, people):
    return [services.book(session, person, by=person) for person in people]


def move_into_the_past(session, started_hours_ago=1, lasts_hours=3):
    """Start the session ``started_hours_ago`` (a queryset update: the page refuses to make one)."""
    start = timezone.now() - timedelta(hours=started_hours_ago)
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=lasts_hours))
    session.refresh_from_db()


def page_text(response):
    return response.content.decode()


def shown(text):
    """``text`` as a page shows it: Faker's names include apostrophes (O'Neill), which HTML escapes."""
    return escape(text)


def status_of(booking):
    booking.refresh_from_db()
    return booking.status


# Booking and the waitlist


def test_staff_member_books_a_place_and_is_emailed(client, staff_member, session, django_capture_on_commit_callbacks):
    client.force_login(staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("book", session.pk), follow=True)
    booking = Booking.objects.get(session=session, attendee=staff_member)
    assert booking.status == BookingStatus.BOOKED and booking.booked_by == staff_member
    assert "You have a place." in page_text(response)
    assert [m.to for m in sent_mail()] == [[staff_member.email]]
    assert sent_mail()[0].subject.startswith("Booked: Sexual assault awareness")


def test_session_page_shows_london_time_with_the_day_and_the_places_left(client, staff_member, session):
    start = datetime(2026, 3, 29, 9, 0, tzinfo=LONDON)  # the clocks went forward at 01:00 that day
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    client.force_login(staff_member)
    text = page_text(client.get(url("session_detail", session.pk)))
    assert "Sunday 29 March 2026, 09:00" in text and "12:00" in text
    assert "Senate House, Room 2" in text and "DS Ruth Adeyemi" in text and "Rape and Serious Crime Unit" in text
    assert url("session_ics", session.pk) in text
    institution = escape(session.offered_to.institution.name)
    assert f'Offered to</dt><dd class="col-sm-8">{institution}</dd>' in text
    assert f'Provided by</dt><dd class="col-sm-8">{escape(session.course.provider.name)}, ' in text


def test_full_session_offers_the_waitlist_and_the_next_person_joins_it(client, staff_member, session, colleagues):
    book_each(session, colleagues)
    client.force_login(staff_member)
    page = page_text(client.get(url("session_detail", session.pk)))
    assert "Join the waitlist" in page and "full" in page
    response = client.post(url("book", session.pk), follow=True)
    assert Booking.objects.get(attendee=staff_member).status == BookingStatus.WAITLISTED
    assert "on the waitlist" in page_text(response)
    assert "You are number 1 on the waitlist" in page_text(response)
    assert Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count() == session.capacity


def test_cancelling_promotes_the_first_on_the_waitlist_and_emails_them(
    client, session, colleagues, staff_member, university_liaison, django_capture_on_commit_callbacks
):
    first_place, *_ = book_each(session, colleagues)
    first_waiting, second_waiting = book_each(session, [staff_member, university_liaison])
    sent_mail().clear()  # the confirmations
    client.force_login(colleagues[0])
    confirm = client.get(url("booking_cancel", first_place.pk))
    assert "Cancel your booking?" in page_text(confirm)
    assert status_of(first_place) == BookingStatus.BOOKED  # asking changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("booking_cancel", first_place.pk), follow=True)
    assert status_of(first_place) == BookingStatus.CANCELLED
    assert status_of(first_waiting) == BookingStatus.BOOKED
    assert status_of(second_waiting) == BookingStatus.WAITLISTED
    # The canceller's receipt, then the place given to the first on the waitlist.
    assert [m.to for m in sent_mail()] == [[colleagues[0].email], [staff_member.email]]
    assert sent_mail()[0].subject.startswith("Booking cancelled")
    assert sent_mail()[1].subject.startswith("A place has come free")
    assert "The place has gone to the next person on the waitlist." in page_text(response)
    assert shown(staff_member.get_full_name()) not in page_text(response)  # the canceller is not told who


def test_cancelling_a_whole_session_emails_everyone_booked_or_waiting(
    client, session, colleagues, staff_member, university_liaison, police_liaison, django_capture_on_commit_callbacks
):
    places = book_each(session, colleagues)
    waiting = services.book(session, staff_member, by=staff_member)
    services.cancel_booking(places[0], by=colleagues[0])  # promotes staff_member; cancelled people are not told
    services.book(session, university_liaison, by=university_liaison)
    sent_mail().clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.cancel_session(session, by=police_liaison, reason="The trainer is unwell.")
    assert told == 6
    recipients = sorted(address for m in sent_mail() for address in m.to)
    expected = sorted([c.email for c in colleagues[1:]] + [staff_member.email, university_liaison.email])
    assert recipients == expected
    assert all(m.subject.startswith("Cancelled: Sexual assault awareness") for m in sent_mail())
    assert not Booking.objects.filter(session=session).exclude(status=BookingStatus.CANCELLED).exists()
    assert status_of(waiting) == BookingStatus.CANCELLED
    client.force_login(staff_member)
    assert "This session has been cancelled" in page_text(client.get(url("session_detail", session.pk)))


# Bad input changes nothing


def start_the_session(session, person):
    move_into_the_past(session)


def cancel_the_session(session, person):
    Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)


def book_them_already(session, person):
    services.book(session, person, by=person)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (start_the_session, "This session has already started, so it can no longer be booked."),
        (cancel_the_session, "This session has been cancelled; choose another date."),
        (book_them_already, "is already booked on this session."),
    ],
)
def test_booking_that_cannot_be_taken_is_refused_and_changes_nothing(
    client, staff_member, session, spoil, message, django_capture_on_commit_callbacks
):
    spoil(session, staff_member)
    sent_mail().clear()
    before = list(Booking.objects.values_list("pk", "status"))
    client.force_login(staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("book", session.pk), follow=True)
    assert message in page_text(response)
    assert list(Booking.objects.values_list("pk", "status")) == before
    assert sent_mail() == []


def test_booking_cannot_be_cancelled_after_the_start(client, staff_member, session):
    booking = services.book(session, staff_member, by=staff_member)
    move_into_the_past(session)
    client.force_login(staff_member)
    confirm = page_text(client.get(url("booking_cancel", booking.pk)))
    assert "can no longer be cancelled" in confirm and "Cancel the booking</button>" not in confirm
    response = client.post(url("booking_cancel", booking.pk), follow=True)
    assert "can no longer be cancelled" in page_text(response)
    assert status_of(booking) == BookingStatus.BOOKED


def test_attendance_before_the_start_is_refused_and_changes_nothing(client, police_liaison, session, colleagues):
    booking, *_ = book_each(session, colleagues[:2])
    client.force_login(police_liaison)
    page = page_text(client.get(url("session_detail", session.pk)))
    assert "Attendance can be marked once the session has started." in page and "Save attendance" not in page
    response = client.post(url("attendance", session.pk), {f"booking-{booking.pk}": "attended"}, follow=True)
    assert "Attendance can be marked once the session has started." in page_text(response)
    assert status_of(booking) == BookingStatus.BOOKED


def test_attendance_with_an_unknown_answer_changes_nothing(client, police_liaison, session, colleagues):
    first, second = book_each(session, colleagues[:2])
    move_into_the_past(session)
    client.force_login(police_liaison)
    data = {f"booking-{first.pk}": "attended", f"booking-{second.pk}": "maybe"}
    response = client.post(url("attendance", session.pk), data, follow=True)
    assert "Choose “Attended” or “Did not attend” for each person." in page_text(response)
    assert status_of(first) == status_of(second) == BookingStatus.BOOKED


# Attendance


def test_provider_marks_attendance_once_the_session_has_started(client, police_liaison, session, colleagues):
    came, stayed_away, waiting = book_each(session, colleagues[:3])
    Booking.objects.filter(pk=waiting.pk).update(status=BookingStatus.WAITLISTED)
    move_into_the_past(session, started_hours_ago=4, lasts_hours=3)  # it has ended too
    client.force_login(police_liaison)
    page = page_text(client.get(url("session_detail", session.pk)))
    assert "Save attendance" in page and f'name="booking-{came.pk}"' in page
    assert f'name="booking-{waiting.pk}"' not in page  # waitlisted people had no place to attend
    data = {f"booking-{came.pk}": "attended", f"booking-{stayed_away.pk}": "no_show"}
    response = client.post(url("attendance", session.pk), data, follow=True)
    assert "Attendance saved for 2 people." in page_text(response)
    assert status_of(came) == BookingStatus.ATTENDED
    assert status_of(stayed_away) == BookingStatus.NO_SHOW
    assert status_of(waiting) == BookingStatus.WAITLISTED
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


@pytest.mark.parametrize("role", ["staff", "university_liaison"])
def test_only_the_provider_marks_attendance(client, personas, session, colleagues, role):
    booking, *_ = book_each(session, colleagues[:1])
    move_into_the_past(session)
    client.force_login(personas[role])
    assert client.post(url("attendance", session.pk), {f"booking-{booking.pk}": "attended"}).status_code == 403
    assert status_of(booking) == BookingStatus.BOOKED


# Who sees whose booking


@pytest.fixture
def other_institution_person(police_force):
    """Staff of a second university in partnership with the same force."""
    other = factories.OrganisationFactory(name="Northbridge Metropolitan University")
    factories.PartnershipFactory(institution=other, police_force=police_force, title="Safer Metropolitan campus")
    return factories.UserFactory(organisation=other, first_name="Oskar", last_name="Lindqvist")


@pytest.fixture
def shared_session(session, colleagues, staff_member, other_institution_person):
    """The session offered to every partner of the force, with people from both universities booked."""
    Session.objects.filter(pk=session.pk).update(offered_to=None, capacity=10)
    session.refresh_from_db()
    book_each(session, [*colleagues[:2], staff_member, other_institution_person])
    return session


def test_staff_member_sees_only_their_own_booking(client, staff_member, shared_session, colleagues):
    client.force_login(staff_member)
    text = page_text(client.get(url("session_detail", shared_session.pk)))
    assert "Your booking" in text and "You have a place." in text
    for other in [*colleagues[:2]]:
        assert shown(other.get_full_name()) not in text
    assert "Lindqvist" not in text
    assert "Save attendance" not in text and "Book someone from" not in text


def test_staff_member_gets_404_on_a_colleagues_booking(client, staff_member, session, colleagues):
    booking, *_ = book_each(session, colleagues[:1])
    client.force_login(staff_member)
    assert client.get(url("booking_cancel", booking.pk)).status_code == 404
    assert client.post(url("booking_cancel", booking.pk)).status_code == 404
    assert status_of(booking) == BookingStatus.BOOKED


def test_university_liaison_sees_their_institutions_bookings_only(
    client, university_liaison, shared_session, colleagues, staff_member
):
    client.force_login(university_liaison)
    text = page_text(client.get(url("session_detail", shared_session.pk)))
    assert "Bookings from University of Northbridge" in text
    for person in [*colleagues[:2], staff_member]:
        assert shown(person.last_name) in text
    assert "Lindqvist" not in text


def test_provider_sees_every_booking_with_the_waitlist_in_order(
    client, police_liaison, shared_session, colleagues, other_institution_person
):
    Session.objects.filter(pk=shared_session.pk).update(capacity=4)
    first, second = book_each(shared_session, colleagues[2:4])
    client.force_login(police_liaison)
    response = client.get(url("session_detail", shared_session.pk))
    text = page_text(response)
    assert "Lindqvist" in text and shown(colleagues[0].last_name) in text
    waitlist = response.context["groups"]["waitlist"]
    assert [(b.pk, b.waitlist_position) for b in waitlist] == [(first.pk, 1), (second.pk, 2)]


def test_liaison_sees_waitlist_positions_counted_among_everyone_and_each_rows_links(
    client, university_liaison, shared_session, colleagues, other_institution_person
):
    """The page numbers the waitlist across every institution, though it lists only the officer's own people."""
    Session.objects.filter(pk=shared_session.pk).update(capacity=4)  # the four booked already
    first = services.book(shared_session, colleagues[2], by=university_liaison)
    stranger = factories.UserFactory(organisation=other_institution_person.organisation, last_name="Stranger")
    services.book(shared_session, stranger, by=stranger)
    third, leaving = (services.book(shared_session, person, by=person) for person in colleagues[3:5])
    services.cancel_booking(leaving, by=colleagues[4])
    client.force_login(university_liaison)
    response = client.get(url("session_detail", shared_session.pk))
    text = page_text(response)
    rows = response.context["groups"]["waitlist"]
    assert [(b.pk, b.waitlist_position) for b in rows] == [(first.pk, 1), (third.pk, 3)]
    assert "<td>3</td>" in text and "Stranger" not in text
    assert f'<td>{shown(colleagues[3].get_full_name())}<div class="small text-body-secondary">' in text
    assert f'href="{url("booking_cancel", third.pk)}">Remove' in text
    local = timezone.localtime(third.created_at)
    assert f'<time datetime="{local.isoformat()}">{local.day} {local:%b %Y, %H:%M}</time>' in text
    assert [b.pk for b in response.context["groups"]["cancelled"]] == [leaving.pk]
    assert f"{shown(colleagues[4].get_full_name())} · University of Northbridge · cancelled" in text


# Liaison officers book their staff


def test_university_liaison_finds_and_books_a_colleague(
    client, university_liaison, session, colleagues, django_capture_on_commit_callbacks
):
    """Without JavaScript: the search form reloads the page with the matches to choose from."""
    colleague = colleagues[0]
    client.force_login(university_liaison)
    page = page_text(client.get(url("session_detail", session.pk), {"colleague": colleague.last_name}))
    assert f'name="attendee" value="{colleague.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("book", session.pk), {"attendee": colleague.pk}, follow=True)
    booking = Booking.objects.get(session=session)
    assert (booking.attendee, booking.booked_by, booking.status) == (
        colleague,
        university_liaison,
        BookingStatus.BOOKED,
    )
    assert shown(f"{colleague.get_full_name()} has a place.") in page_text(response)
    assert [m.to for m in sent_mail()] == [[colleague.email]]
    again = page_text(client.get(url("session_detail", session.pk), {"colleague": colleague.last_name}))
    assert f'name="attendee" value="{colleague.pk}"' not in again


def test_university_liaison_cannot_book_someone_from_another_organisation(
    client, university_liaison, session, outsider, police_liaison
):
    client.force_login(university_liaison)
    for person in (outsider, police_liaison):
        response = client.post(url("book", session.pk), {"attendee": person.pk}, follow=True)
        assert "Choose a person from your institution" in page_text(response)
    assert not Booking.objects.exists()


def test_university_liaison_cannot_book_an_inactive_colleague(client, university_liaison, session, colleagues):
    User.objects.filter(pk=colleagues[0].pk).update(is_active=False)
    client.force_login(university_liaison)
    client.post(url("book", session.pk), {"attendee": colleagues[0].pk})
    assert not Booking.objects.exists()


# Finding a colleague to book: a search that returns a few matches, never the whole staff


def search(client, session, q):
    response = client.get(url("colleague_search", session.pk), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def named(university, first_name, last_name, **fields):
    return factories.UserFactory(organisation=university, first_name=first_name, last_name=last_name, **fields)


def test_session_page_lists_no_colleagues_until_asked(client, university_liaison, session, university):
    client.force_login(university_liaison)
    address = url("session_detail", session.pk)
    before = count_queries(client, address)
    staff = factories.UserFactory.create_batch(50, organisation=university)
    assert count_queries(client, address) == before <= 11
    page = page_text(client.get(address))
    assert 'role="combobox"' not in page  # the script makes the search box a combobox
    assert 'id="colleague-search"' in page and url("colleague_search", session.pk) in page
    for person in staff:
        assert shown(person.get_full_name()) not in page and f'value="{person.pk}"' not in page


def test_colleague_search_returns_at_most_ten_matches(client, university_liaison, session, university):
    for n in range(15):
        named(university, f"Alex{n:02}", "Morgan", job_title="Warden")
    # A surname the factories never make (a random "Priya Patel" once matched "PATEL" in CI).
    named(university, "Sam", "Quennellpatel")
    client.force_login(university_liaison)
    found = search(client, session, "morgan")
    assert len(found["results"]) == 10 and found["more"] is True
    assert found["results"][0]["label"] == "Alex00 Morgan (Warden)"
    assert search(client, session, "Alex03 Morg")["results"] == [
        {"id": User.objects.get(first_name="Alex03").pk, "label": "Alex03 Morgan (Warden)"}
    ]
    patel = search(client, session, "QUENNELLPATEL")
    assert [r["label"] for r in patel["results"]] == ["Sam Quennellpatel"] and patel["more"] is False


def test_colleague_search_finds_by_username_and_email(client, university_liaison, session, university):
    person = named(university, "Jo", "Bloggs", username="jbloggs77", email="jo.b@northbridge.example")
    client.force_login(university_liaison)
    for q in ("jbloggs7", "jo.b@north"):
        assert [r["id"] for r in search(client, session, q)["results"]] == [person.pk]


def test_colleague_search_leaves_out_the_deactivated_the_booked_and_other_organisations(
    client, university_liaison, session, university, outsider, police_liaison
):
    active = named(university, "Robin", "Quill")
    named(university, "Robin", "Quillon", is_active=False)
    booked = named(university, "Robin", "Quillfeather")
    services.book(session, booked, by=booked)
    named(outsider.organisation, "Robin", "Quillby")
    named(police_liaison.organisation, "Robin", "Quillard")
    client.force_login(university_liaison)
    assert [r["id"] for r in search(client, session, "quill")["results"]] == [active.pk]
    page = page_text(client.get(url("session_detail", session.pk), {"colleague": "quill"}))
    assert page.count('name="attendee" value=') == 1 and f'name="attendee" value="{active.pk}"' in page


def test_a_deactivated_colleague_disappears_from_the_search(client, university_liaison, session, colleagues):
    client.force_login(university_liaison)
    person = colleagues[0]
    assert [r["id"] for r in search(client, session, person.username)["results"]] == [person.pk]
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert search(client, session, person.username)["results"] == []


@pytest.mark.parametrize("q", ["", " ", "a", " b ", "x" * 101])
def test_colleague_search_with_a_query_too_short_or_bad_says_so(client, university_liaison, session, colleagues, q):
    client.force_login(university_liaison)
    found = search(client, session, q)
    assert found["results"] == [] and found["more"] is False
    assert found["message"]
    page = page_text(client.get(url("session_detail", session.pk), {"colleague": q}))
    assert 'name="attendee" value=' not in page
    if q.strip():
        assert escape(found["message"]) in page


def test_colleague_search_says_when_nobody_matches(client, university_liaison, session, colleagues):
    client.force_login(university_liaison)
    found = search(client, session, "zzqxj")
    message = "Nobody who is not already booked on this session matches that search."
    assert found == {"results": [], "more": False, "message": message}


def test_colleague_search_is_for_university_liaison_officers(client, personas, session):
    for role in ("staff", "police_liaison", "administrator"):
        client.force_login(personas[role])
        assert client.get(url("colleague_search", session.pk), {"q": "ab"}).status_code == 403


def test_colleague_search_of_a_session_that_has_started_is_refused(client, university_liaison, session, colleagues):
    move_into_the_past(session)
    client.force_login(university_liaison)
    assert client.get(url("colleague_search", session.pk), {"q": colleagues[0].username}).status_code == 403


def test_outsider_gets_404_on_the_colleague_search(client, outsider, session):
    assert_outsider_gets_404(client, url("colleague_search", session.pk) + "?q=ab", outsider)


def test_colleague_search_runs_the_same_queries_however_many_staff(client, university_liaison, session, university):
    named(university, "Kim", "Vance")
    client.force_login(university_liaison)
    assert_fixed_queries(
        client,
        url("colleague_search", session.pk) + "?q=vance",
        lambda: [named(university, f"Kim{n}", "Vance") for n in range(30)],
        budget=7,
    )


def test_colleague_search_takes_wildcards_literally(client, university_liaison, session, university, colleagues):
    person = named(university, "Ann", "100%_Smith")
    client.force_login(university_liaison)
    assert [r["id"] for r in search(client, session, "%_")["results"]] == [person.pk]
    assert search(client, session, "%%")["results"] == []


def test_staff_member_cannot_book_a_colleague(client, staff_member, session, colleagues):
    client.force_login(staff_member)
    assert client.post(url("book", session.pk), {"attendee": colleagues[0].pk}).status_code == 403
    assert not Booking.objects.exists()


def test_provider_does_not_take_a_place_on_its_own_session(client, police_liaison, session):
    client.force_login(police_liaison)
    assert client.post(url("book", session.pk)).status_code == 403
    assert not Booking.objects.exists()


def test_liaison_cancels_a_colleagues_booking_and_returns_to_my_bookings(
    client, university_liaison, session, colleagues
):
    booking, *_ = book_each(session, colleagues[:1])
    client.force_login(university_liaison)
    back = url("my_bookings") + "?tab=organisation"
    confirm = page_text(client.get(url("booking_cancel", booking.pk), {"next": back}))
    assert shown(f"Cancel the booking of {colleagues[0].get_full_name()}?") in confirm
    response = client.post(url("booking_cancel", booking.pk), {"next": back})
    assert response.url == back
    assert status_of(booking) == BookingStatus.CANCELLED


def test_cancel_ignores_a_next_address_on_another_site(client, staff_member, session):
    booking = services.book(session, staff_member, by=staff_member)
    client.force_login(staff_member)
    response = client.post(url("booking_cancel", booking.pk), {"next": "https://evil.example/"})
    assert response.url == session.get_absolute_url()


# Outsiders see nothing


def test_outsider_gets_404_on_every_booking_url(client, outsider, session, staff_member, police_liaison):
    booking = services.book(session, staff_member, by=staff_member)
    move_into_the_past(session)  # so attendance would be accepted from the provider
    urls = [
        (url("session_detail", session.pk), "get"),
        (url("session_ics", session.pk), "get"),
        (url("book", session.pk), "get"),
        (url("book", session.pk), "post"),
        (url("attendance", session.pk), "get"),
        (url("attendance", session.pk), "post"),
        (url("booking_cancel", booking.pk), "get"),
        (url("booking_cancel", booking.pk), "post"),
    ]
    data = {"attendee": outsider.pk, f"booking-{booking.pk}": "no_show"}
    for address, method in urls:
        assert_outsider_gets_404(client, address, outsider, method, data)
    assert list(Booking.objects.values_list("attendee", "status")) == [(staff_member.pk, BookingStatus.BOOKED)]


def test_outsider_sees_no_bookings_in_lists(client, outsider, session, staff_member):
    services.book(session, staff_member, by=staff_member)
    client.force_login(outsider)
    for params in ({}, {"tab": "organisation"}):
        text = page_text(client.get(url("my_bookings"), params))
        assert "Sexual assault awareness" not in text and shown(staff_member.get_full_name()) not in text


# My bookings


def add_session(course, partnership, days):
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue="Library seminar room",
        capacity=20,
        offered_to=partnership,
    )


def test_my_bookings_lists_upcoming_soonest_first_then_past_most_recent_first(
    client, staff_member, course, partnership
):
    days = [30, -40, 3, -2, 10]
    sessions = {d: add_session(course, partnership, d) for d in days}
    for session in sessions.values():
        Booking.objects.create(session=session, attendee=staff_member, status=BookingStatus.BOOKED)
    client.force_login(staff_member)
    response = client.get(url("my_bookings"))
    order = [b.session_id for b in response.context["bookings"]]
    assert order == [sessions[d].pk for d in (3, 10, 30, -2, -40)]
    text = page_text(response)
    assert text.index("Upcoming") < text.index("Past")
    assert text.count("/cancel/") == 3  # past ones cannot be cancelled


def test_my_bookings_shows_waitlist_position_and_filters_by_status(client, staff_member, session, colleagues):
    book_each(session, colleagues)
    services.book(session, staff_member, by=staff_member)
    client.force_login(staff_member)
    text = page_text(client.get(url("my_bookings")))
    assert "Waitlisted: number 1" in text and "Leave the waitlist" in text
    empty = page_text(client.get(url("my_bookings"), {"status": "booked"}))
    assert "No bookings match." in empty


def test_my_bookings_has_an_empty_state(client, staff_member):
    client.force_login(staff_member)
    response = client.get(url("my_bookings"))
    assert "You have no bookings yet." in page_text(response)


def test_university_liaison_has_a_tab_of_their_institutions_bookings(
    client, university_liaison, shared_session, colleagues, staff_member
):
    client.force_login(university_liaison)
    mine = page_text(client.get(url("my_bookings")))
    assert "You have no bookings yet." in mine and "?tab=organisation" in mine
    response = client.get(url("my_bookings"), {"tab": "organisation"})
    text = page_text(response)
    for person in [*colleagues[:2], staff_member]:
        assert shown(person.last_name) in text
    assert "Lindqvist" not in text
    User.objects.filter(pk=staff_member.pk).update(last_name="Featherstonehaugh")
    searched = client.get(url("my_bookings"), {"tab": "organisation", "q": "featherstone"})
    assert [b.attendee for b in searched.context["bookings"]] == [staff_member]


def test_staff_member_has_no_organisation_tab(client, staff_member, shared_session, colleagues):
    client.force_login(staff_member)
    response = client.get(url("my_bookings"), {"tab": "organisation"})
    assert response.context["tab"] == "mine"
    assert [b.attendee for b in response.context["bookings"]] == [staff_member]
    assert shown(colleagues[0].get_full_name()) not in page_text(response)


# Query counts

ROWS = 200


def add_people(organisation, n=ROWS, prefix="bulk"):
    return User.objects.bulk_create(
        User(
            username=f"{prefix}{i}",
            email=f"{prefix}{i}@example.org",
            first_name="Person",
            last_name=f"{prefix.title()} {i}",
            organisation=organisation,
            role=Role.STAFF,
        )
        for i in range(n)
    )


def add_bookings(session, people):
    statuses = [BookingStatus.BOOKED, BookingStatus.WAITLISTED, BookingStatus.CANCELLED]
    Booking.objects.bulk_create(
        Booking(session=session, attendee=person, status=statuses[i % 3], booked_by=person)
        for i, person in enumerate(people)
    )


@pytest.mark.parametrize(("role", "budget"), [("police_liaison", 10), ("university_liaison", 11), ("staff", 9)])
def test_session_page_runs_the_same_queries_with_1_and_200_bookings(
    client, personas, session, staff_member, university, role, budget
):
    services.book(session, staff_member, by=staff_member)
    client.force_login(personas[role])
    assert_fixed_queries(
        client,
        url("session_detail", session.pk),
        lambda: add_bookings(session, add_people(university)),
        budget=budget,
    )


def test_session_page_with_attendance_runs_the_same_queries_with_1_and_200_bookings(
    client, police_liaison, session, staff_member, university
):
    services.book(session, staff_member, by=staff_member)
    move_into_the_past(session)
    client.force_login(police_liaison)
    assert_fixed_queries(
        client,
        url("session_detail", session.pk),
        lambda: add_bookings(session, add_people(university)),
        budget=10,
    )


def add_booked_sessions(course, partnership, people, n=ROWS):
    start = timezone.now().replace(microsecond=0)
    sessions = Session.objects.bulk_create(
        Session(
            course=course,
            starts_at=start + timedelta(days=i - n // 2),
            ends_at=start + timedelta(days=i - n // 2, hours=2),
            venue="Room",
            capacity=10,
            offered_to=partnership,
        )
        for i in range(n)
    )
    Booking.objects.bulk_create(
        Booking(session=session, attendee=people[i % len(people)], status=BookingStatus.BOOKED)
        for i, session in enumerate(sessions)
    )


@pytest.mark.parametrize("tab", ["mine", "organisation"])
def test_my_bookings_runs_the_same_queries_with_1_and_200_bookings(
    client, university_liaison, staff_member, course, partnership, session, tab
):
    services.book(session, university_liaison, by=university_liaison)
    client.force_login(university_liaison)
    address = url("my_bookings") + ("?tab=organisation" if tab == "organisation" else "")
    assert_fixed_queries(
        client,
        address,
        lambda: add_booked_sessions(course, partnership, [university_liaison, staff_member]),
        budget=8,
    )
