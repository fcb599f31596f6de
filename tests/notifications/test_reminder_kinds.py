"""Every kind of notification: told at the right moment, to the right people, once.

Time is under the tests' control: the sweep runs at an explicit ``now`` (9 in the morning,
UK time, for the reminders counted in days), and bookings are made under ``time_machine``
so that their creation time is known. Each test looks at the log (``Notification`` rows:
kind, recipient, occasion) and at the emails a worker sends (``sent_mail()``), which must
link to the page of what they are about.

People who must never hear of a partnership's business: a staff member of the university,
a staff member of the force, an administrator and ``outsider`` (a liaison officer of an
unrelated university).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts import reauth
from agreements import services as agreement_services
from notifications import services
from notifications.models import Delivery, Muted, Notification
from partnerships.models import ActionStatus, Commitment, CommitmentKind, Direction, Outcome
from tests import factories
from tests.agreements import conftest as agreement_fixtures
from tests.helpers import sent_mail
from tests.partnerships import conftest as partnership_fixtures
from tests.training import conftest as training_fixtures
from training import services as training_services
from training.models import Booking, BookingStatus, Feedback, Session

pytestmark = pytest.mark.django_db

# Fixtures of the sibling test packages, shared here.
partnership = partnership_fixtures.partnership
template = agreement_fixtures.template
draft = agreement_fixtures.draft
in_review = agreement_fixtures.in_review
approved = agreement_fixtures.approved
unit = training_fixtures.unit
course = training_fixtures.course  # refresher every 24 months
colleagues = training_fixtures.colleagues  # five staff members of the university

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def days(n) -> timedelta:
    return timedelta(days=n)


MINUTE = timedelta(minutes=1)
# A session in British Summer Time, booked a fortnight ahead.
START = at(2027, 6, 15, 10)
END = START + timedelta(hours=3)
SESSION_DAY = START.date()
BOOKED_AT = START - days(14)


# --- set-up -----------------------------------------------------------------------------------


@pytest.fixture
def bystanders(police_force, staff_member, administrator, outsider):
    """People who are told nothing about a partnership's agreements, actions, shares or meetings."""
    police_staff = factories.UserFactory(organisation=police_force, username="police.staff")
    return [staff_member, police_staff, administrator, outsider]


@pytest.fixture
def upcoming(course, partnership):
    return new_session(course, partnership)


def new_session(course, partnership, *, starts_at=START, capacity=5):
    return Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        venue="Senate House, Room 2",
        capacity=capacity,
        offered_to=partnership,
    )


def book(session, attendee, *, when=BOOKED_AT, by=None):
    with time_machine.travel(when, tick=False):
        return training_services.book(session, attendee, by=by or attendee)


def attended(session, attendee):
    return Booking.objects.create(session=session, attendee=attendee, status=BookingStatus.ATTENDED)


@pytest.fixture
def in_force(approved, university_liaison, police_liaison):
    """The memorandum signed by both sides: in force, ending on 1 December 2028, reviewed yearly."""
    sign(approved, police_liaison)
    sign(approved, university_liaison)
    approved.refresh_from_db()
    return approved


def sign(agreement, person):
    return agreement_services.sign(
        agreement,
        by=person,
        position="Liaison officer",
        authentication=reauth.PASSWORD,
        ip_address=None,
        confirmed=True,
    )


def commitment(partnership, kind, due_on, *, source_url=""):
    return Commitment.objects.create(
        partnership=partnership,
        kind=kind,
        every_months=12,
        since=due_on - relativedelta(months=12),
        source="Memorandum of understanding 2026",
        source_url=source_url,
        due_on=due_on,
    )


def action_due(partnership, due_date, *, owner, status=ActionStatus.OPEN):
    return factories.ActionFactory(partnership=partnership, owner=owner, due_date=due_date, status=status)


def shared(partnership, direction, shared_on, **fields):
    return factories.InformationShareFactory(
        partnership=partnership, direction=direction, shared_on=shared_on, **fields
    )


# --- running the sweep and looking at what it did ------------------------------------------------


def sweep(now):
    services.send_due_reminders(now)


