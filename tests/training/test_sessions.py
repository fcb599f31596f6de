"""Finding and offering training: the session list, the month calendar, courses, scheduling, cancelling.

The ``session`` fixture starts in a fortnight with 5 places and is offered to the personas'
partnership; sessions made here at fixed dates use 2030, when summer time runs from 31 March to
27 October (UTC+1) and winter time is UTC.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404, sent_mail
from training import services
from training.models import Booking, BookingStatus, Course, Session, SessionStatus

pytestmark = pytest.mark.django_db

LIST = reverse("training:session_list")
COURSES = reverse("training:course_list")
NEW_COURSE = reverse("training:course_create")
NEW_SESSION = reverse("training:session_create")
ROWS = 200


def make_session(course, starts_at, hours=3, **fields):
    fields.setdefault("venue", "Senate House, Room 2")
    fields.setdefault("capacity", 12)
    return Session.objects.create(
        course=course, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields
    )


def fill(session, people):
    return [services.book(session, person, by=person) for person in people]


def session_data(course, **overrides):
    data = {
        "course": course.pk,
        "starts_at": "2030-07-01T10:00",
        "ends_at": "2030-07-01T13:00",
        "venue": "Senate House, Room 2",
        "online_url": "",
        "capacity": "12",
        "trainers": "DS Ruth Adeyemi",
        "offered_to": "",
    }
    data.update(overrides)
    return data


def course_data(**overrides):
    data = {
        "title": "Islamic cultural awareness",
        "description": "Faith, festivals and everyday practice, for staff supporting Muslim students.",
        "audience": "Student support staff",
        "topics": "Ramadan\nPrayer spaces",
        "duration_minutes": "120",
        "refresher_months": "",
    }
    data.update(overrides)
    return data


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def listed(response):
    return [session.pk for session in response.context["sessions"]]


@pytest.fixture(autouse=True)
def _partners(partnership):
    """The personas' university and force are in a live partnership, so open sessions reach the university."""


@pytest.fixture
def other_force_course(db):
    """A course of an unrelated force, which nobody at the personas' university or force sees."""
    force = factories.PoliceForceFactory(name="Southdale Police")
    return Course.objects.create(provider=force, title="County lines awareness")


@pytest.fixture
def other_session(other_force_course):
    return make_session(other_force_course, timezone.now() + timedelta(days=3))


# The session list


def test_staff_member_sees_sessions_offered_to_their_institution(client, staff_member, session, other_session):
    client.force_login(staff_member)
    response = page(client, LIST)
    assert listed(response) == [session.pk]
    html = response.content.decode()
    assert "Sexual assault awareness" in html
    assert "Northbridge Police" in html and "Rape and Serious Crime Unit" in html
    assert "Senate House, Room 2" in html
    assert "5 of 5 places left" in html
    assert session.get_absolute_url() in html
    assert "New session" not in html


def test_session_times_are_shown_in_uk_time(client, staff_member, course):
    summer = make_session(course, datetime(2030, 7, 1, 9, 0, tzinfo=UTC))
    winter = make_session(course, datetime(2030, 1, 15, 9, 0, tzinfo=UTC))
    client.force_login(staff_member)
    html = page(client, LIST).content.decode()
    assert "Mon 1 Jul 2030" in html and "10:00–13:00" in html  # BST
    assert "Tue 15 Jan 2030" in html and "09:00–12:00" in html  # GMT
    assert listed(page(client, LIST)) == [winter.pk, summer.pk]


def test_a_session_ending_on_a_later_uk_day_shows_the_end_day(client, staff_member, course):
    make_session(course, datetime(2030, 7, 1, 22, 0, tzinfo=UTC))  # 23:00 to 02:00, summer time
    client.force_login(staff_member)
    html = page(client, LIST).content.decode()
    assert '<time datetime="2030-07-01T23:00:00+01:00">Mon 1 Jul 2030</time>' in html
    assert "23:00–Tue 2 Jul 02:00" in html


