"""Findings of the attacker review of an agreement's life in force (issue 16): notice given while
a variation is signed but not yet in force, a second variation drafted from the superseded
text, a variation taking effect after the term it keeps, the variation's signed text and the
partnership's record of how long an agreement has been in force."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agreements import services, tasks
from agreements.models import A, Agreement
from agreements.services import WorkflowError
from agreements.text import assemble
from notifications.models import Notification
from tests import factories
from tests.fixtures.agreements import FIELDS, sign_both
from tests.fixtures.reminders import sweep_on

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
EFFECTIVE = date(2026, 12, 1)  # the fixtures' effective date; term 24 months (to 30 November 2028), notice 3


def on(day: date, hour: int = 12):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


@pytest.fixture
def in_force(approved, police_liaison, university_liaison):
    with on(EFFECTIVE):
        sign_both(approved, police_liaison, university_liaison)
    approved.refresh_from_db()
    assert approved.status == A.IN_FORCE
    return approved


def signed_variation(of, *, university_liaison, police_liaison, day: date, effective: date, words: str) -> Agreement:
    """A variation of ``of`` started, agreed and signed on ``day``, taking effect on ``effective``."""
    with on(day):
        variation = services.start_variation(of, by=university_liaison)
        clause = variation.clauses.get(key="scope")
        services.update_clause(clause, body=clause.body + words, included=True, by=university_liaison)
        variation.effective_date = effective
        services.save_details(variation, fields=["effective_date"], by=university_liaison)
        services.submit_for_review(variation, by=university_liaison)
        services.approve(variation, by=police_liaison)
        sign_both(variation, police_liaison, university_liaison)
    variation.refresh_from_db()
    return variation


def test_notice_is_not_lost_when_a_signed_variation_comes_into_force(in_force, university_liaison, police_liaison):
    """A variation signed on 1 May, in force from 1 July; the force gives notice on 2 May. Before
    the fix the notice was accepted on the original, the variation superseded it on 1 July and
    the agreement stayed in force for good: the notice, its reason and its last day were lost."""
    variation = signed_variation(
        in_force,
        university_liaison=university_liaison,
        police_liaison=police_liaison,
        day=date(2027, 5, 1),
        effective=date(2027, 7, 1),
        words=" And the sports village.",
    )
    assert variation.status == A.SIGNED
    with on(date(2027, 5, 2)), pytest.raises(WorkflowError, match="comes into force on 1 July 2027"):
        services.give_notice(in_force, by=police_liaison, reason="The force is merging its teams.")
    in_force.refresh_from_db()
    assert in_force.notice_given_at is None
    with on(date(2027, 7, 1), hour=0):
        tasks.bring_agreements_into_force()
    variation.refresh_from_db()
    assert variation.status == A.IN_FORCE
    # Once the variation is in force, notice is given on it, and the daily task ends it.
    with on(date(2027, 7, 2)):
        services.give_notice(variation, by=police_liaison, reason="The force is merging its teams.")
    with on(date(2027, 10, 3), hour=0):
        tasks.bring_agreements_into_force()
    variation.refresh_from_db()
    assert variation.status == A.ENDED


def test_the_give_notice_page_says_why_it_waits_for_a_signed_variation(
    in_force, university_liaison, police_liaison, client
):
    signed_variation(
        in_force,
        university_liaison=university_liaison,
        police_liaison=police_liaison,
        day=date(2027, 5, 1),
        effective=date(2027, 7, 1),
        words=" And the sports village.",
    )
    with on(date(2027, 5, 2)):
        client.force_login(police_liaison)
        page = client.get(in_force.get_absolute_url()).content.decode()
        assert "Signed, in force from 1 July 2027" in page
        assert reverse("agreements:give_notice", args=[in_force.pk]) not in page
        response = client.post(reverse("agreements:give_notice", args=[in_force.pk]), {"reason": "Merging."})
    assert response.status_code == 200
    assert "comes into force on 1 July 2027: give notice to end once it is in force" in response.content.decode()


def test_a_second_variation_is_not_drafted_from_the_text_the_first_replaces(
    in_force, university_liaison, police_liaison
):
    """Variation 1 is signed, in force from 1 July. Before the fix a second variation could be
    started on 2 May from the original's text, without variation 1's change; whichever came into
    force last would then silently undo the other."""
    signed_variation(
        in_force,
        university_liaison=university_liaison,
        police_liaison=police_liaison,
        day=date(2027, 5, 1),
        effective=date(2027, 7, 1),
        words=" And the sports village.",
    )
    with on(date(2027, 5, 2)), pytest.raises(WorkflowError, match="start the next variation once it is in force"):
        services.start_variation(in_force, by=university_liaison)
    assert Agreement.objects.filter(varies=in_force).count() == 1


def test_a_variation_cannot_take_effect_after_the_term_it_keeps(in_force, university_liaison, police_liaison):
    """The original's term ends on 30 November 2028; a variation taking effect on 1 January 2029
    would come into force with a last day of the term before its first day."""
    with on(date(2028, 10, 1)):
        variation = services.start_variation(in_force, by=university_liaison)
        variation.effective_date = date(2029, 1, 1)
        services.save_details(variation, fields=["effective_date"], by=university_liaison)
        with pytest.raises(WorkflowError, match="30 November 2028"):
            services.submit_for_review(variation, by=university_liaison)


def test_a_variations_signed_text_states_the_term_it_keeps(in_force, university_liaison, police_liaison):
    """The variation keeps the original's term (to 30 November 2028), but its term clause said
    "24 months from 1 May 2027", a term to 30 April 2029: the signed text and the record disagree."""
    variation = signed_variation(
        in_force,
        university_liaison=university_liaison,
        police_liaison=police_liaison,
        day=date(2027, 5, 1),
        effective=date(2027, 5, 1),
        words=" And the sports village.",
    )
    assert variation.expires_on == date(2028, 11, 30)
    term = next(c for c in assemble(variation)["clauses"] if c["key"] == "term")
    assert "24 months from 1 May 2027" not in term["text"]


def test_a_variation_in_force_keeps_the_date_the_agreement_came_into_force(
    in_force, university_liaison, police_liaison, partnership
):
    """The memorandum has been in force since 1 December 2026; a variation of its text does not
    make health say it has been in force only since the variation."""
    signed_variation(
        in_force,
        university_liaison=university_liaison,
        police_liaison=police_liaison,
        day=date(2027, 5, 1),
        effective=date(2027, 5, 1),
        words=" And the sports village.",
    )
    partnership.refresh_from_db()
    assert partnership.agreement_in_force_since == EFFECTIVE


def test_a_withdrawn_variation_does_not_say_it_will_come_into_force(in_force, university_liaison, client):
    with on(date(2027, 5, 1)):
        variation = services.start_variation(in_force, by=university_liaison)
        services.withdraw(variation, by=university_liaison, reason="Not needed after all.")
        client.force_login(university_liaison)
        page = client.get(variation.get_absolute_url()).content.decode()
    assert "until it is in force, the text it varies stays in force" not in page


def test_no_variation_of_an_agreement_a_signed_renewal_is_about_to_replace(
    in_force, template, university_liaison, police_liaison
):
    """A new agreement is signed on 1 May 2027, in force from 1 July. Before the fix a variation of
    the agreement it replaces could still be started: signed after 1 July, it would supersede
    the new agreement with the old text."""
    with on(date(2027, 5, 1)):
        renewal = services.start_draft(
            in_force.partnership,
            template,
            by=university_liaison,
            title="Renewed memorandum",
            **{**FIELDS, "effective_date": date(2027, 7, 1)},
        )
        services.submit_for_review(renewal, by=university_liaison)
        services.approve(renewal, by=police_liaison)
        sign_both(renewal, police_liaison, university_liaison)
    renewal.refresh_from_db()
    assert renewal.status == A.SIGNED
    with on(date(2027, 5, 2)), pytest.raises(WorkflowError, match="waiting for its effective date"):
        services.start_variation(in_force, by=university_liaison)


@pytest.mark.parametrize("name", ["answer_review", "give_notice", "start_variation"])
def test_who_reaches_the_pages_of_an_agreement_in_force(
    in_force, name, university_liaison, police_liaison, staff_member, administrator, outsider, partnership, client
):
    """Outsiders and other agencies 404; staff members (no workings) 404; administrators and
    senior sponsors 403; the force may not start a variation. POST as GET."""
    sponsor = factories.UserFactory(role="senior_sponsor", organisation=partnership.institution)
    agency = factories.UserFactory(role="agency_liaison")
    expected = {
        outsider: 404,
        agency: 404,
        staff_member: 404,
        administrator: 403,
        sponsor: 403,
        police_liaison: 403 if name == "start_variation" else 200,
        university_liaison: 200,
    }
    url = reverse(f"agreements:{name}", args=[in_force.pk])
    with on(date(2027, 11, 2)):
        for user, status in expected.items():
            client.force_login(user)
            assert client.get(url).status_code == status, (user.role, "GET")
            if status != 200:
                assert client.post(url, {"reason": "x", "note": "x"}).status_code == status, (user.role, "POST")
    in_force.refresh_from_db()
    assert in_force.notice_given_at is None and not in_force.review_confirmations.exists()
    assert not Agreement.objects.filter(varies=in_force).exists()


def test_no_review_reminders_for_an_agreement_under_notice(in_force, police_liaison):
    """Notice given on 1 September 2027: the review due on 1 December 2027 can no longer be
    answered (the agreement ends that day), so nobody is reminded of it."""
    with on(date(2027, 9, 1)):
        services.give_notice(in_force, by=police_liaison, reason="The force is merging its teams.")
    for day in (date(2027, 10, 2), date(2027, 11, 1), date(2027, 11, 24)):
        sweep_on(day)
    assert not Notification.objects.filter(kind__startswith="agreement_review_in_").exists()


def test_review_reminders_still_go_out_without_notice(in_force):
    sweep_on(date(2027, 10, 2))
    assert Notification.objects.filter(kind="agreement_review_in_60_days").exists()


def test_the_agreement_list_tells_a_variation_from_the_original(in_force, university_liaison, client):
    """Before the fix both rows read the same title: which one is in force, which the draft?"""
    with on(date(2027, 5, 1)):
        services.start_variation(in_force, by=university_liaison)
        client.force_login(university_liaison)
        page = client.get(reverse("agreements:list")).content.decode()
    assert f"{in_force.title} (variation 1)</a>" in page