def sweep_on(day):
    """Run the sweep at 9 in the morning of ``day``."""
    sweep(datetime.combine(day, time(9), tzinfo=LONDON))


def sweep_every_day(first, last):
    for n in range((last - first).days + 1):
        sweep_on(first + days(n))


def first_recorded_on(kinds, obj, first, last):
    """Sweep every morning from ``first`` to ``last``: {day: the kinds about ``obj`` new that day}."""
    seen, news = set(), {}
    for n in range((last - first).days + 1):
        day = first + days(n)
        sweep_on(day)
        now = set(Notification.objects.filter(kind__in=kinds, object_id=obj.pk).values_list("kind", flat=True))
        if now - seen:
            news[day] = sorted(now - seen)
        seen = now
    return news


def told(kind, obj):
    """Who has been told ``kind`` about ``obj``, and about which day: [(user, occasion)], by user."""
    rows = Notification.objects.filter(kind=kind, object_id=obj.pk).select_related("recipient")
    return [(row.recipient, row.occasion) for row in rows.order_by("recipient_id", "occasion")]


def told_anything(people) -> bool:
    return Notification.objects.filter(recipient__in=people).exists()


def forget_mail():
    """Deliver what is waiting (confirmations of the set-up) and forget it."""
    sent_mail().clear()


def assert_emailed(people, url, *, kind=None):
    """One email each to exactly ``people`` (of ``kind``, if given), linking to ``url``. Empties the outbox."""
    outbox = sent_mail()
    messages = [m for m in outbox if kind is None or f"-{kind}@" in m.extra_headers["Message-ID"]]
    assert sorted(address for message in messages for address in message.to) == sorted(p.email for p in people)
    link = settings.SITE_URL + url
    for message in messages:
        assert link in message.body
        assert link in message.alternatives[0][0]
    outbox.clear()


def assert_nothing_more_emailed():
    assert sent_mail() == []


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
    assert_emailed([second], full.get_absolute_url())
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
TAKEN = at(2025, 6, 10, 10)
REFRESHER_DUE = date(2027, 6, 10)


@pytest.fixture
def taken(course, partnership):
    return new_session(course, partnership, starts_at=TAKEN)


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


# --- agreement_review_requested, _changes_requested, _ready_to_sign, _signed: workflow events ---


@pytest.fixture
def second_officers(university, police_force):
    """Another liaison officer on each side, told just as the first ones are."""
    return (
        factories.UniversityLiaisonFactory(organisation=university, username="uni.liaison.2"),
        factories.PoliceLiaisonFactory(organisation=police_force, username="police.liaison.2"),
    )


def test_a_review_request_goes_to_the_forces_liaison_officers_only(
    draft, university_liaison, police_liaison, second_officers, bystanders
):
    uni_colleague, police_colleague = second_officers

    version = agreement_services.submit_for_review(draft, by=university_liaison)

    today = timezone.localdate()
    assert told("agreement_review_requested", version) == [(police_liaison, today), (police_colleague, today)]
    assert not told_anything([university_liaison, uni_colleague, *bystanders])
    assert_emailed([police_liaison, police_colleague], draft.get_absolute_url())


def test_a_request_for_changes_goes_to_the_institutions_liaison_officers_only(
    in_review, university_liaison, police_liaison, second_officers, bystanders
):
    uni_colleague, police_colleague = second_officers
    forget_mail()

    agreement_services.request_changes(in_review, by=police_liaison, comment="Clause 4: quarterly, please.")

    version = in_review.versions.get()
    today = timezone.localdate()
    assert told("agreement_changes_requested", version) == [(university_liaison, today), (uni_colleague, today)]
    assert not Notification.objects.filter(
        kind="agreement_changes_requested", recipient__in=[police_liaison, police_colleague]
    ).exists()
    assert not told_anything(bystanders)
    assert_emailed([university_liaison, uni_colleague], in_review.get_absolute_url())