def test_places_left_count_only_people_with_a_place(client, staff_member, session, colleagues):
    fill(session, colleagues[:3])
    services.cancel_booking(Booking.objects.get(attendee=colleagues[0]), by=colleagues[0])
    client.force_login(staff_member)
    assert "3 of 5 places left" in page(client, LIST).content.decode()
    fill(session, [colleagues[0], *colleagues[3:]])
    services.book(session, staff_member, by=staff_member)  # waitlisted
    assert "Full — waitlist" in page(client, LIST).content.decode()


def test_an_online_session_says_online(client, staff_member, course):
    make_session(course, timezone.now() + timedelta(days=2), venue="", online_url="https://meet.example.org/x")
    client.force_login(staff_member)
    response = page(client, LIST)
    assert "Online" in response.content.decode()


def test_police_liaison_sees_their_own_sessions_and_a_new_session_button(client, police_liaison, session):
    client.force_login(police_liaison)
    response = page(client, LIST)
    assert listed(response) == [session.pk]
    assert NEW_SESSION in response.content.decode()


def test_outsider_sees_no_sessions_of_other_organisations(client, outsider, session):
    client.force_login(outsider)
    response = page(client, LIST)
    assert listed(response) == []
    assert "No training sessions are coming up." in response.content.decode()


def test_past_sessions_are_hidden_unless_asked_for(client, staff_member, course, session):
    past = make_session(course, timezone.now() - timedelta(days=3))
    client.force_login(staff_member)
    assert listed(page(client, LIST)) == [session.pk]
    response = page(client, LIST, past="on")
    assert listed(response) == [session.pk, past.pk]  # most recent first
    assert "0 of 12 places taken" in response.content.decode()


def test_cancelled_sessions_stay_listed_with_their_status(client, staff_member, police_liaison, session):
    services.cancel_session(session, by=police_liaison)
    client.force_login(staff_member)
    html = page(client, LIST).content.decode()
    assert "Cancelled" in html and "places left" not in html
    assert '<span class="status-badge status-paused">Cancelled</span>' in html


def test_a_single_place_is_one_place(client, staff_member, session):
    session.capacity = 1
    session.save(update_fields=["capacity"])
    client.force_login(staff_member)
    html = page(client, LIST).content.decode()
    assert "1 of 1 place left" in html
    assert '<span class="status-badge">Scheduled</span>' in html


@pytest.mark.parametrize(("query", "found"), [("assault", True), ("northbridge police", True), ("county", False)])
def test_search_matches_course_title_and_provider(client, staff_member, session, query, found):
    client.force_login(staff_member)
    assert listed(page(client, LIST, q=query)) == ([session.pk] if found else [])


def test_filter_by_course_and_provider(client, administrator, session, other_session):
    client.force_login(administrator)
    assert listed(page(client, LIST)) == [other_session.pk, session.pk]
    assert listed(page(client, LIST, course=session.course_id)) == [session.pk]
    assert listed(page(client, LIST, provider=other_session.course.provider_id)) == [other_session.pk]


def test_date_range_is_read_as_uk_days(client, staff_member, course):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    july_first = make_session(course, datetime(2030, 6, 30, 23, 30, tzinfo=UTC))
    june_thirtieth = make_session(course, datetime(2030, 6, 30, 22, 30, tzinfo=UTC))
    client.force_login(staff_member)
    assert listed(page(client, LIST, date_from="2030-07-01")) == [july_first.pk]
    assert listed(page(client, LIST, date_to="2030-06-30")) == [june_thirtieth.pk]
    assert listed(page(client, LIST, date_from="2030-06-30", date_to="2030-07-01")) == [
        june_thirtieth.pk,
        july_first.pk,
    ]


def test_filter_by_availability(client, staff_member, session, course, colleagues):
    full = make_session(course, timezone.now() + timedelta(days=20), capacity=2)
    fill(full, colleagues[:2])
    client.force_login(staff_member)
    assert listed(page(client, LIST, availability="places")) == [session.pk]
    assert listed(page(client, LIST, availability="waitlist")) == [full.pk]
    assert listed(page(client, LIST, availability="")) == [session.pk, full.pk]


