"""The booking rules, through the services every change to a place goes through.

The session fixture starts in a fortnight with 5 places; ``colleagues`` are five staff members
of the university, so booking them fills it.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests import factories
from tests.helpers import sent_mail
from training import services
from training.models import Booking, BookingStatus, Session, SessionStatus

pytestmark = pytest.mark.django_db


def fill(session, people):
    return [services.book(session, person, by=person) for person in people]


def move(session, *, start):
    """Move the session in the database (the form refuses dates in the past), keeping 3 hours."""
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    session.refresh_from_db()


def started(session):
    move(session, start=timezone.now() - timedelta(hours=1))


def finished(session):
    move(session, start=timezone.now() - timedelta(days=1))


def statuses(session):
    return {b.attendee.username: b.status for b in Booking.objects.filter(session=session).select_related("attendee")}


def subjects_to(address):
    return [message.subject for message in sent_mail() if address in message.to]


# Booking and the waitlist


def test_booking_until_full_then_waitlist(session, colleagues, staff_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booked = fill(session, colleagues)
        waitlisted = services.book(session, staff_member, by=staff_member)

    assert [b.status for b in booked] == [BookingStatus.BOOKED] * 5
    assert waitlisted.status == BookingStatus.WAITLISTED
    assert services.places_taken(session) == 5
    assert len(sent_mail()) == 6
    assert subjects_to(colleagues[0].email) == [
        f"Booked: Sexual assault awareness, {timezone.localtime(session.starts_at):%-d %b %Y}"
    ]
    assert subjects_to(staff_member.email)[0].startswith("On the waitlist: Sexual assault awareness")


def test_a_university_liaison_books_staff_of_their_own_institution(session, staff_member, university_liaison):
    booking = services.book(session, staff_member, by=university_liaison)

    assert booking.status == BookingStatus.BOOKED
    assert booking.attendee == staff_member and booking.booked_by == university_liaison


def test_no_email_is_sent_when_the_booking_is_rolled_back(session, staff_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.book(session, staff_member, by=staff_member)
        raise RuntimeError("the request failed after booking")

    assert not Booking.objects.exists()
    assert sent_mail() == []


# Cancelling a booking


def test_cancelling_promotes_the_first_waitlisted_and_emails_them(
    session, colleagues, staff_member, university_liaison, django_capture_on_commit_callbacks
):
    booked = fill(session, colleagues)
    first = services.book(session, staff_member, by=staff_member)
    second = services.book(session, university_liaison, by=university_liaison)
    sent_mail().clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_booking(booked[2], by=colleagues[2])

    assert promoted == [first]
    first.refresh_from_db()
    second.refresh_from_db()
    booked[2].refresh_from_db()
    assert booked[2].status == BookingStatus.CANCELLED
    assert first.status == BookingStatus.BOOKED
    assert second.status == BookingStatus.WAITLISTED
    assert services.places_taken(session) == 5
    # The canceller's receipt, then the place given to the first on the waitlist.
    assert [m.to for m in sent_mail()] == [[colleagues[2].email], [staff_member.email]]
    assert sent_mail()[0].subject.startswith("Booking cancelled: Sexual assault awareness")
    assert sent_mail()[1].subject.startswith("A place has come free: Sexual assault awareness")


def test_cancelling_with_nobody_waiting_frees_the_place(session, colleagues, staff_member):
    booked = fill(session, colleagues)

    assert services.cancel_booking(booked[0], by=colleagues[0]) == []
    assert services.places_taken(session) == 4
    assert services.book(session, staff_member, by=staff_member).status == BookingStatus.BOOKED


def test_cancelling_twice_changes_nothing_the_second_time(session, colleagues, staff_member):
    booked = fill(session, colleagues)
    services.book(session, staff_member, by=staff_member)
    services.cancel_booking(booked[0], by=colleagues[0])

    assert services.cancel_booking(booked[0], by=colleagues[0]) == []
    assert services.places_taken(session) == 5


def test_a_cancelled_person_may_book_again(session, staff_member):
    booking = services.book(session, staff_member, by=staff_member)
    services.cancel_booking(booking, by=staff_member)

    again = services.book(session, staff_member, by=staff_member)

    assert again.pk != booking.pk and again.status == BookingStatus.BOOKED


def test_a_staff_member_cannot_cancel_someone_elses_booking(session, colleagues, staff_member):
    booking = services.book(session, colleagues[0], by=colleagues[0])

    with pytest.raises(ValidationError):
        services.cancel_booking(booking, by=staff_member)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_the_liaison_officers_may_cancel_a_booking(session, colleagues, university_liaison, police_liaison):
    first, second = fill(session, colleagues[:2])

    services.cancel_booking(first, by=university_liaison)
    services.cancel_booking(second, by=police_liaison)

    assert set(statuses(session).values()) == {BookingStatus.CANCELLED}


def test_nobody_cancels_once_the_session_has_started(session, staff_member, police_liaison):
    booking = services.book(session, staff_member, by=staff_member)
    started(session)

    for user in (staff_member, police_liaison):
        with pytest.raises(ValidationError):
            services.cancel_booking(booking, by=user)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


# Cancelling a whole session


def test_cancelling_a_session_emails_everyone_with_a_place_and_cancels_their_bookings(
    session, colleagues, staff_member, university_liaison, police_liaison, django_capture_on_commit_callbacks
):
    booked = fill(session, colleagues)
    services.book(session, staff_member, by=staff_member)  # waitlisted
    services.cancel_booking(booked[0], by=colleagues[0])  # promotes staff_member; told already
    services.book(session, university_liaison, by=university_liaison)  # waitlisted
    sent_mail().clear()

    with django_capture_on_commit_callbacks(execute=True):
        told = services.cancel_session(session, by=police_liaison, reason="The trainer is ill.")

    assert told == 6
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert set(statuses(session).values()) == {BookingStatus.CANCELLED}
    expected = {person.email for person in [*colleagues[1:], staff_member, university_liaison]}
    assert sorted(address for m in sent_mail() for address in m.to) == sorted(expected)
    assert colleagues[0].email not in {address for m in sent_mail() for address in m.to}
    assert all(m.subject.startswith("Cancelled: Sexual assault awareness") for m in sent_mail())
    assert all("Reason: The trainer is ill." in m.body for m in sent_mail())
    (waitlisted_email,) = [m for m in sent_mail() if m.to == [university_liaison.email]]
    assert "Your booking is cancelled." in waitlisted_email.body
    (booked_email,) = [m for m in sent_mail() if m.to == [staff_member.email]]
    assert "Your booking is cancelled." in booked_email.body


def test_only_the_provider_cancels_a_session(session, staff_member, university_liaison, outsider):
    booking = services.book(session, staff_member, by=staff_member)

    for user in (staff_member, university_liaison, outsider):
        with pytest.raises(ValidationError):
            services.cancel_session(session, by=user)

    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert booking.status == BookingStatus.BOOKED


def test_a_cancelled_session_cannot_be_cancelled_again(session, police_liaison):
    services.cancel_session(session, by=police_liaison)

    with pytest.raises(ValidationError):
        services.cancel_session(session, by=police_liaison)


# Bad input is refused and changes nothing


def test_a_session_in_the_past_cannot_be_booked(session, staff_member, django_capture_on_commit_callbacks):
    move(session, start=timezone.now() - timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="already started"):
        services.book(session, staff_member, by=staff_member)

    assert not Booking.objects.exists()
    assert sent_mail() == []


def test_a_session_that_has_started_cannot_be_booked(session, staff_member):
    started(session)

    with pytest.raises(ValidationError, match="already started"):
        services.book(session, staff_member, by=staff_member)

    assert not Booking.objects.exists()


def test_a_cancelled_session_cannot_be_booked(session, staff_member, police_liaison):
    services.cancel_session(session, by=police_liaison)

    with pytest.raises(ValidationError, match="cancelled"):
        services.book(session, staff_member, by=staff_member)

    assert not Booking.objects.exists()


def test_the_same_person_cannot_book_twice(session, staff_member, university_liaison):
    first = services.book(session, staff_member, by=staff_member)

    for by in (staff_member, university_liaison):
        with pytest.raises(ValidationError, match="already booked"):
            services.book(session, staff_member, by=by)

    assert list(Booking.objects.all()) == [first]


def test_a_waitlisted_person_cannot_book_again(session, colleagues, staff_member):
    fill(session, colleagues)
    services.book(session, staff_member, by=staff_member)

    with pytest.raises(ValidationError, match="already booked"):
        services.book(session, staff_member, by=staff_member)

    assert Booking.objects.filter(attendee=staff_member).count() == 1


def test_a_university_liaison_cannot_book_someone_of_another_organisation(session, university_liaison):
    stranger = factories.UserFactory(organisation=factories.OrganisationFactory(name="Elsewhere College"))

    with pytest.raises(ValidationError, match="own institution"):
        services.book(session, stranger, by=university_liaison)

    assert not Booking.objects.exists()


def test_a_staff_member_cannot_book_a_colleague(session, staff_member, colleagues):
    with pytest.raises(ValidationError):
        services.book(session, colleagues[0], by=staff_member)

    assert not Booking.objects.exists()


def test_attendance_cannot_be_marked_before_the_start(session, staff_member, police_liaison):
    booking = services.book(session, staff_member, by=staff_member)

    with pytest.raises(ValidationError, match="once the session has started"):
        services.mark_attendance(booking, attended=True, by=police_liaison)

    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert session.status == SessionStatus.SCHEDULED


def test_attendance_cannot_be_marked_on_a_waitlisted_booking(session, colleagues, staff_member, police_liaison):
    fill(session, colleagues)
    waitlisted = services.book(session, staff_member, by=staff_member)
    finished(session)

    with pytest.raises(ValidationError, match="Only people with a place"):
        services.mark_attendance(waitlisted, attended=True, by=police_liaison)

    waitlisted.refresh_from_db()
    session.refresh_from_db()
    assert waitlisted.status == BookingStatus.WAITLISTED
    assert session.status == SessionStatus.SCHEDULED


def test_only_the_provider_marks_attendance(session, staff_member, university_liaison, outsider):
    booking = services.book(session, staff_member, by=staff_member)
    started(session)

    for user in (staff_member, university_liaison, outsider):
        with pytest.raises(ValidationError, match="Only the provider"):
            services.mark_attendance(booking, attended=True, by=user)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_capacity_cannot_go_below_the_places_taken(session, colleagues, police_liaison):
    fill(session, colleagues)
    session.capacity = 3
    session.venue = "Somewhere else"

    with pytest.raises(ValidationError) as refused:
        services.update_session(session, by=police_liaison)

    assert "capacity" in refused.value.message_dict
    session.refresh_from_db()
    assert session.capacity == 5 and session.venue == "Senate House, Room 2"
    assert services.places_taken(session) == 5


def test_only_the_provider_changes_a_session(session, staff_member, university_liaison, outsider):
    for user in (staff_member, university_liaison, outsider):
        session.refresh_from_db()
        session.capacity = 12
        with pytest.raises(ValidationError):
            services.update_session(session, by=user)

    session.refresh_from_db()
    assert session.capacity == 5


def test_capacity_may_go_down_to_the_places_taken(session, colleagues, police_liaison):
    fill(session, colleagues[:3])
    session.capacity = 3

    services.update_session(session, by=police_liaison)

    session.refresh_from_db()
    assert session.capacity == 3


# Capacity and attendance


def test_raising_capacity_promotes_from_the_waitlist(
    session, colleagues, staff_member, university_liaison, police_liaison, django_capture_on_commit_callbacks
):
    fill(session, colleagues)
    first = services.book(session, staff_member, by=staff_member)
    second = services.book(session, university_liaison, by=university_liaison)
    sent_mail().clear()
    session.capacity = 6

    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(session, by=police_liaison)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.BOOKED
    assert second.status == BookingStatus.WAITLISTED
    assert [m.to for m in sent_mail()] == [[staff_member.email]]
    assert sent_mail()[0].subject.startswith("A place has come free")


def test_raising_capacity_beyond_the_waitlist_promotes_everyone(session, colleagues, staff_member, police_liaison):
    fill(session, colleagues)
    waitlisted = services.book(session, staff_member, by=staff_member)
    session.capacity = 10

    services.update_session(session, by=police_liaison)

    waitlisted.refresh_from_db()
    assert waitlisted.status == BookingStatus.BOOKED
    assert services.places_taken(session) == 6


def test_marking_attendance_after_the_end_completes_the_session(session, colleagues, police_liaison):
    present, absent = fill(session, colleagues[:2])
    finished(session)

    services.mark_attendance(present, attended=True, by=police_liaison)
    services.mark_attendance(absent, attended=False, by=police_liaison)

    present.refresh_from_db()
    absent.refresh_from_db()
    session.refresh_from_db()
    assert present.status == BookingStatus.ATTENDED
    assert absent.status == BookingStatus.NO_SHOW
    assert session.status == SessionStatus.COMPLETED


def test_marking_attendance_during_the_session_does_not_complete_it(session, staff_member, police_liaison):
    booking = services.book(session, staff_member, by=staff_member)
    started(session)

    services.mark_attendance(booking, attended=True, by=police_liaison)

    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert session.status == SessionStatus.SCHEDULED


def test_an_administrator_may_mark_attendance(session, staff_member, administrator):
    booking = services.book(session, staff_member, by=staff_member)
    finished(session)

    services.mark_attendance(booking, attended=False, by=administrator)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


# The database has the last word


def test_the_database_refuses_a_second_live_booking_for_the_same_person(session, staff_member):
    Booking.objects.create(session=session, attendee=staff_member, status=BookingStatus.BOOKED)

    for status in (BookingStatus.BOOKED, BookingStatus.WAITLISTED, BookingStatus.ATTENDED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(session=session, attendee=staff_member, status=status)

    assert Booking.objects.filter(session=session, attendee=staff_member).count() == 1


def test_the_database_allows_a_live_booking_beside_cancelled_ones(session, staff_member):
    for _ in range(2):
        Booking.objects.create(session=session, attendee=staff_member, status=BookingStatus.CANCELLED)

    Booking.objects.create(session=session, attendee=staff_member, status=BookingStatus.BOOKED)

    assert Booking.objects.filter(session=session, attendee=staff_member).count() == 3


def test_an_edit_made_from_a_stale_copy_does_not_undo_a_cancellation(session, colleagues, police_liaison):
    fill(session, colleagues[:2])
    edited = Session.objects.get(pk=session.pk)  # the edit form loads the session...
    services.cancel_session(session, by=police_liaison)  # ...meanwhile someone cancels it
    edited.trainers = "PC Sam Lee"

    services.update_session(edited, by=police_liaison)

    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_an_edit_made_from_a_stale_copy_does_not_undo_completion(session, staff_member, police_liaison):
    booking = services.book(session, staff_member, by=staff_member)
    finished(session)
    edited = Session.objects.get(pk=session.pk)
    services.mark_attendance(booking, attended=True, by=police_liaison)  # completes the session
    edited.venue = "Senate House, Room 3"

    services.update_session(edited, by=police_liaison)

    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