def test_ready_to_sign_goes_to_both_sides_liaison_officers(
    in_review, university_liaison, police_liaison, second_officers, bystanders
):
    uni_colleague, police_colleague = second_officers
    forget_mail()

    agreement_services.approve(in_review, by=police_liaison)

    today = timezone.localdate()
    assert told("agreement_ready_to_sign", in_review) == [
        (university_liaison, today),
        (police_liaison, today),
        (uni_colleague, today),
        (police_colleague, today),
    ]
    assert not told_anything(bystanders)
    assert_emailed([university_liaison, police_liaison, uni_colleague, police_colleague], in_review.get_absolute_url())


def test_each_signature_is_announced_to_the_other_liaison_officers_not_to_the_signer(
    approved, university_liaison, police_liaison, second_officers, bystanders
):
    uni_colleague, police_colleague = second_officers
    forget_mail()

    police_signature = sign(approved, police_liaison)

    today = timezone.localdate()
    assert told("agreement_signed", police_signature) == [
        (university_liaison, today),
        (uni_colleague, today),
        (police_colleague, today),
    ]
    assert_emailed([university_liaison, uni_colleague, police_colleague], approved.get_absolute_url())

    university_signature = sign(approved, university_liaison)

    assert told("agreement_signed", university_signature) == [
        (police_liaison, today),
        (uni_colleague, today),
        (police_colleague, today),
    ]
    assert not told_anything(bystanders)
    assert_emailed([police_liaison, uni_colleague, police_colleague], approved.get_absolute_url())


def test_workflow_notifications_are_not_repeated_by_the_sweep(in_force):
    before = Notification.objects.count()
    forget_mail()

    # The day after it came into force (1 December 2026), before anything it commits to is due.
    sweep_on(date(2026, 12, 2))
    sweep_on(date(2026, 12, 2))

    assert Notification.objects.count() == before
    assert_nothing_more_emailed()


# --- agreement_review_in_60_days, _30_, _7_ -----------------------------------------------------

REVIEW_KINDS = ["agreement_review_in_60_days", "agreement_review_in_30_days", "agreement_review_in_7_days"]
REVIEW_DUE = date(2027, 9, 30)


def test_review_reminders_go_out_60_30_and_7_days_before_the_review_each_once(partnership):
    review = commitment(partnership, CommitmentKind.REVIEW, REVIEW_DUE)

    news = first_recorded_on(REVIEW_KINDS, review, REVIEW_DUE - days(62), REVIEW_DUE + days(2))

    assert news == {
        REVIEW_DUE - days(60): ["agreement_review_in_60_days"],
        REVIEW_DUE - days(30): ["agreement_review_in_30_days"],
        REVIEW_DUE - days(7): ["agreement_review_in_7_days"],
    }
    # One row per liaison officer per kind, however many sweeps ran.
    assert Notification.objects.filter(kind__in=REVIEW_KINDS).count() == 2 * 3


def test_review_reminders_go_to_both_sides_liaison_officers_only(
    partnership, university_liaison, police_liaison, bystanders
):
    review = commitment(partnership, CommitmentKind.REVIEW, REVIEW_DUE)

    sweep_on(REVIEW_DUE - days(60))

    assert told("agreement_review_in_60_days", review) == [
        (university_liaison, REVIEW_DUE),
        (police_liaison, REVIEW_DUE),
    ]
    assert not told_anything(bystanders)
    assert_emailed([university_liaison, police_liaison], partnership.get_absolute_url())


def test_a_review_first_seen_inside_30_days_gets_the_30_day_reminder_not_the_60_day_one(partnership):
    review = commitment(partnership, CommitmentKind.REVIEW, REVIEW_DUE)

    sweep_on(REVIEW_DUE - days(20))

    assert told("agreement_review_in_60_days", review) == []
    assert len(told("agreement_review_in_30_days", review)) == 2


def test_the_review_of_an_agreement_signed_into_force_is_reminded_with_a_link_to_it(
    in_force, university_liaison, police_liaison
):
    # Signed into force: reviewed every 12 months from 1 December 2026.
    review = Commitment.objects.get(partnership=in_force.partnership, kind=CommitmentKind.REVIEW, active=True)
    assert review.due_on == date(2027, 12, 1)
    forget_mail()

    sweep_on(review.due_on - days(7))

    assert told("agreement_review_in_7_days", review) == [
        (university_liaison, review.due_on),
        (police_liaison, review.due_on),
    ]
    # (The meetings it commits to, due by 1 March 2027, are overdue by then too.)
    assert_emailed([university_liaison, police_liaison], in_force.get_absolute_url(), kind="agreement_review_in_7_days")