def test_invalid_filters_are_ignored_and_explained(client, staff_member, session):
    client.force_login(staff_member)
    response = page(client, LIST, date_from="2030-02-31", course="nonsense", date_to="yesterday")
    assert listed(response) == [session.pk]
    assert "Some filters could not be used" in response.content.decode()


def test_no_match_offers_to_clear_the_filters(client, staff_member, session):
    client.force_login(staff_member)
    response = page(client, LIST, q="modern slavery")
    assert "No sessions match these filters." in response.content.decode()


def test_session_list_paginates(client, staff_member, course):
    start = timezone.now() + timedelta(days=1)
    Session.objects.bulk_create(
        Session(course=course, starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i + 1), capacity=3)
        for i in range(30)
    )
    client.force_login(staff_member)
    assert len(listed(page(client, LIST))) == 25
    assert len(listed(page(client, LIST, page=2))) == 5


def add_sessions(course, partnership, colleagues, n=ROWS, start=None):
    start = start or timezone.now() + timedelta(days=1)
    sessions = Session.objects.bulk_create(
        Session(
            course=course,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i + 1),
            venue="Room 1",
            capacity=3,
            offered_to=partnership if i % 2 else None,
        )
        for i in range(n)
    )
    Booking.objects.bulk_create(
        Booking(session=s, attendee=person, status=BookingStatus.BOOKED) for s in sessions[:40] for person in colleagues
    )
    return sessions


@pytest.mark.parametrize("role", ["staff", "police_liaison", "administrator"])
def test_session_list_runs_fixed_queries(client, personas, session, partnership, colleagues, role):
    client.force_login(personas[role])
    assert_fixed_queries(client, LIST, lambda: add_sessions(session.course, partnership, colleagues), budget=10)
    filtered = f"{LIST}?q=assault&availability=places&date_from=2020-01-01&past=on&course={session.course_id}"
    assert_fixed_queries(client, filtered, lambda: None, budget=11)


# The month calendar


def calendar_url(year, month):
    return reverse("training:calendar_month", args=[year, month])


def test_calendar_shows_sessions_on_their_uk_day(client, staff_member, course):
    session = make_session(course, datetime(2030, 6, 30, 23, 30, tzinfo=UTC))
    client.force_login(staff_member)
    response = page(client, calendar_url(2030, 7))
    html = response.content.decode()
    assert "<caption>Training sessions in July 2030, Monday to Sunday</caption>" in html
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in html
    assert session.get_absolute_url() in html and "00:30 Sexual assault awareness" in html
    first_week = response.context["weeks"][0]
    assert first_week[0]["date"].isoformat() == "2030-07-01"  # 1 July 2030 is a Monday
    assert [s.pk for s in first_week[0]["sessions"]] == [session.pk]
    assert all(not day["sessions"] for week in response.context["weeks"] for day in week[1:])
    assert page(client, calendar_url(2030, 6)).context["session_count"] == 0


def test_calendar_links_to_the_previous_and_next_months(client, staff_member):
    client.force_login(staff_member)
    html = page(client, calendar_url(2030, 1)).content.decode()
    assert calendar_url(2029, 12) in html and "December 2029" in html
    assert calendar_url(2030, 2) in html and "February 2030" in html


def test_calendar_without_a_month_shows_the_current_one(client, staff_member, session):
    client.force_login(staff_member)
    response = page(client, reverse("training:calendar_month"))
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert 'aria-current="date"' in response.content.decode()


def test_calendar_answers_404_for_a_month_that_does_not_exist(client, staff_member):
    client.force_login(staff_member)
    assert client.get(calendar_url(2030, 13)).status_code == 404
    assert client.get(calendar_url(1066, 10)).status_code == 404


