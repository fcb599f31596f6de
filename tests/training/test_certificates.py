"""Certificates of attendance, attendees' feedback and the provider's summary of it."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404
from training import certificates, services
from training.models import Booking, BookingStatus, Feedback, Session

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the certificate must say 1 July.
HELD_AT = datetime(2024, 7, 1, 0, 30, tzinfo=LONDON)


def url(name, *args):
    return reverse(f"training:{name}", args=args)


def hold_in_the_past(session):
    Session.objects.filter(pk=session.pk).update(starts_at=HELD_AT, ends_at=HELD_AT + timedelta(hours=3))
    session.refresh_from_db()


def attend(session, people, police_liaison):
    """Book each person, hold the session in the past and mark them as attended."""
    bookings = [services.book(session, person, by=person) for person in people]
    hold_in_the_past(session)
    return [services.mark_attendance(booking, attended=True, by=police_liaison) for booking in bookings]


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def attended(session, staff_member, police_liaison):
    staff_member.first_name, staff_member.last_name = "Hannah", "O'Connor"
    staff_member.save(update_fields=["first_name", "last_name"])
    return attend(session, [staff_member], police_liaison)[0]


# The certificate


def test_attendee_downloads_a_one_page_certificate_naming_attendee_course_date_and_provider(
    client, staff_member, attended
):
    client.force_login(staff_member)

    response = client.get(url("certificate", attended.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert (
        response["Content-Disposition"] == 'attachment; filename="certificate-sexual-assault-awareness-2024-07-01.pdf"'
    )
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = pdf_text(response.content)
    for expected in [
        "Certificate of attendance",
        "Hannah O'Connor",
        "Sexual assault awareness",
        "Monday 1 July 2024",
        "3 hours",
        "Northbridge Police",
        "Rape and Serious Crime Unit",
        "DS Ruth Adeyemi",
        f"TRN-{attended.session_id}-{attended.pk}",
    ]:
        assert expected in text, expected


def test_markup_in_the_course_title_is_printed_as_text(client, staff_member, attended, course):
    course.title = "Consent <script>alert(1)</script> & <b>boundaries</b>"
    course.save(update_fields=["title"])
    client.force_login(staff_member)

    response = client.get(url("certificate", attended.pk))

    text = pdf_text(response.content)
    assert "Consent <script>alert(1)</script> & <b>boundaries</b>" in text
    assert (
        'filename="certificate-consent-scriptalert1script-bboundariesb-2024-07-01.pdf"'
        in (response["Content-Disposition"])
    )


@pytest.mark.parametrize("role", ["university_liaison", "police_liaison", "administrator"])
def test_liaison_officers_and_administrators_in_scope_download_the_certificate(client, personas, attended, role):
    client.force_login(personas[role])

    assert client.get(url("certificate", attended.pk)).status_code == 200


def test_booking_not_attended_has_no_certificate(client, staff_member, session, police_liaison):
    booking = services.book(session, staff_member, by=staff_member)
    client.force_login(staff_member)

    response = client.get(url("certificate", booking.pk))
    assert response.status_code == 404
    assert "No certificate for this booking" in response.content.decode()

    hold_in_the_past(session)
    services.mark_attendance(booking, attended=False, by=police_liaison)
    assert client.get(url("certificate", booking.pk)).status_code == 404


def test_staff_member_gets_404_on_a_colleagues_certificate(client, staff_member, session, colleagues, police_liaison):
    colleague_booking = attend(session, colleagues[:1], police_liaison)[0]
    client.force_login(staff_member)

    assert client.get(url("certificate", colleague_booking.pk)).status_code == 404


def test_outsider_gets_404_on_certificate(client, attended, outsider):
    assert_outsider_gets_404(client, url("certificate", attended.pk), outsider)


# Feedback


def test_attendee_gives_feedback_once_and_then_sees_what_they_gave(client, staff_member, attended):
    client.force_login(staff_member)
    feedback_url = url("feedback", attended.pk)
    assert 'name="rating"' in client.get(feedback_url).content.decode()

    response = client.post(feedback_url, {"rating": "4", "confidence": "5", "comments": "Clear <b>and</b> practical."})
    assert response.status_code == 302
    second = client.post(feedback_url, {"rating": "1", "confidence": "1", "comments": "Changed my mind"}, follow=True)

    feedback = Feedback.objects.get(booking=attended)
    assert (feedback.rating, feedback.confidence, feedback.comments) == (4, 5, "Clear <b>and</b> practical.")
    assert Feedback.objects.count() == 1
    page = second.content.decode()
    assert "You have already given feedback on this session" in page
    assert "4 out of 5" in page and "Strongly agree" in page
    assert "Clear &lt;b&gt;and&lt;/b&gt; practical." in page
    assert 'name="rating"' not in page


def test_feedback_with_a_rating_out_of_range_is_refused(client, staff_member, attended):
    client.force_login(staff_member)

    response = client.post(url("feedback", attended.pk), {"rating": "9", "confidence": "3"})

    assert response.status_code == 200
    assert not Feedback.objects.exists()


def test_give_feedback_service_refuses_a_second_response(staff_member, attended):
    certificates.give_feedback(attended, by=staff_member, rating=5, confidence=4)

    with pytest.raises(ValidationError, match="already given feedback"):
        certificates.give_feedback(attended, by=staff_member, rating=1, confidence=1)


def test_only_the_attendee_gives_feedback(client, university_liaison, police_liaison, attended):
    for user in (university_liaison, police_liaison):
        client.force_login(user)
        assert client.get(url("feedback", attended.pk)).status_code == 403
        assert client.post(url("feedback", attended.pk), {"rating": "1", "confidence": "1"}).status_code == 403
    assert not Feedback.objects.exists()


def test_no_feedback_on_a_session_not_attended(client, staff_member, session):
    booking = services.book(session, staff_member, by=staff_member)
    client.force_login(staff_member)

    assert client.get(url("feedback", booking.pk)).status_code == 404
    assert client.post(url("feedback", booking.pk), {"rating": "5", "confidence": "5"}).status_code == 404


def test_staff_member_gets_404_on_a_colleagues_feedback(client, staff_member, session, colleagues, police_liaison):
    colleague_booking = attend(session, colleagues[:1], police_liaison)[0]
    client.force_login(staff_member)

    assert client.get(url("feedback", colleague_booking.pk)).status_code == 404


def test_outsider_gets_404_on_feedback(client, attended, outsider):
    assert_outsider_gets_404(client, url("feedback", attended.pk), outsider)
    assert_outsider_gets_404(client, url("feedback", attended.pk), outsider, "post", {"rating": "1", "confidence": "1"})
    assert not Feedback.objects.exists()


def test_attended_booking_links_to_certificate_and_feedback(client, staff_member, attended):
    client.force_login(staff_member)

    for page in (url("session_detail", attended.session_id), url("my_bookings")):
        text = client.get(page).content.decode()
        assert url("certificate", attended.pk) in text, page
        assert url("feedback", attended.pk) in text, page


# The provider's summary


def give(booking, rating, confidence, comments=""):
    return Feedback.objects.create(booking=booking, rating=rating, confidence=confidence, comments=comments)


def test_provider_sees_numbers_distribution_and_comments_without_names(
    client, police_liaison, session, colleagues, course
):
    # Names no one else on the page can have (the factories' random names once gave an attendee
    # the viewer's surname, shown in the header).
    for n, person in enumerate(colleagues[:3]):
        person.last_name, person.username = f"Attendeesurname{n}", f"attendee.username.{n}"
        person.save(update_fields=["last_name", "username"])
    bookings = attend(session, colleagues[:3], police_liaison)
    give(bookings[0], 5, 4, "Very useful, thank you.")
    give(bookings[1], 4, 4)
    give(bookings[2], 2, 1, "Too <i>fast</i>.")
    client.force_login(police_liaison)

    response = client.get(url("course_feedback", course.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["total"] == 3
    assert response.context["rating_average"] == pytest.approx(11 / 3)
    assert response.context["confidence_average"] == pytest.approx(3)
    rating_rows = {row["value"]: row["count"] for row in response.context["distributions"][0]["rows"]}
    assert rating_rows == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    assert "3.7 out of 5" in page and "3.0 out of 5" in page
    assert "Very useful, thank you." in page and "Too &lt;i&gt;fast&lt;/i&gt;." in page
    for person in colleagues[:3]:
        assert person.last_name not in page and person.username not in page


def test_course_without_feedback_shows_an_empty_state(client, police_liaison, course):
    client.force_login(police_liaison)

    response = client.get(url("course_feedback", course.pk))

    assert 'data-testid="empty-state"' in response.content.decode()


@pytest.mark.parametrize("role", ["university_liaison", "staff"])
def test_only_the_provider_and_administrators_see_course_feedback(client, personas, course, partnership, role):
    client.force_login(personas[role])

    assert client.get(url("course_feedback", course.pk)).status_code == 403


def test_administrator_sees_course_feedback(client, administrator, course):
    client.force_login(administrator)

    assert client.get(url("course_feedback", course.pk)).status_code == 200


def test_outsider_gets_404_on_course_feedback(client, course, outsider):
    assert_outsider_gets_404(client, url("course_feedback", course.pk), outsider)


def test_course_feedback_runs_the_same_queries_with_1_and_50_responses(
    client, police_liaison, session, staff_member, university, course
):
    give(attend(session, [staff_member], police_liaison)[0], 5, 5, "First")
    client.force_login(police_liaison)

    def add_rows():
        for person in factories.UserFactory.create_batch(49, organisation=university):
            booking = Booking.objects.create(session=session, attendee=person, status=BookingStatus.ATTENDED)
            give(booking, 3, 4, f"Comment from {person.pk}")

    assert_fixed_queries(client, url("course_feedback", course.pk), add_rows, budget=11)