def test_no_review_reminders_for_a_commitment_no_longer_active(partnership):
    review = commitment(partnership, CommitmentKind.REVIEW, REVIEW_DUE)
    Commitment.objects.filter(pk=review.pk).update(active=False)

    sweep_on(REVIEW_DUE - days(60))
    sweep_on(REVIEW_DUE - days(7))

    assert not Notification.objects.filter(kind__in=REVIEW_KINDS).exists()


# --- agreement_ends_in_60_days, _30_, _7_, agreement_ended_by_term ------------------------------

EXPIRY_KINDS = [
    "agreement_ends_in_60_days",
    "agreement_ends_in_30_days",
    "agreement_ends_in_7_days",
    "agreement_ended_by_term",
]
TERM_ENDS = date(2028, 11, 30)  # the last day of 24 months from 1 December 2026


def test_the_end_of_the_term_is_reminded_60_30_and_7_days_before_and_on_the_day_each_once(in_force):
    assert in_force.expires_on == TERM_ENDS

    news = first_recorded_on(EXPIRY_KINDS, in_force, TERM_ENDS - days(62), TERM_ENDS + days(3))

    assert news == {
        TERM_ENDS - days(60): ["agreement_ends_in_60_days"],
        TERM_ENDS - days(30): ["agreement_ends_in_30_days"],
        TERM_ENDS - days(7): ["agreement_ends_in_7_days"],
        TERM_ENDS + days(1): ["agreement_ended_by_term"],  # the day after its last day
    }
    assert Notification.objects.filter(kind__in=EXPIRY_KINDS).count() == 2 * 4


def test_end_of_term_reminders_go_to_both_sides_liaison_officers_only(
    in_force, university_liaison, police_liaison, bystanders
):
    forget_mail()

    sweep_on(TERM_ENDS - days(30))

    assert told("agreement_ends_in_30_days", in_force) == [(university_liaison, TERM_ENDS), (police_liaison, TERM_ENDS)]
    assert not told_anything(bystanders)
    assert_emailed([university_liaison, police_liaison], in_force.get_absolute_url(), kind="agreement_ends_in_30_days")


@pytest.mark.parametrize(("days_after", "told_of_it"), [(0, False), (1, True), (30, True), (31, False)])
def test_the_end_by_term_is_told_up_to_30_days_after_it(in_force, university_liaison, days_after, told_of_it):
    sweep_on(TERM_ENDS + days(days_after))

    assert ((university_liaison, TERM_ENDS) in told("agreement_ended_by_term", in_force)) is told_of_it


def test_no_end_of_term_reminders_for_an_agreement_no_longer_in_force(in_force, university_liaison):
    agreement_services.end(in_force, by=university_liaison, comment="Replaced by a local protocol.")

    sweep_on(TERM_ENDS - days(30))
    sweep_on(TERM_ENDS)

    assert not Notification.objects.filter(kind__in=EXPIRY_KINDS).exists()


# --- action_due, action_overdue ------------------------------------------------------------------

ACTION_DUE = date(2027, 3, 10)


@pytest.fixture
def staff_owner(university, staff_member):
    """A contact of the university with a portal account: the staff member."""
    return factories.ContactFactory(organisation=university, name="Hannah Reid", user=staff_member)


def test_an_action_is_not_reminded_two_days_before_it_is_due(partnership, staff_owner):
    action_due(partnership, ACTION_DUE, owner=staff_owner)

    sweep_on(ACTION_DUE - days(2))

    assert not Notification.objects.filter(kind__in=["action_due", "action_overdue"]).exists()