def test_calendar_leaves_out_sessions_the_user_cannot_see(client, outsider, session):
    client.force_login(outsider)
    start = timezone.localtime(session.starts_at)
    response = page(client, calendar_url(start.year, start.month))
    assert response.context["session_count"] == 0
    assert session.get_absolute_url() not in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "police_liaison"])
def test_calendar_runs_fixed_queries(client, personas, session, partnership, colleagues, role):
    start = datetime(2030, 7, 1, 8, 0, tzinfo=UTC)
    make_session(session.course, start, offered_to=partnership)
    client.force_login(personas[role])

    def add_rows():
        add_sessions(session.course, partnership, colleagues, start=start)  # 200 hours: 1 to 9 July

    assert_fixed_queries(client, calendar_url(2030, 7), add_rows, budget=7)


# Courses


def test_course_list_shows_each_course_with_its_next_visible_date(client, staff_member, course, session):
    later = make_session(course, session.starts_at + timedelta(days=7))
    for_others = make_session(course, session.starts_at - timedelta(days=1))
    other = factories.PartnershipFactory(police_force=course.provider)
    Session.objects.filter(pk=for_others.pk).update(offered_to=other)  # for another institution
    client.force_login(staff_member)
    response = page(client, COURSES)
    (listed_course,) = response.context["courses"]
    assert listed_course.next_session_id == session.pk
    assert listed_course.upcoming_count == 2
    html = response.content.decode()
    assert session.get_absolute_url() in html and later.get_absolute_url() not in html
    assert "3 hours" in html and "Refresh every 24 months" in html
    assert NEW_COURSE not in html


def test_course_list_search_and_empty_state(client, staff_member, course, outsider):
    client.force_login(staff_member)
    assert [c.pk for c in page(client, COURSES, q="wardens").context["courses"]] == [course.pk]
    assert "No courses match these filters." in page(client, COURSES, q="drones").content.decode()
    client.force_login(outsider)
    assert "No training courses are on offer" in page(client, COURSES).content.decode()


def test_course_list_runs_fixed_queries(client, police_liaison, course, session, partnership, colleagues):
    client.force_login(police_liaison)

    def add_rows():
        courses = Course.objects.bulk_create(
            Course(provider=course.provider, provider_unit=course.provider_unit, title=f"Course {i}")
            for i in range(ROWS)
        )
        for extra in courses[:20]:
            add_sessions(extra, partnership, colleagues[:1], n=3)

    assert_fixed_queries(client, COURSES, add_rows, budget=9)


def test_police_liaison_offers_a_course_for_their_own_force(client, police_liaison, police_force, unit):
    client.force_login(police_liaison)
    response = client.post(NEW_COURSE, course_data(provider_unit=unit.pk))
    assert response.status_code == 302 and response.url == COURSES
    course = Course.objects.get()
    assert (course.provider, course.provider_unit, course.title) == (police_force, unit, "Islamic cultural awareness")


def test_police_liaison_cannot_name_another_forces_unit_or_provider(client, police_liaison, police_force):
    elsewhere = factories.UnitFactory(name="Their unit")
    client.force_login(police_liaison)
    response = client.post(NEW_COURSE, course_data(provider_unit=elsewhere.pk, provider=elsewhere.organisation_id))
    assert response.status_code == 200 and "provider_unit" in response.context["form"].errors
    assert not Course.objects.exists()


def test_administrator_chooses_the_providing_force(client, administrator, police_force, unit):
    client.force_login(administrator)
    assert client.post(NEW_COURSE, course_data(provider=police_force.pk, provider_unit=unit.pk)).status_code == 302
    assert Course.objects.get().provider == police_force


def test_administrator_cannot_pair_a_unit_with_another_force(client, administrator, police_force):
    elsewhere = factories.UnitFactory(name="Their unit")
    client.force_login(administrator)
    response = client.post(NEW_COURSE, course_data(provider=police_force.pk, provider_unit=elsewhere.pk))
    assert response.context["form"].errors["provider_unit"] == ["Choose a unit of the providing organisation."]
    assert not Course.objects.exists()


