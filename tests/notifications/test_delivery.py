"""Every reminder goes out once: twice-run and concurrent sweeps, failed sends, a broker that is down.

The reminder used throughout is the simplest one the sweep finds: a session starting
tomorrow, for each person booked on it.
"""

import smtplib
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Delivery, Notification
from portal.celery import app
from tests import factories
from tests.helpers import broker_at, sent_mail, wait_for
from training import services as training_services
from training.models import Booking, BookingStatus, Session


@pytest.fixture
def tomorrow_session(course, partnership):
    start = timezone.now().replace(microsecond=0) + timedelta(hours=20)
    return Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue="Senate House, Room 2",
        capacity=10,
        offered_to=partnership,
    )


@pytest.fixture
def booked(tomorrow_session, university):
    """Three people booked a week ago on tomorrow's session."""
    people = factories.UserFactory.create_batch(3, organisation=university)
    bookings = [
        Booking.objects.create(session=tomorrow_session, attendee=person, status=BookingStatus.BOOKED)
        for person in people
    ]
    week_ago = timezone.now() - timedelta(days=7)
    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(created_at=week_ago, updated_at=week_ago)
    return bookings


def reminders_sent():
    return sorted(address for message in mail.outbox for address in message.to)


def log_of(kind="session_tomorrow"):
    return list(Notification.objects.filter(kind=kind).values_list("object_id", "recipient_id", "delivery"))