def test_an_action_due_tomorrow_is_reminded_to_its_owner_only(
    partnership, staff_owner, staff_member, university_liaison, police_liaison, outsider
):
    action = action_due(partnership, ACTION_DUE, owner=staff_owner)

    sweep_on(ACTION_DUE - days(1))

    assert told("action_due", action) == [(staff_member, ACTION_DUE)]
    assert not told_anything([university_liaison, police_liaison, outsider])
    assert_emailed([staff_member], action.get_absolute_url())


def test_an_action_due_today_is_reminded_when_the_day_before_was_missed(partnership, staff_owner, staff_member):
    action = action_due(partnership, ACTION_DUE, owner=staff_owner)

    sweep_on(ACTION_DUE)

    assert told("action_due", action) == [(staff_member, ACTION_DUE)]


def test_an_action_due_reminder_is_sent_once(partnership, staff_owner, staff_member):
    action = action_due(partnership, ACTION_DUE, owner=staff_owner)
    sweep_on(ACTION_DUE - days(1))
    forget_mail()

    sweep_on(ACTION_DUE - days(1))
    sweep_on(ACTION_DUE)

    assert told("action_due", action) == [(staff_member, ACTION_DUE)]
    assert_nothing_more_emailed()


@pytest.mark.parametrize("side", ["institution", "police_force"])
def test_an_action_whose_owner_has_no_account_is_reminded_to_their_sides_contact(
    partnership, university_liaison, police_liaison, side
):
    owner = factories.ContactFactory(organisation=getattr(partnership, side), user=None)
    action = action_due(partnership, ACTION_DUE, owner=owner)
    contact = university_liaison if side == "institution" else police_liaison
    other_side = police_liaison if side == "institution" else university_liaison

    sweep_on(ACTION_DUE - days(1))

    assert told("action_due", action) == [(contact, ACTION_DUE)]
    assert not told_anything([other_side])
    assert_emailed([contact], action.get_absolute_url())


def test_an_action_is_not_overdue_on_its_due_date(partnership, staff_owner):
    action = action_due(partnership, ACTION_DUE, owner=staff_owner)

    sweep_on(ACTION_DUE)

    assert told("action_overdue", action) == []


def test_an_overdue_action_is_reminded_to_its_owner_once_from_the_day_after(
    partnership, staff_owner, staff_member, university_liaison, police_liaison, outsider
):
    action = action_due(partnership, ACTION_DUE, owner=staff_owner)

    sweep_on(ACTION_DUE + days(1))

    assert told("action_overdue", action) == [(staff_member, ACTION_DUE)]
    assert not told_anything([university_liaison, police_liaison, outsider])
    assert_emailed([staff_member], action.get_absolute_url())
    sweep_every_day(ACTION_DUE + days(1), ACTION_DUE + days(10))
    assert told("action_overdue", action) == [(staff_member, ACTION_DUE)]
    assert_nothing_more_emailed()


@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.CANCELLED])
def test_a_finished_action_is_not_reminded(partnership, staff_owner, status):
    action_due(partnership, ACTION_DUE, owner=staff_owner, status=status)

    sweep_on(ACTION_DUE - days(1))
    sweep_on(ACTION_DUE + days(1))

    assert not Notification.objects.filter(kind__in=["action_due", "action_overdue"]).exists()


# --- share_awaiting_feedback -------------------------------------------------------------------

SHARED_ON = date(2027, 2, 1)


@pytest.fixture
def receivers(university_liaison, police_liaison):
    return {Direction.TO_POLICE: police_liaison, Direction.TO_INSTITUTION: university_liaison}


def test_a_share_is_not_reminded_before_30_days(partnership):
    shared(partnership, Direction.TO_POLICE, SHARED_ON)

    sweep_on(SHARED_ON + days(29))

    assert not Notification.objects.filter(kind="share_awaiting_feedback").exists()


@pytest.mark.parametrize("direction", [Direction.TO_POLICE, Direction.TO_INSTITUTION])
def test_a_share_without_outcome_is_reminded_to_the_receiving_sides_liaison_officers_after_30_days(
    partnership, receivers, bystanders, direction
):
    share = shared(partnership, direction, SHARED_ON)
    receiver = receivers[direction]
    sender = next(person for person in receivers.values() if person != receiver)

    sweep_on(SHARED_ON + days(30))

    assert told("share_awaiting_feedback", share) == [(receiver, SHARED_ON)]
    assert not told_anything([sender, *bystanders])
    assert_emailed([receiver], share.get_absolute_url())