def test_a_force_cannot_offer_two_courses_with_one_title(client, police_liaison, course):
    client.force_login(police_liaison)
    response = client.post(NEW_COURSE, course_data(title="sexual assault awareness"))
    assert "already offers a course called" in response.context["form"].errors["title"][0]
    assert Course.objects.count() == 1


def test_police_liaison_edits_their_course(client, police_liaison, course):
    client.force_login(police_liaison)
    url = reverse("training:course_edit", args=[course.pk])
    assert page(client, url).context["form"].instance == course
    response = client.post(url, course_data(title="Responding to disclosures", provider_unit=course.provider_unit_id))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Responding to disclosures"


@pytest.mark.parametrize("role", ["university_liaison", "staff"])
def test_institution_people_may_not_offer_or_edit_courses(client, personas, course, role):
    client.force_login(personas[role])
    edit = reverse("training:course_edit", args=[course.pk])
    assert client.get(NEW_COURSE).status_code == 403
    assert client.post(NEW_COURSE, course_data()).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, course_data(title="Changed")).status_code == 403
    course.refresh_from_db()
    assert course.title == "Sexual assault awareness" and Course.objects.count() == 1


def test_another_forces_officer_gets_404_on_the_course(client, course):
    stranger = factories.PoliceLiaisonFactory()
    assert_outsider_gets_404(client, reverse("training:course_edit", args=[course.pk]), stranger)


# Scheduling sessions


