"""Many people booking and cancelling at the same moment never overfill a session.

Each job runs in a thread of its own, so with its own database connection, and a barrier
releases them all together. On PostgreSQL the services' row lock on the session serves them
one after the other. SQLite serialises the writes with its database lock, and a transaction
that cannot take the write lock fails with "database is locked" (it has already read under a
deferred BEGIN, so waiting could deadlock): that is a refusal, not a wrong answer, so the job
retries the whole service call, as a person would press the button again.
"""

import random
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from tests import factories
from tests.helpers import sent_mail
from training import services
from training.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60  # seconds; a job still running by then is a hang, and fails the test


def retry_while_sqlite_is_locked(job):
    deadline = time.monotonic() + TIMEOUT / 2
    while True:
        try:
            return job()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.001, 0.02))


def run_together(jobs):
    """Run every job at once, each in its own thread; return what each returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            connection.ensure_connection()  # connect before the barrier, so the jobs really collide
            barrier.wait(timeout=TIMEOUT)
            outcomes[index] = retry_while_sqlite_is_locked(job)
        except Exception as error:  # handed to the test thread, which asserts on it
            outcomes[index] = error
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT
    for thread in threads:
        thread.join(timeout=max(0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a job was still running after the time limit"
    return outcomes


def booking_job(session, person):
    return lambda: services.book(session, person, by=person)


def cancelling_job(booking):
    return lambda: services.cancel_booking(booking, by=booking.attendee)


def bookings_in_creation_order(session):
    # The primary key is taken at INSERT, inside the locked transaction: it is the order served.
    return list(Booking.objects.filter(session=session).order_by("pk"))


def waitlist(session):
    """The waitlist as the services read it when promoting."""
    return list(session.bookings.filter(status=BookingStatus.WAITLISTED).order_by("created_at", "pk"))


def assert_no_errors(outcomes):
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert errors == []


def test_twenty_four_people_booking_five_places_at_once(session, university):
    people = factories.UserFactory.create_batch(24, organisation=university)

    outcomes = run_together([booking_job(session, person) for person in people])

    assert_no_errors(outcomes)
    bookings = bookings_in_creation_order(session)
    assert len(bookings) == 24
    assert {b.attendee_id for b in bookings} == {p.pk for p in people}
    # The first five served got the places; everyone after them is waitlisted, in the order served.
    assert [b.status for b in bookings] == [BookingStatus.BOOKED] * 5 + [BookingStatus.WAITLISTED] * 19
    assert waitlist(session) == bookings[5:]
    assert [b.created_at for b in bookings] == sorted(b.created_at for b in bookings)
    assert services.places_taken(session) == 5
    # What each person was told matches what was stored.
    stored = {b.pk: b.status for b in bookings}
    assert all(outcome.status == stored[outcome.pk] for outcome in outcomes)
    subjects = [message.subject.split(":")[0] for message in sent_mail()]
    assert sorted(subjects) == sorted(["Booked"] * 5 + ["On the waitlist"] * 19)


def test_cancelling_and_booking_at_once_keeps_the_session_full_and_promotes_in_order(session, colleagues, university):
    booked = [services.book(session, person, by=person) for person in colleagues]
    waiting = [
        services.book(session, person, by=person)
        for person in factories.UserFactory.create_batch(10, organisation=university)
    ]
    newcomers = factories.UserFactory.create_batch(5, organisation=university)
    assert [b.status for b in waiting] == [BookingStatus.WAITLISTED] * 10

    jobs = [cancelling_job(booking) for booking in booked] + [booking_job(session, person) for person in newcomers]
    outcomes = run_together(jobs)

    assert_no_errors(outcomes)
    assert services.places_taken(session) == 5
    # Each cancellation freed one place and gave it to one person: the first five waiting.
    promoted = [booking for promotions in outcomes[:5] for booking in promotions]
    assert sorted(b.pk for b in promoted) == [b.pk for b in waiting[:5]]
    # ...and in the order they had been waiting.
    promoted = Booking.objects.filter(pk__in=[b.pk for b in promoted]).order_by("updated_at", "pk")
    assert list(promoted) == waiting[:5]
    statuses = {b.pk: b.status for b in Booking.objects.filter(session=session)}
    assert {statuses[b.pk] for b in booked} == {BookingStatus.CANCELLED}
    assert {statuses[b.pk] for b in waiting[:5]} == {BookingStatus.BOOKED}
    # The newcomers found the session full, and queue behind those already waiting.
    assert [b.status for b in outcomes[5:]] == [BookingStatus.WAITLISTED] * 5
    assert waitlist(session)[:5] == waiting[5:]
    assert {b.pk for b in waitlist(session)[5:]} == {b.pk for b in outcomes[5:]}


def test_places_freed_at_once_go_to_the_waitlist_first_then_to_newcomers(session, colleagues, university):
    booked = [services.book(session, person, by=person) for person in colleagues]
    waiting = [
        services.book(session, person, by=person)
        for person in factories.UserFactory.create_batch(2, organisation=university)
    ]
    newcomers = factories.UserFactory.create_batch(5, organisation=university)

    jobs = [cancelling_job(booking) for booking in booked] + [booking_job(session, person) for person in newcomers]
    outcomes = run_together(jobs)

    assert_no_errors(outcomes)
    # 7 people remain for 5 places: never more than the capacity, and no free place while anyone waits.
    live = Booking.objects.filter(session=session).exclude(status=BookingStatus.CANCELLED)
    assert live.count() == 7
    assert services.places_taken(session) == 5
    assert live.filter(status=BookingStatus.WAITLISTED).count() == 2
    # Those who were waiting before the rush were promoted before any newcomer got a place.
    for booking in waiting:
        booking.refresh_from_db()
        assert booking.status == BookingStatus.BOOKED
    placed_newcomers = live.filter(attendee__in=newcomers, status=BookingStatus.BOOKED)
    assert placed_newcomers.count() == 3
    # (A newcomer got a place either on booking or, if it came while the session was full, by
    # promotion; either way updated_at is when, and that came after both of those waiting.)
    assert min(b.updated_at for b in placed_newcomers) > max(w.updated_at for w in waiting)


def test_one_person_booked_many_times_at_once_gets_one_place(session, staff_member):
    outcomes = run_together([booking_job(session, staff_member) for _ in range(10)])

    places = [outcome for outcome in outcomes if isinstance(outcome, Booking)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(places) == 1 and len(refusals) == 9, outcomes
    assert list(Booking.objects.filter(session=session)) == places