def test_a_share_reminder_is_sent_once(partnership, police_liaison):
    share = shared(partnership, Direction.TO_POLICE, SHARED_ON)
    sweep_on(SHARED_ON + days(30))
    forget_mail()

    sweep_every_day(SHARED_ON + days(30), SHARED_ON + days(40))

    assert told("share_awaiting_feedback", share) == [(police_liaison, SHARED_ON)]
    assert_nothing_more_emailed()


def test_a_share_first_swept_long_after_30_days_is_still_reminded(partnership, police_liaison):
    share = shared(partnership, Direction.TO_POLICE, SHARED_ON)

    sweep_on(SHARED_ON + days(45))

    assert told("share_awaiting_feedback", share) == [(police_liaison, SHARED_ON)]


def test_no_share_reminder_once_the_outcome_is_recorded(partnership, police_liaison):
    share = shared(
        partnership,
        Direction.TO_POLICE,
        SHARED_ON,
        outcome=Outcome.DISRUPTION,
        outcome_on=SHARED_ON + days(10),
        outcome_by=police_liaison,
    )

    sweep_on(SHARED_ON + days(30))

    assert told("share_awaiting_feedback", share) == []


# --- meetings_overdue ------------------------------------------------------------------------------

MEETING_DUE = date(2027, 4, 1)


def test_meetings_are_not_overdue_on_their_due_date(partnership):
    commitment(partnership, CommitmentKind.MEETINGS, MEETING_DUE)

    sweep_on(MEETING_DUE)

    assert not Notification.objects.filter(kind="meetings_overdue").exists()


def test_overdue_meetings_are_reminded_to_both_sides_liaison_officers_from_the_day_after(
    partnership, university_liaison, police_liaison, bystanders
):
    meetings = commitment(partnership, CommitmentKind.MEETINGS, MEETING_DUE)

    sweep_on(MEETING_DUE + days(1))

    assert told("meetings_overdue", meetings) == [(university_liaison, MEETING_DUE), (police_liaison, MEETING_DUE)]
    assert not told_anything(bystanders)
    assert_emailed([university_liaison, police_liaison], partnership.get_absolute_url())


def test_overdue_meetings_are_reminded_once(partnership, university_liaison, police_liaison):
    meetings = commitment(partnership, CommitmentKind.MEETINGS, MEETING_DUE)
    sweep_on(MEETING_DUE + days(1))
    forget_mail()

    sweep_every_day(MEETING_DUE + days(1), MEETING_DUE + days(14))

    assert len(told("meetings_overdue", meetings)) == 2
    assert_nothing_more_emailed()


def test_no_meetings_reminder_for_a_commitment_no_longer_active(partnership):
    meetings = commitment(partnership, CommitmentKind.MEETINGS, MEETING_DUE)
    Commitment.objects.filter(pk=meetings.pk).update(active=False)

    sweep_on(MEETING_DUE + days(1))

    assert told("meetings_overdue", meetings) == []


# --- muted groups, people without an email address, deactivated people ---------------------------


def test_a_muted_group_stops_that_users_reminders_but_keeps_a_hidden_row(
    partnership, university_liaison, police_liaison
):
    services.set_muted(university_liaison, ["meetings_overdue"])
    meetings = commitment(partnership, CommitmentKind.MEETINGS, MEETING_DUE)

    sweep_on(MEETING_DUE + days(1))

    muted = Notification.objects.get(kind="meetings_overdue", recipient=university_liaison)
    assert (muted.shown, muted.delivery) == (False, Delivery.SKIPPED)
    assert not Notification.objects.inbox_of(university_liaison).exists()
    assert told("meetings_overdue", meetings) == [(university_liaison, MEETING_DUE), (police_liaison, MEETING_DUE)]
    assert_emailed([police_liaison], partnership.get_absolute_url())