class FlakyMailServer(EmailBackend):
    """The locmem backend, but the first ``failures`` sends raise as a mail server that is down would."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyMailServer.attempts += 1
        if FlakyMailServer.attempts <= FlakyMailServer.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    FlakyMailServer.attempts, FlakyMailServer.failures = 0, 2
    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    return FlakyMailServer


@contextmanager
def worker():
    """A real Celery worker on the configured broker, after emptying the queue of messages that
    other tests published for rows their rollback has since removed."""
    app.control.purge()
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        yield


# --- exactly once -----------------------------------------------------------------------------


def test_running_the_sweep_twice_sends_each_reminder_once(booked):
    first = services.send_due_reminders()
    second = services.send_due_reminders()

    assert first.recorded["session_tomorrow"] == 3
    assert second.recorded["session_tomorrow"] == 0
    assert reminders_sent() == [] and len(sent_mail()) == 3
    services.send_due_reminders()
    assert reminders_sent() == sorted(b.attendee.email for b in booked)
    assert sorted(log_of()) == sorted((b.pk, b.attendee_id, Delivery.SENT) for b in booked)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_send_each_reminder_once(booked):
    """On PostgreSQL both inserts race on the unique key; on SQLite the writes queue up."""
    start = threading.Barrier(2)
    reports, errors = [], []

    def sweep():
        from django.db import connection

        try:
            start.wait(timeout=10)
            reports.append(services.send_due_reminders())
        except Exception as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(log_of()) == 3
    assert sorted(address for m in sent_mail() for address in m.to) == sorted(b.attendee.email for b in booked)
    assert sent_mail() and len(sent_mail()) == 3  # a second delivery pass sends nothing more


def test_delivering_the_same_notification_twice_sends_one_email(booked):
    services.send_due_reminders()
    pk = Notification.objects.filter(kind="session_tomorrow").first().pk

    assert services.deliver(pk).status == "sent"
    assert services.deliver(pk).status == "not mine"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{pk}-session_tomorrow@localhost>"


# --- failures --------------------------------------------------------------------------------


def test_a_failed_send_is_retried_with_backoff_and_sent_once_the_server_is_back(booked, flaky_mail, settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    now = timezone.now()
    services.send_due_reminders(now)
    note = Notification.objects.filter(kind="session_tomorrow").order_by("pk").first()

    first = services.deliver(note.pk, now)
    note.refresh_from_db()
    assert first.retry_in == 60
    assert note.delivery == Delivery.PENDING and note.sent_at is None and note.claimed_at is None
    assert note.next_attempt_at == now + timedelta(seconds=60)
    assert "Connection unexpectedly closed" in note.reason
    # Not before its time, even when asked.
    assert services.deliver(note.pk, now + timedelta(seconds=30)).status == "not mine"

    second = services.deliver(note.pk, now + timedelta(seconds=61))
    assert second.retry_in == 120  # the wait doubles
    assert mail.outbox == []

    third = services.deliver(note.pk, now + timedelta(seconds=200))
    note.refresh_from_db()
    assert third.status == "sent" and note.delivery == Delivery.SENT and note.attempts == 3
    assert [m.to for m in mail.outbox] == [[note.recipient.email]]
    assert services.deliver(note.pk, now + timedelta(seconds=9999)).status == "not mine"
    assert len(mail.outbox) == 1


def test_the_sweep_picks_up_a_failed_send_when_its_retry_is_due(booked, flaky_mail):
    now = timezone.now()
    services.send_due_reminders(now)
    note = Notification.objects.filter(kind="session_tomorrow").order_by("pk").first()
    services.deliver(note.pk, now)  # fails; the retry task is lost with the broker, say

    assert note.pk not in services._waiting(now + timedelta(seconds=10), 100)
    assert note.pk in services._waiting(now + timedelta(minutes=20), 100)


def test_a_refused_address_is_marked_failed_and_not_retried(booked, settings):
    class Refusing(EmailBackend):
        def send_messages(self, messages):
            raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})

    settings.EMAIL_BACKEND = f"{__name__}.test_a_refused_address_is_marked_failed_and_not_retried.<locals>.Refusing"
    services.send_due_reminders()
    note = Notification.objects.filter(kind="session_tomorrow").first()
    from core import mail as portal_mail

    original = portal_mail.EmailMultiAlternatives.send
    portal_mail.EmailMultiAlternatives.send = lambda self, fail_silently=False: Refusing().send_messages([self])
    try:
        assert services.deliver(note.pk).status == "refused"
    finally:
        portal_mail.EmailMultiAlternatives.send = original
    note.refresh_from_db()
    assert note.delivery == Delivery.FAILED and "refused" in note.reason
    assert note.pk not in services._waiting(timezone.now() + timedelta(days=1), 100)


def test_a_claim_left_by_a_dead_worker_is_sent_by_a_later_sweep(booked):
    now = timezone.now()
    services.send_due_reminders(now)
    note = Notification.objects.filter(kind="session_tomorrow").order_by("pk").first()
    # A worker claimed it and was killed before sending.
    Notification.objects.filter(pk=note.pk).update(claimed_at=now, attempts=1, queued_at=now)

    assert services.deliver(note.pk, now + timedelta(minutes=1)).status == "not mine"  # still claimed
    assert note.pk not in services._waiting(now + timedelta(minutes=5), 100)
    # Picked up as soon as the lease ends, though it was queued only then.
    later = now + services.LEASE + timedelta(seconds=1)
    assert note.pk in services._waiting(later, 100)
    assert services.deliver(note.pk, later).status == "sent"
    assert len(mail.outbox) == 1


def test_sending_tasks_survive_a_killed_worker():
    for task in (tasks.send_notifications, tasks.send_notification, tasks.sweep):
        assert task.acks_late and task.reject_on_worker_lost


def test_nothing_is_sent_about_an_object_that_no_longer_exists(booked):
    services.send_due_reminders()
    note = Notification.objects.filter(kind="session_tomorrow").first()
    Booking.objects.filter(pk=note.object_id).delete()

    assert services.deliver(note.pk).status == "gone"
    note.refresh_from_db()
    assert note.delivery == Delivery.SKIPPED and mail.outbox == []


# --- the broker -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_booking_with_the_broker_down_succeeds_and_is_confirmed_by_the_next_sweep(
    client,
    course,
    partnership,
    staff_member,
    caplog,
):
    start = timezone.now().replace(microsecond=0) + timedelta(days=14)
    session = Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue="Room 1",
        capacity=5,
        offered_to=partnership,
    )
    client.force_login(staff_member)
    with broker_at("redis://127.0.0.1:9/0"):  # nothing listens on the discard port
        began = time.monotonic()
        response = client.post(f"/training/sessions/{session.pk}/book/", follow=True)
        took = time.monotonic() - began

    assert response.status_code == 200 and "You have a place" in response.content.decode()
    assert took < 5, f"the booking took {took:.1f} s with the broker down"
    assert "Could not queue" in caplog.text
    note = Notification.objects.get(kind="booking_confirmed")
    assert note.queued_at is None and note.delivery == Delivery.PENDING
    assert mail.outbox == []

    # The broker is back (the configured one: Redis in CI, the filesystem locally).
    with worker():
        report = services.send_due_reminders()
        assert report.queued >= 1
        assert wait_for(lambda: Notification.objects.get(pk=note.pk).delivery == Delivery.SENT)
    assert [m.to for m in mail.outbox] == [[staff_member.email]]
    assert mail.outbox[0].subject.startswith("Booked: ")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep_and_emails_the_reminders(booked):
    with worker():
        tasks.sweep.delay()
        assert wait_for(lambda: Notification.objects.filter(delivery=Delivery.SENT).count() == 3)
    assert reminders_sent() == sorted(b.attendee.email for b in booked)
    assert all(m.subject.startswith("Tomorrow: ") for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_failed_send_and_sends_it_once(booked, flaky_mail, settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 1
    Booking.objects.exclude(pk=booked[0].pk).delete()
    with worker():
        tasks.sweep.delay()
        assert wait_for(lambda: Notification.objects.filter(delivery=Delivery.SENT).exists(), timeout=30)
        time.sleep(1)  # room for a duplicate to show up, if there were one
    note = Notification.objects.get(kind="session_tomorrow")
    assert note.attempts == 3 and flaky_mail.attempts == 3
    assert [m.to for m in mail.outbox] == [[booked[0].attendee.email]]


def test_the_sweep_is_a_periodic_task_every_five_minutes(db):
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    importlib.import_module("notifications.migrations.0002_periodic_tasks").create(apps, None)
    entry = PeriodicTask.objects.get(task=tasks.sweep.name)
    assert entry.enabled and (entry.interval.every, entry.interval.period) == (5, "minutes")


def test_a_booking_records_its_confirmation_in_the_same_transaction(tomorrow_session, staff_member):
    booking = training_services.book(tomorrow_session, staff_member, by=staff_member)
    note = Notification.objects.get(kind="booking_confirmed")
    assert (note.object_id, note.recipient, note.shown) == (booking.pk, staff_member, True)