def test_police_liaison_schedules_a_session_in_uk_time(client, police_liaison, course, partnership):
    client.force_login(police_liaison)
    assert page(client, NEW_SESSION, course=course.pk).context["form"].initial["course"] == course
    response = client.post(f"{NEW_SESSION}?course={course.pk}", session_data(course, offered_to=partnership.pk))
    session = Session.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    assert session.starts_at == datetime(2030, 7, 1, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert session.ends_at == datetime(2030, 7, 1, 12, 0, tzinfo=UTC)
    assert (session.offered_to, session.created_by, session.status) == (partnership, police_liaison, "scheduled")


def test_edit_form_shows_times_in_uk_time(client, police_liaison, course):
    session = make_session(course, datetime(2030, 7, 1, 9, 0, tzinfo=UTC))
    client.force_login(police_liaison)
    html = page(client, reverse("training:session_edit", args=[session.pk])).content.decode()
    assert 'type="datetime-local" name="starts_at" value="2030-07-01T10:00"' in html


def test_an_empty_end_time_takes_the_courses_length(client, police_liaison, course):
    client.force_login(police_liaison)
    client.post(NEW_SESSION, session_data(course, ends_at=""))
    session = Session.objects.get()
    assert session.ends_at - session.starts_at == timedelta(minutes=course.duration_minutes)


def test_administrator_schedules_any_forces_course(client, administrator, other_force_course):
    client.force_login(administrator)
    assert client.post(NEW_SESSION, session_data(other_force_course)).status_code == 302
    assert Session.objects.get().course == other_force_course


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-07-01T09:00"}, "ends_at", "The session must end after it starts."),
        (
            {"starts_at": "2020-07-01T10:00", "ends_at": "2020-07-01T13:00"},
            "starts_at",
            "Choose a start time in the future.",
        ),
        ({"venue": "", "online_url": ""}, "venue", "Give a venue, an online link, or both."),
        ({"capacity": "0"}, "capacity", "Offer at least one place."),
        ({"starts_at": "2030-03-31T01:30"}, "starts_at", None),  # the clocks go forward: no such time
    ],
)
def test_bad_session_input_is_refused_with_a_message(client, police_liaison, course, overrides, field, message):
    client.force_login(police_liaison)
    response = client.post(NEW_SESSION, session_data(course, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert message is None or errors == [message]
    assert not Session.objects.exists()


def test_a_session_is_offered_only_to_the_forces_own_partnerships(client, police_liaison, course):
    elsewhere = factories.PartnershipFactory()
    client.force_login(police_liaison)
    response = client.post(NEW_SESSION, session_data(course, offered_to=elsewhere.pk))
    assert "offered_to" in response.context["form"].errors
    assert not Session.objects.exists()


def test_administrator_cannot_offer_a_course_through_another_forces_partnership(
    client, administrator, course, other_force_course
):
    elsewhere = factories.PartnershipFactory(police_force=other_force_course.provider)
    client.force_login(administrator)
    response = client.post(NEW_SESSION, session_data(course, offered_to=elsewhere.pk))
    assert response.context["form"].errors["offered_to"] == [
        "Choose a partnership of Northbridge Police, which provides this course."
    ]
    assert not Session.objects.exists()


def test_police_liaison_cannot_schedule_another_forces_course(client, police_liaison, course, other_force_course):
    client.force_login(police_liaison)
    response = client.post(NEW_SESSION, session_data(other_force_course))
    assert "course" in response.context["form"].errors
    assert client.get(NEW_SESSION, {"course": other_force_course.pk}).status_code == 404
    assert not Session.objects.exists()


@pytest.mark.parametrize("role", ["university_liaison", "staff"])
def test_institution_people_may_not_schedule_sessions(client, personas, course, role):
    client.force_login(personas[role])
    assert client.get(NEW_SESSION).status_code == 403
    assert client.get(NEW_SESSION, {"course": course.pk}).status_code == 403
    assert client.post(f"{NEW_SESSION}?course={course.pk}", session_data(course)).status_code == 403
    assert not Session.objects.exists()


def test_a_course_that_is_not_a_number_is_404(client, police_liaison):
    client.force_login(police_liaison)
    assert client.get(NEW_SESSION, {"course": "abc"}).status_code == 404


# Editing and cancelling


def test_police_liaison_edits_a_session(client, police_liaison, session):
    client.force_login(police_liaison)
    url = reverse("training:session_edit", args=[session.pk])
    start = timezone.localtime(session.starts_at)
    data = session_data(
        session.course,
        starts_at=f"{start:%Y-%m-%dT%H:%M}",
        ends_at=f"{start + timedelta(hours=2):%Y-%m-%dT%H:%M}",
        venue="Library seminar room",
        capacity="8",
        offered_to=session.offered_to_id,
    )
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    session.refresh_from_db()
    assert (session.venue, session.capacity, session.ends_at - session.starts_at) == (
        "Library seminar room",
        8,
        timedelta(hours=2),
    )


def test_more_places_go_to_the_waitlist(client, police_liaison, session, colleagues, staff_member):
    fill(session, colleagues)
    waiting = services.book(session, staff_member, by=staff_member)
    client.force_login(police_liaison)
    start = timezone.localtime(session.starts_at)
    data = session_data(session.course, starts_at=f"{start:%Y-%m-%dT%H:%M}", ends_at="", capacity="6")
    assert client.post(reverse("training:session_edit", args=[session.pk]), data).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.BOOKED


def test_capacity_cannot_go_below_the_people_booked(client, police_liaison, session, colleagues):
    fill(session, colleagues[:4])
    client.force_login(police_liaison)
    start = timezone.localtime(session.starts_at)
    data = session_data(session.course, starts_at=f"{start:%Y-%m-%dT%H:%M}", ends_at="", capacity="3", venue="Moved")
    response = client.post(reverse("training:session_edit", args=[session.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "4 people are booked, so the capacity cannot go below 4. Cancel bookings first."
    ]
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (5, "Senate House, Room 2")


def test_a_session_cannot_be_moved_into_the_past(client, police_liaison, session):
    client.force_login(police_liaison)
    data = session_data(session.course, starts_at="2020-01-01T10:00", ends_at="2020-01-01T12:00")
    response = client.post(reverse("training:session_edit", args=[session.pk]), data)
    assert response.context["form"].errors["starts_at"] == ["Choose a start time in the future."]
    assert Session.objects.get().starts_at == session.starts_at


def test_a_cancelled_session_cannot_be_edited(client, police_liaison, session):
    services.cancel_session(session, by=police_liaison)
    client.force_login(police_liaison)
    response = client.get(reverse("training:session_edit", args=[session.pk]))
    assert response.status_code == 302 and response.url == session.get_absolute_url()


def test_cancel_page_says_who_will_be_told(client, police_liaison, session, colleagues, staff_member):
    fill(session, colleagues)
    services.book(session, staff_member, by=staff_member)
    client.force_login(police_liaison)
    html = page(client, reverse("training:session_cancel", args=[session.pk])).content.decode()
    assert "6 people will be emailed</strong>: 5 with a place and 1 on the waitlist" in html
    assert Session.objects.get().status == SessionStatus.SCHEDULED


def test_cancelling_a_session_tells_everyone_booked(
    client, police_liaison, session, colleagues, django_capture_on_commit_callbacks
):
    fill(session, colleagues[:2])
    sent_mail().clear()
    client.force_login(police_liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:session_cancel", args=[session.pk]), {"reason": "The trainer is unwell"}
        )
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    assert sorted(m.to[0] for m in sent_mail()) == sorted(c.email for c in colleagues[:2])
    assert "The trainer is unwell" in sent_mail()[0].body


def test_a_cancelled_session_cannot_be_cancelled_again(client, police_liaison, session):
    services.cancel_session(session, by=police_liaison)
    client.force_login(police_liaison)
    url = reverse("training:session_cancel", args=[session.pk])
    assert "so it cannot be cancelled" in page(client, url).content.decode()
    response = client.post(url, {})
    assert response.context["form"].non_field_errors() == ["Only a scheduled session can be cancelled."]


@pytest.mark.parametrize("role", ["university_liaison", "staff"])
def test_institution_people_see_the_session_but_may_not_change_it(client, personas, session, role):
    client.force_login(personas[role])
    for name in ("session_edit", "session_cancel"):
        url = reverse(f"training:{name}", args=[session.pk])
        assert client.get(url).status_code == 403, name
        assert client.post(url, session_data(session.course, capacity="50")).status_code == 403, name
    session.refresh_from_db()
    assert (session.capacity, session.status) == (5, SessionStatus.SCHEDULED)


def test_administrator_opens_every_management_page(client, administrator, session, course):
    client.force_login(administrator)
    for url in (
        NEW_COURSE,
        NEW_SESSION,
        f"{NEW_SESSION}?course={course.pk}",
        reverse("training:course_edit", args=[course.pk]),
        reverse("training:session_edit", args=[session.pk]),
        reverse("training:session_cancel", args=[session.pk]),
    ):
        assert client.get(url).status_code == 200, url


# Outsiders


def test_outsider_gets_404_on_every_session_and_course_url(client, outsider, session, course):
    data = session_data(course, capacity="50")
    for url in (
        reverse("training:course_edit", args=[course.pk]),
        f"{NEW_SESSION}?course={course.pk}",
        reverse("training:session_edit", args=[session.pk]),
        reverse("training:session_cancel", args=[session.pk]),
    ):
        assert_outsider_gets_404(client, url, outsider)
        assert_outsider_gets_404(client, url, outsider, "post", data)
    session.refresh_from_db()
    assert (session.capacity, session.status) == (5, SessionStatus.SCHEDULED)
    assert Session.objects.count() == 1 and Course.objects.get().title == "Sexual assault awareness"


def test_another_forces_officer_gets_404_on_the_session(client, session):
    stranger = factories.PoliceLiaisonFactory()
    for name in ("session_edit", "session_cancel"):
        url = reverse(f"training:{name}", args=[session.pk])
        assert_outsider_gets_404(client, url, stranger)
        assert_outsider_gets_404(client, url, stranger, "post", {"reason": "x"})
    assert Session.objects.get().status == SessionStatus.SCHEDULED
