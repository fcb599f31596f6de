"""What every kind of notification shares: muted groups, people without an email address, deactivated people."""

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Delivery, Muted, Notification
from partnerships.models import CommitmentKind
from tests.fixtures.reminders import (
    ACTION_DUE,
    MEETING_DUE,
    REFRESHER_DUE,
    REVIEW_DUE,
    SESSION_DAY,
    START,
    action_due,
    assert_emailed,
    assert_nothing_more_emailed,
    attended,
    book,
    commitment,
    days,
    forget_mail,
    sign,
    sweep,
    sweep_on,
    told,
    told_anything,
)

pytestmark = pytest.mark.django_db


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
