"""Training's notifications: told at the right moment, to the right people, once (see training/reminders.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from notifications import services as notification_services
from notifications.models import Notification
from tests.fixtures.reminders import (
    BOOKED_AT,
    END,
    MINUTE,
    REFRESHER_DUE,
    SESSION_DAY,
    START,
    assert_emailed,
    assert_nothing_more_emailed,
    attended,
    book,
    days,
    forget_mail,
    new_session,
    sweep,
    sweep_every_day,
    sweep_on,
    told,
    told_anything,
)
from tests.helpers import sent_mail
from training import services as training_services
from training.models import Booking, BookingStatus, Feedback

pytestmark = pytest.mark.django_db


# --- booking_confirmed, waitlist_promoted, session_cancelled: events of the training services ---


def test_a_booking_is_confirmed_to_the_attendee_only(
    upcoming, staff_member, university_liaison, police_liaison, outsider
):
    booking = book(upcoming, staff_member, by=university_liaison)

    assert told("booking_confirmed", booking) == [(staff_member, SESSION_DAY)]
    assert not told_anything([university_liaison, police_liaison, outsider])
    assert_emailed([staff_member], upcoming.get_absolute_url())


def test_a_booking_confirmation_is_sent_once_however_often_the_sweep_runs(upcoming, staff_member):
    booking = book(upcoming, staff_member)
    assert_emailed([staff_member], upcoming.get_absolute_url())

    sweep(BOOKED_AT)
    sweep(BOOKED_AT + MINUTE)

    assert told("booking_confirmed", booking) == [(staff_member, SESSION_DAY)]
    assert_nothing_more_emailed()


def test_a_waitlist_place_is_confirmed_to_the_attendee(course, partnership, staff_member, colleagues):
    full = new_session(course, partnership, capacity=1)
    book(full, colleagues[0])
    forget_mail()

    waitlisted = book(full, staff_member)

    assert waitlisted.status == BookingStatus.WAITLISTED
    assert told("booking_confirmed", waitlisted) == [(staff_member, SESSION_DAY)]
    assert_emailed([staff_member], full.get_absolute_url())


def test_a_freed_place_goes_to_the_first_on_the_waitlist_who_alone_is_told(course, partnership, colleagues):
    full = new_session(course, partnership, capacity=1)
    first, second, third = colleagues[:3]
    place = book(full, first)
    promoted = book(full, second, when=BOOKED_AT + MINUTE)
    still_waiting = book(full, third, when=BOOKED_AT + 2 * MINUTE)
    forget_mail()

    with time_machine.travel(BOOKED_AT + days(1), tick=False):
        training_services.cancel_booking(place, by=first)

    assert told("waitlist_promoted", promoted) == [(second, SESSION_DAY)]
    assert told("waitlist_promoted", still_waiting) == []
    assert told("booking_cancelled", place) == [(first, SESSION_DAY)]
    assert_emailed([first, second], full.get_absolute_url())  # the canceller's receipt, and the place
    sweep(BOOKED_AT + days(1))
    sweep(BOOKED_AT + days(2))
    assert Notification.objects.filter(kind="waitlist_promoted").count() == 1
    assert_nothing_more_emailed()


def test_a_cancelled_session_is_announced_to_everyone_with_a_place_or_a_waitlist_place(
    course, partnership, colleagues, staff_member, police_liaison, outsider
):
    session = new_session(course, partnership, capacity=1)
    booked = book(session, staff_member)
    waitlisted = book(session, colleagues[0])
    gave_up = book(session, colleagues[1])
    with time_machine.travel(BOOKED_AT, tick=False):
        training_services.cancel_booking(gave_up, by=colleagues[1])
    forget_mail()

    with time_machine.travel(BOOKED_AT + days(2), tick=False):
        training_services.cancel_session(session, by=police_liaison, reason="The trainer is ill.")

    assert told("session_cancelled", booked) == [(staff_member, SESSION_DAY)]
    assert told("session_cancelled", waitlisted) == [(colleagues[0], SESSION_DAY)]
    assert told("session_cancelled", gave_up) == []
    assert not told_anything([police_liaison, outsider])
    assert_emailed([staff_member, colleagues[0]], session.get_absolute_url())


@pytest.mark.parametrize("who", ["the attendee", "the liaison officer who booked it", "the provider"])
def test_a_cancelled_booking_is_told_to_the_attendee_whoever_cancelled_it(
    upcoming, staff_member, university_liaison, police_liaison, who
):
    booking = book(upcoming, staff_member, by=university_liaison)
    forget_mail()
    by = {"the attendee": staff_member, "the liaison officer who booked it": university_liaison}.get(
        who, police_liaison
    )

    with time_machine.travel(BOOKED_AT + days(1), tick=False):
        training_services.cancel_booking(booking, by=by)
        training_services.cancel_booking(booking, by=by)  # a second click cancels nothing more

    assert told("booking_cancelled", booking) == [(staff_member, SESSION_DAY)]
    assert not told_anything([university_liaison, police_liaison])
    (message,) = [m for m in sent_mail() if "-booking_cancelled@" in m.extra_headers["Message-ID"]]
    assert message.subject.startswith("Booking cancelled: Sexual assault awareness")
    assert_emailed([staff_member], upcoming.get_absolute_url(), kind="booking_cancelled")


def test_a_cancelled_waitlist_place_is_told_to_the_attendee(course, partnership, staff_member, colleagues):
    full = new_session(course, partnership, capacity=1)
    book(full, colleagues[0])
    waiting = book(full, staff_member)
    forget_mail()

    with time_machine.travel(BOOKED_AT + days(1), tick=False):
        training_services.cancel_booking(waiting, by=staff_member)

    assert told("booking_cancelled", waiting) == [(staff_member, SESSION_DAY)]
    assert Notification.objects.get(kind="booking_cancelled").title.startswith("Waitlist place cancelled: ")
    assert_emailed([staff_member], full.get_absolute_url(), kind="booking_cancelled")


def test_a_deactivated_attendee_is_not_told_of_a_cancelled_booking(upcoming, staff_member, university_liaison):
    booking = book(upcoming, staff_member, by=university_liaison)
    forget_mail()
    staff_member.is_active = False
    staff_member.save()

    with time_machine.travel(BOOKED_AT + days(1), tick=False):
        training_services.cancel_booking(booking, by=university_liaison)

    assert_nothing_more_emailed()
    assert not Notification.objects.filter(kind="booking_cancelled", shown=True).exists()


def test_booking_cancellations_cannot_be_turned_off(upcoming, staff_member):
    notification_services.set_muted(staff_member, ["training_bookings"])
    booking = book(upcoming, staff_member)
    forget_mail()

    with time_machine.travel(BOOKED_AT + days(1), tick=False):
        training_services.cancel_booking(booking, by=staff_member)

    assert Notification.objects.inbox_of(staff_member).filter(kind="booking_cancelled").exists()
    assert_emailed([staff_member], upcoming.get_absolute_url(), kind="booking_cancelled")


# --- the calendar file attached to a place ------------------------------------------------------


def calendar_files(message):
    return [(name, mimetype) for name, _, mimetype in message.attachments]


def test_a_booking_confirmation_carries_the_sessions_calendar_file(upcoming, staff_member):
    book(upcoming, staff_member)

    (message,) = sent_mail()
    assert calendar_files(message) == [(f"training-session-{upcoming.pk}.ics", "text/calendar")]
    content = message.attachments[0][1]
    content = content if isinstance(content, str) else content.decode()
    assert "BEGIN:VEVENT" in content and "SUMMARY:Sexual assault awareness" in content
    assert f"UID:training-session-{upcoming.pk}@" in content


def test_a_waitlist_confirmation_carries_no_calendar_file_and_the_promotion_does(
    course, partnership, staff_member, colleagues
):
    full = new_session(course, partnership, capacity=1)
    place = book(full, colleagues[0])
    book(full, staff_member)
    forget_mail()
    book(full, colleagues[1], when=BOOKED_AT + MINUTE)

    (waitlisted,) = sent_mail()
    assert calendar_files(waitlisted) == []
    forget_mail()

    with time_machine.travel(BOOKED_AT + days(1), tick=False):
        training_services.cancel_booking(place, by=colleagues[0])

    messages = {m.to[0]: m for m in sent_mail()}
    assert calendar_files(messages[staff_member.email]) == [(f"training-session-{full.pk}.ics", "text/calendar")]
    assert calendar_files(messages[colleagues[0].email]) == []  # the cancellation


# --- session_in_7_days ------------------------------------------------------------------------


def test_the_week_reminder_is_not_sent_before_seven_days_before_the_start(upcoming, staff_member):
    book(upcoming, staff_member)
    forget_mail()

    sweep(START - days(7) - MINUTE)

    assert not Notification.objects.filter(kind="session_in_7_days").exists()
    assert_nothing_more_emailed()


def test_the_week_reminder_is_sent_seven_days_before_the_start_to_the_attendee(
    upcoming, staff_member, university_liaison, police_liaison, outsider
):
    booking = book(upcoming, staff_member, by=university_liaison)
    forget_mail()

    sweep(START - days(7))

    assert told("session_in_7_days", booking) == [(staff_member, SESSION_DAY)]
    assert not told_anything([university_liaison, police_liaison, outsider])
    assert_emailed([staff_member], upcoming.get_absolute_url())


def test_a_missed_week_reminder_is_sent_by_a_later_sweep_in_the_week(upcoming, staff_member):
    booking = book(upcoming, staff_member)

    sweep(START - days(3))

    assert told("session_in_7_days", booking) == [(staff_member, SESSION_DAY)]


def test_the_week_reminder_is_sent_once_however_often_the_sweep_runs(upcoming, staff_member):
    booking = book(upcoming, staff_member)
    forget_mail()

    sweep(START - days(7))
    sweep(START - days(7))
    sweep(START - days(4))

    assert told("session_in_7_days", booking) == [(staff_member, SESSION_DAY)]
    assert_emailed([staff_member], upcoming.get_absolute_url())
    sweep(START - days(2))
    assert_nothing_more_emailed()


def test_a_booking_made_inside_the_week_gets_no_week_reminder(upcoming, staff_member):
    booking = book(upcoming, staff_member, when=START - days(5))

    sweep(START - days(5))
    sweep(START - days(2))

    assert told("session_in_7_days", booking) == []


def test_waitlisted_and_cancelled_bookings_get_no_session_reminders(course, partnership, colleagues):
    session = new_session(course, partnership, capacity=1)
    booked = book(session, colleagues[0])
    waitlisted = book(session, colleagues[1])
    cancelled = book(session, colleagues[2])
    with time_machine.travel(BOOKED_AT, tick=False):
        training_services.cancel_booking(cancelled, by=colleagues[2])

    sweep(START - days(7))
    sweep(START - days(1))

    for kind in ("session_in_7_days", "session_tomorrow"):
        assert told(kind, booked) == [(colleagues[0], SESSION_DAY)]
        assert told(kind, waitlisted) == []
        assert told(kind, cancelled) == []


def test_a_cancelled_session_gets_no_session_reminders(upcoming, staff_member, police_liaison):
    book(upcoming, staff_member)
    with time_machine.travel(BOOKED_AT + days(1), tick=False):
        training_services.cancel_session(upcoming, by=police_liaison, reason="The trainer is ill.")
    forget_mail()

    sweep(START - days(7))
    sweep(START - days(1))

    assert not Notification.objects.filter(kind__in=["session_in_7_days", "session_tomorrow"]).exists()
    assert_nothing_more_emailed()


# --- session_tomorrow -------------------------------------------------------------------------


def test_the_day_reminder_is_not_sent_before_one_day_before_the_start(upcoming, staff_member):
    book(upcoming, staff_member)

    sweep(START - days(1) - MINUTE)

    assert not Notification.objects.filter(kind="session_tomorrow").exists()


def test_the_day_reminder_is_sent_one_day_before_the_start_to_the_attendee(
    upcoming, staff_member, university_liaison, police_liaison, outsider
):
    booking = book(upcoming, staff_member, by=university_liaison)
    forget_mail()

    sweep(START - days(1))

    assert told("session_tomorrow", booking) == [(staff_member, SESSION_DAY)]
    assert not told_anything([university_liaison, police_liaison, outsider])
    assert_emailed([staff_member], upcoming.get_absolute_url())


def test_the_day_reminder_is_sent_once_up_to_the_start_and_not_after(upcoming, staff_member):
    booking = book(upcoming, staff_member)
    sweep(START - days(1))
    forget_mail()

    sweep(START - days(1))
    sweep(START - MINUTE)
    sweep(START + MINUTE)

    assert told("session_tomorrow", booking) == [(staff_member, SESSION_DAY)]
    assert_nothing_more_emailed()


def test_a_session_first_swept_after_its_start_gets_no_day_reminder(upcoming, staff_member):
    booking = book(upcoming, staff_member)

    sweep(START + MINUTE)

    assert told("session_tomorrow", booking) == []


def test_a_booking_made_three_days_ahead_gets_the_day_reminder_only(upcoming, staff_member):
    booking = book(upcoming, staff_member, when=START - days(3))

    sweep(START - days(3))
    sweep(START - days(1))

    assert told("session_in_7_days", booking) == []
    assert told("session_tomorrow", booking) == [(staff_member, SESSION_DAY)]


def test_a_booking_made_on_the_eve_of_the_session_gets_no_day_reminder(upcoming, staff_member):
    booking = book(upcoming, staff_member, when=START - timedelta(hours=12))

    sweep(START - timedelta(hours=12))
    sweep(START - timedelta(hours=1))

    assert told("session_tomorrow", booking) == []


# --- training_feedback_request ----------------------------------------------------------------


def test_feedback_is_not_requested_before_the_session_ends(upcoming, staff_member):
    attended(upcoming, staff_member)

    sweep(END - MINUTE)

    assert not Notification.objects.filter(kind="training_feedback_request").exists()


def test_feedback_is_requested_of_the_attendee_once_the_session_has_ended(
    upcoming, staff_member, university_liaison, police_liaison, outsider
):
    booking = attended(upcoming, staff_member)

    sweep(END)

    assert told("training_feedback_request", booking) == [(staff_member, SESSION_DAY)]
    assert not told_anything([university_liaison, police_liaison, outsider])
    assert_emailed([staff_member], reverse("training:feedback", args=[booking.pk]))


def test_feedback_is_requested_once_however_often_the_sweep_runs(upcoming, staff_member):
    booking = attended(upcoming, staff_member)
    sweep(END)
    forget_mail()

    sweep(END)
    sweep(END + days(1))
    sweep(END + days(20))

    assert told("training_feedback_request", booking) == [(staff_member, SESSION_DAY)]
    assert_nothing_more_emailed()


@pytest.mark.parametrize(("first_sweep", "requested"), [(days(29), True), (days(30), False)])
def test_a_missed_feedback_request_is_sent_up_to_30_days_after_the_session(
    upcoming, staff_member, first_sweep, requested
):
    booking = attended(upcoming, staff_member)

    sweep(END + first_sweep)

    assert bool(told("training_feedback_request", booking)) is requested


def test_feedback_is_requested_only_of_those_who_attended(upcoming, colleagues):
    never_marked = Booking.objects.create(session=upcoming, attendee=colleagues[0], status=BookingStatus.BOOKED)
    absent = Booking.objects.create(session=upcoming, attendee=colleagues[1], status=BookingStatus.NO_SHOW)
    cancelled = Booking.objects.create(session=upcoming, attendee=colleagues[2], status=BookingStatus.CANCELLED)

    sweep(END + days(1))

    for booking in (never_marked, absent, cancelled):
        assert told("training_feedback_request", booking) == []


def test_no_feedback_is_requested_once_it_has_been_given(upcoming, staff_member):
    booking = attended(upcoming, staff_member)
    Feedback.objects.create(booking=booking, rating=5, confidence=4)

    sweep(END + days(1))

    assert told("training_feedback_request", booking) == []


# --- refresher_due ----------------------------------------------------------------------------

# A session of the 24-monthly course, taken on 10 June 2025: the refresher is due on 10 June 2027.


def test_the_refresher_reminder_is_not_sent_more_than_30_days_before_it_is_due(taken, staff_member):
    attended(taken, staff_member)

    sweep_on(REFRESHER_DUE - days(31))

    assert not Notification.objects.filter(kind="refresher_due").exists()


def test_the_refresher_reminder_is_sent_to_the_attendee_30_days_before_it_is_due(
    taken, staff_member, university_liaison, police_liaison, outsider
):
    booking = attended(taken, staff_member)

    sweep_on(REFRESHER_DUE - days(30))

    assert told("refresher_due", booking) == [(staff_member, REFRESHER_DUE)]
    assert not told_anything([university_liaison, police_liaison, outsider])
    course_sessions = reverse("training:session_list") + f"?course={taken.course_id}"
    assert_emailed([staff_member], course_sessions)


def test_the_refresher_reminder_is_sent_once_however_often_the_sweep_runs(taken, staff_member):
    booking = attended(taken, staff_member)
    sweep_on(REFRESHER_DUE - days(30))
    forget_mail()

    sweep_every_day(REFRESHER_DUE - days(30), REFRESHER_DUE + days(1))

    assert told("refresher_due", booking) == [(staff_member, REFRESHER_DUE)]
    assert_nothing_more_emailed()


def test_a_missed_refresher_reminder_is_sent_by_a_later_sweep_before_the_due_date(taken, staff_member):
    booking = attended(taken, staff_member)

    sweep_on(REFRESHER_DUE - days(1))

    assert told("refresher_due", booking) == [(staff_member, REFRESHER_DUE)]


def test_no_refresher_reminder_for_someone_booked_on_a_later_session_of_the_course(taken, upcoming, staff_member):
    earlier = attended(taken, staff_member)
    Booking.objects.create(session=upcoming, attendee=staff_member, status=BookingStatus.BOOKED)

    sweep_on(REFRESHER_DUE - days(30))

    assert told("refresher_due", earlier) == []


def test_no_refresher_reminder_for_a_course_that_need_not_be_repeated(taken, staff_member):
    taken.course.refresher_months = None
    taken.course.save()
    booking = attended(taken, staff_member)

    sweep_every_day(REFRESHER_DUE - days(30), REFRESHER_DUE - days(25))

    assert told("refresher_due", booking) == []
