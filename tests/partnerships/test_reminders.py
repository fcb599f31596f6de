"""Partnerships' reminders: actions due and overdue, shares awaiting feedback, meetings overdue.

The kinds and their sources are in partnerships/reminders.py.
"""

import pytest

from notifications.models import Notification
from partnerships.models import ActionStatus, Commitment, CommitmentKind, Direction, Outcome
from tests import factories
from tests.fixtures.reminders import (
    ACTION_DUE,
    MEETING_DUE,
    SHARED_ON,
    action_due,
    assert_emailed,
    assert_nothing_more_emailed,
    commitment,
    days,
    forget_mail,
    shared,
    sweep_every_day,
    sweep_on,
    told,
    told_anything,
)

pytestmark = pytest.mark.django_db


# --- action_due, action_overdue ------------------------------------------------------------------


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
