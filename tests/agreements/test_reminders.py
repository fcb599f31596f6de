"""Agreements' notifications: workflow events, review and end-of-term reminders (see agreements/reminders.py)."""

from datetime import date

import pytest
from django.utils import timezone

from agreements import services as agreement_services
from notifications import services as notification_services
from notifications.models import Notification
from partnerships.models import Commitment, CommitmentKind
from tests.fixtures.agreements import SUBMITTED_ON
from tests.fixtures.reminders import (
    EXPIRY_KINDS,
    REVIEW_DUE,
    REVIEW_KINDS,
    TERM_ENDS,
    assert_emailed,
    assert_nothing_more_emailed,
    commitment,
    days,
    first_recorded_on,
    forget_mail,
    sign,
    sweep_on,
    told,
    told_anything,
)
from tests.helpers import sent_mail

pytestmark = pytest.mark.django_db


# --- agreement_review_requested, _changes_requested, _ready_to_sign, _signed: workflow events ---


def test_a_review_request_goes_to_the_forces_liaison_officers_only(
    draft, university_liaison, police_liaison, second_officers, bystanders
):
    uni_colleague, police_colleague = second_officers

    version = agreement_services.submit_for_review(draft, by=university_liaison, today=SUBMITTED_ON)

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


def comment(agreement, person, body="Clause 4: quarterly, please."):
    return agreement_services.comment_on_clause(agreement, clause_key="meetings", body=body, by=person)


def test_a_review_comment_goes_to_the_other_sides_liaison_officers_once_a_day(
    in_review, university_liaison, police_liaison, second_officers, bystanders
):
    uni_colleague, police_colleague = second_officers
    forget_mail()

    comment(in_review, police_liaison)
    comment(in_review, police_colleague, body="And clause 7.")  # the same day: no second email

    version = in_review.versions.get()
    today = timezone.localdate()
    assert told("agreement_commented", version) == [(university_liaison, today), (uni_colleague, today)]
    assert not told_anything(bystanders)
    assert_emailed([university_liaison, uni_colleague], in_review.get_absolute_url(), kind="agreement_commented")


def test_the_institutions_comment_goes_to_the_forces_liaison_officers(
    in_review, university_liaison, police_liaison, second_officers
):
    uni_colleague, police_colleague = second_officers
    forget_mail()

    comment(in_review, university_liaison)

    version = in_review.versions.get()
    today = timezone.localdate()
    assert told("agreement_commented", version) == [(police_liaison, today), (police_colleague, today)]
    (message, _) = sent_mail()
    assert message.subject == f"{university_liaison.organisation.name} commented on {in_review.title}, version 1"
    assert "Open threads: 1" in message.body
    assert_emailed([police_liaison, police_colleague], in_review.get_absolute_url(), kind="agreement_commented")


def test_review_comments_respect_deactivated_and_muted_liaison_officers(
    in_review, university_liaison, police_liaison, second_officers
):
    uni_colleague, _ = second_officers
    uni_colleague.is_active = False
    uni_colleague.save()
    notification_services.set_muted(university_liaison, ["agreement_workflow"])
    forget_mail()

    comment(in_review, police_liaison)

    version = in_review.versions.get()
    assert told("agreement_commented", version) == [(university_liaison, timezone.localdate())]
    assert not Notification.objects.inbox_of(university_liaison).filter(kind="agreement_commented").exists()
    assert_nothing_more_emailed()


def test_workflow_notifications_are_not_repeated_by_the_sweep(in_force):
    before = Notification.objects.count()
    forget_mail()

    # The day after it came into force (1 December 2026), before anything it commits to is due.
    sweep_on(date(2026, 12, 2))
    sweep_on(date(2026, 12, 2))

    assert Notification.objects.count() == before
    assert_nothing_more_emailed()


# --- agreement_review_in_60_days, _30_, _7_ -----------------------------------------------------


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