def test_muting_one_group_leaves_the_others(partnership, university_liaison, police_liaison):
    services.set_muted(university_liaison, ["meetings_overdue"])
    review = commitment(partnership, CommitmentKind.REVIEW, REVIEW_DUE)

    sweep_on(REVIEW_DUE - days(60))

    assert told("agreement_review_in_60_days", review) == [
        (university_liaison, REVIEW_DUE),
        (police_liaison, REVIEW_DUE),
    ]
    assert_emailed([university_liaison, police_liaison], partnership.get_absolute_url())


def test_session_reminders_cannot_be_muted(upcoming, staff_member):
    services.set_muted(staff_member, ["training_bookings", "training_feedback"])
    booking = book(upcoming, staff_member)
    forget_mail()

    sweep(START - days(1))

    assert list(Muted.objects.filter(user=staff_member).values_list("group", flat=True)) == ["training_feedback"]
    assert told("session_tomorrow", booking) == [(staff_member, SESSION_DAY)]
    assert_emailed([staff_member], upcoming.get_absolute_url())


def test_signatures_cannot_be_muted(approved, university_liaison, police_liaison):
    services.set_muted(university_liaison, ["agreement_signing", "agreement_workflow"])
    forget_mail()

    signature = sign(approved, police_liaison)

    assert list(Muted.objects.filter(user=university_liaison).values_list("group", flat=True)) == ["agreement_workflow"]
    assert told("agreement_signed", signature) == [(university_liaison, timezone.localdate())]
    assert Notification.objects.inbox_of(university_liaison).filter(kind="agreement_signed").exists()
    assert_emailed([university_liaison], approved.get_absolute_url())


def test_a_recipient_without_an_email_address_is_told_in_the_portal_only(
    partnership, university_liaison, police_liaison
):
    police_liaison.email = ""
    police_liaison.save()
    meetings = commitment(partnership, CommitmentKind.MEETINGS, MEETING_DUE)

    sweep_on(MEETING_DUE + days(1))

    note = Notification.objects.inbox_of(police_liaison).get()
    assert (note.kind, note.object_id, note.delivery) == ("meetings_overdue", meetings.pk, Delivery.SKIPPED)
    assert_emailed([university_liaison], partnership.get_absolute_url())


def test_a_deactivated_liaison_officer_is_told_nothing_new(partnership, university_liaison, police_liaison):
    police_liaison.is_active = False
    police_liaison.save()
    meetings = commitment(partnership, CommitmentKind.MEETINGS, MEETING_DUE)

    sweep_on(MEETING_DUE + days(1))

    assert told("meetings_overdue", meetings) == [(university_liaison, MEETING_DUE)]
    assert_emailed([university_liaison], partnership.get_absolute_url())


def test_a_deactivated_action_owner_is_told_nothing_new(partnership, staff_owner, staff_member):
    staff_member.is_active = False
    staff_member.save()
    action = action_due(partnership, ACTION_DUE, owner=staff_owner)

    sweep_on(ACTION_DUE - days(1))

    assert not told_anything([staff_member])
    # As for an owner without an account: their side's single point of contact, if any, or a
    # "nobody to tell" marker, kept so it is not looked for again.
    spoc = partnership.institution_contact
    expected = spoc.user if spoc is not None and spoc.user is not None else None
    assert told("action_due", action) == [(expected, ACTION_DUE)]


def test_a_deactivated_attendee_is_sent_no_session_reminder(upcoming, staff_member):
    booking = book(upcoming, staff_member)
    forget_mail()
    staff_member.is_active = False
    staff_member.save()

    sweep(START - days(1))

    assert_nothing_more_emailed()
    assert not Notification.objects.filter(kind="session_tomorrow", object_id=booking.pk, shown=True).exists()


def test_a_deactivated_attendee_is_sent_no_refresher_reminder(taken, staff_member):
    booking = attended(taken, staff_member)
    staff_member.is_active = False
    staff_member.save()

    sweep_on(REFRESHER_DUE - days(30))

    assert told("refresher_due", booking) == []
    assert_nothing_more_emailed()
