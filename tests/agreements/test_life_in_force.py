"""An agreement's life in force (issue 16): the scheduled review answered "reviewed, no change" by
both sides, a variation (a new version of the same agreement, agreed and signed again, listed on
the verification page and in the signed PDF) and notice to end (its last day from the notice
period; the daily task ends it the day after)."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from agreements import services, tasks
from agreements.documents import signed_document
from agreements.models import A, Agreement
from agreements.services import WorkflowError
from notifications.models import Notification
from partnerships.models import Commitment, CommitmentKind
from tests import factories
from tests.fixtures.agreements import sign_both

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
EFFECTIVE = date(2026, 12, 1)  # the fixtures' effective date; term 24 months, review 12, notice 3


def on(day: date, hour: int = 12):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def in_force(approved, police_liaison, university_liaison):
    """Signed by both sides on its effective date, 1 December 2026: in force at once."""
    with on(EFFECTIVE):
        sign_both(approved, police_liaison, university_liaison)
    approved.refresh_from_db()
    assert approved.status == A.IN_FORCE
    return approved


def review_due(partnership):
    return Commitment.objects.get(partnership=partnership, kind=CommitmentKind.REVIEW, active=True).due_on


# --- The scheduled review ----------------------------------------------------------------------


def test_the_review_opens_sixty_days_before_it_is_due(in_force, police_liaison):
    assert in_force.expires_on == date(2028, 11, 30)
    assert review_due(in_force.partnership) == date(2027, 12, 1)
    with on(date(2027, 10, 1)), pytest.raises(WorkflowError, match="can be answered from 2 October 2027"):
        services.confirm_review(in_force, by=police_liaison)


def test_both_sides_answer_no_change_and_the_next_review_is_a_year_on(in_force, police_liaison, university_liaison):
    with on(date(2027, 11, 20)):
        services.confirm_review(in_force, by=police_liaison, note="Reviewed at the strategic meeting.")
    # One side is not enough: the review is still due on the same day.
    assert review_due(in_force.partnership) == date(2027, 12, 1)
    told = Notification.objects.filter(kind="agreement_review_answered")
    assert {n.recipient_id for n in told} >= {university_liaison.pk}
    assert police_liaison.pk not in {n.recipient_id for n in told}
    with on(date(2027, 11, 20)), pytest.raises(WorkflowError, match="already answered"):
        services.confirm_review(in_force, by=police_liaison)
    with on(date(2027, 11, 25)):
        services.confirm_review(in_force, by=university_liaison)
    assert review_due(in_force.partnership) == date(2028, 11, 25)
    comments = list(in_force.events.values_list("comment", flat=True))
    assert "Review due on 1 December 2027 done: both sides confirmed no change" in comments
    assert any("Reviewed at the strategic meeting." in c for c in comments)
    assert in_force.review_confirmations.count() == 2


def test_a_late_review_can_still_be_answered(in_force, police_liaison, university_liaison):
    with on(date(2028, 1, 10)):
        services.confirm_review(in_force, by=university_liaison)
        services.confirm_review(in_force, by=police_liaison)
    assert review_due(in_force.partnership) == date(2029, 1, 10)


def test_only_the_parties_liaison_officers_answer_a_review(in_force, staff_member, partnership):
    sponsor = factories.UserFactory(role="senior_sponsor", organisation=partnership.institution)
    for person in (staff_member, sponsor):
        with on(date(2027, 11, 20)), pytest.raises(WorkflowError, match="liaison officers"):
            services.confirm_review(in_force, by=person)


# --- Notice to end ------------------------------------------------------------------------------


def test_notice_ends_it_after_the_notice_period_and_the_daily_task_ends_it(in_force, police_liaison, partnership):
    with on(date(2027, 3, 15)), pytest.raises(Exception, match="Say why"):
        services.give_notice(in_force, by=police_liaison, reason="  ")
    with on(date(2027, 3, 15)):
        services.give_notice(in_force, by=police_liaison, reason="The force is merging its campus teams.")
    in_force.refresh_from_db()
    assert in_force.ends_on == date(2027, 6, 15) and in_force.notice_given_by == police_liaison
    assert in_force.status == A.IN_FORCE
    assert Notification.objects.filter(kind="agreement_notice_given").exists()
    with on(date(2027, 3, 16)), pytest.raises(WorkflowError):
        services.give_notice(in_force, by=police_liaison, reason="Again")
    with on(date(2027, 6, 15), hour=23):
        assert tasks.bring_agreements_into_force() == 0  # its last day: still in force
    with on(date(2027, 6, 16), hour=0):
        assert tasks.bring_agreements_into_force() == 1
        assert tasks.bring_agreements_into_force() == 0
    in_force.refresh_from_db()
    assert in_force.status == A.ENDED
    partnership.refresh_from_db()
    assert partnership.agreement_in_force_since is None
    assert not Commitment.objects.filter(partnership=partnership, active=True).exists()


def test_notice_near_the_end_of_the_term_ends_it_with_the_term(in_force, university_liaison):
    with on(date(2028, 10, 15)):
        services.give_notice(in_force, by=university_liaison, reason="Replaced by a regional protocol.")
    in_force.refresh_from_db()
    assert in_force.ends_on == date(2028, 11, 30)  # the term's last day comes before 15 January 2029


def test_after_notice_there_is_no_review_and_no_variation(in_force, university_liaison):
    with on(date(2027, 11, 1)):
        services.give_notice(in_force, by=university_liaison, reason="Ending the partnership.")
        with pytest.raises(WorkflowError):
            services.confirm_review(in_force, by=university_liaison)
        with pytest.raises(WorkflowError):
            services.start_variation(in_force, by=university_liaison)


# --- Variations ---------------------------------------------------------------------------------


def vary_and_sign(in_force, *, university_liaison, police_liaison, day: date) -> Agreement:
    """Variation 1: the scope clause changed, effective ``day``, agreed and signed on ``day``."""
    with on(day):
        variation = services.start_variation(in_force, by=university_liaison)
        clause = variation.clauses.get(key="scope")
        services.update_clause(
            clause, body=clause.body + " It covers the new sports village too.", included=True, by=university_liaison
        )
        variation.effective_date = day
        services.save_details(variation, fields=["effective_date"], by=university_liaison)
        services.submit_for_review(variation, by=university_liaison)
        services.approve(variation, by=police_liaison)
        sign_both(variation, police_liaison, university_liaison)
    variation.refresh_from_db()
    return variation


def test_a_variation_starts_from_the_text_in_force(in_force, university_liaison, police_liaison):
    with on(date(2027, 5, 1)):
        with pytest.raises(WorkflowError, match="institution's liaison officers"):
            services.start_variation(in_force, by=police_liaison)
        variation = services.start_variation(in_force, by=university_liaison)
        with pytest.raises(WorkflowError, match="already being agreed"):
            services.start_variation(in_force, by=university_liaison)
    assert variation.status == A.DRAFT and variation.varies == in_force and variation.variation_number == 1
    assert str(variation) == f"{in_force.title} (variation 1)"
    assert variation.effective_date is None and variation.term_months == in_force.term_months
    assert {(c.key, c.body, c.included) for c in variation.clauses.all()} == {
        (c.key, c.body, c.included) for c in in_force.clauses.all()
    }
    # A notice cannot overtake a variation being agreed.
    with on(date(2027, 5, 2)), pytest.raises(WorkflowError, match="withdraw it"):
        services.give_notice(in_force, by=police_liaison, reason="Ending")


def test_a_signed_variation_supersedes_the_text_it_varies_and_keeps_the_term(
    in_force, university_liaison, police_liaison, client
):
    variation = vary_and_sign(
        in_force, university_liaison=university_liaison, police_liaison=police_liaison, day=date(2027, 5, 1)
    )
    in_force.refresh_from_db()
    assert variation.status == A.IN_FORCE and in_force.status == A.SUPERSEDED
    assert variation.expires_on == in_force.expires_on == date(2028, 11, 30)
    assert in_force.events.first().comment == "Superseded by variation 1"

    # The public verification page of either lists the original and its variation.
    for agreement, this in ((in_force, "The original memorandum (this page)"), (variation, "Variation 1 (this page)")):
        page = client.get(agreement.get_verification_url()).content.decode()
        assert this in page
        assert page.count('data-testid="variation"') == 2
        assert "30 November 2028" in page  # the expiry
    page = client.get(in_force.get_verification_url()).content.decode()
    assert variation.get_verification_url() in page and "1 May 2027" in page

    # The variation's signed PDF lists the original and itself, and keeps the original's term.
    with on(date(2027, 5, 1)):
        _, _, content = signed_document(variation)
    text = pdf_text(content)
    assert "Variations" in text and "The original memorandum" in text and "Variation 1 (this document)" in text
    assert "new sports village" in " ".join(text.split())
    assert "30 November 2028" in text


def test_a_second_variation_is_numbered_two_and_lists_both(in_force, university_liaison, police_liaison, client):
    first = vary_and_sign(
        in_force, university_liaison=university_liaison, police_liaison=police_liaison, day=date(2027, 5, 1)
    )
    with on(date(2027, 9, 1)):
        second = services.start_variation(first, by=university_liaison)
    assert second.varies == in_force and second.variation_number == 2
    assert second.clauses.get(key="scope").body.endswith("the new sports village too.")


def test_the_pages_of_an_agreement_in_force(in_force, university_liaison, police_liaison, staff_member, client):
    url = in_force.get_absolute_url()
    with on(date(2027, 6, 1)):
        client.force_login(police_liaison)  # signed in on the day: a session does not last months
        page = client.get(url).content.decode()
        assert "Due 1 December 2027" in page and "It can be answered from 2 October 2027" in page
        assert reverse("agreements:give_notice", args=[in_force.pk]) in page
        assert reverse("agreements:start_variation", args=[in_force.pk]) not in page  # the institution drafts
        notice_page = client.get(reverse("agreements:give_notice", args=[in_force.pk])).content.decode()
        assert "1 September 2027" in notice_page
        response = client.post(reverse("agreements:give_notice", args=[in_force.pk]), {"reason": ""})
        assert response.status_code == 200 and "Give your reason" in response.content.decode()
    with on(date(2027, 11, 2)):
        client.force_login(police_liaison)
        page = client.get(url).content.decode()
        assert reverse("agreements:answer_review", args=[in_force.pk]) in page
        response = client.post(reverse("agreements:answer_review", args=[in_force.pk]), {"note": "Fine."})
        assert response.status_code == 302
        page = client.get(reverse("agreements:answer_review", args=[in_force.pk])).content.decode()
        assert "Your side has answered this review." in page

    with on(date(2027, 11, 3)):
        client.force_login(university_liaison)
        response = client.post(reverse("agreements:start_variation", args=[in_force.pk]))
        variation = Agreement.objects.get(varies=in_force)
        assert response.url == reverse("agreements:edit", args=[variation.pk])
        edit = client.get(response.url).content.decode()
        assert "A variation keeps the term of the agreement it varies." in edit
        assert "Variation 1 of" in client.get(variation.get_absolute_url()).content.decode()

    # Staff members see the agreement's status changes, never the parties' notes or reasons.
    with on(date(2027, 11, 3)):
        client.force_login(staff_member)
        page = client.get(url).content.decode()
    assert "Fine." not in page and "confirmed for" not in page
    assert "Review, variations" not in page or "Term, review and variations" in page


def test_a_variation_keeps_the_commitments_dates_and_a_half_answered_review(
    in_force, university_liaison, police_liaison, partnership
):
    meetings = Commitment.objects.get(partnership=partnership, kind=CommitmentKind.MEETINGS, active=True)
    assert meetings.due_on == date(2027, 3, 1)  # every 3 months from 1 December 2026
    with on(date(2027, 11, 1)):
        services.confirm_review(in_force, by=police_liaison)
        variation = services.start_variation(in_force, by=university_liaison)
        variation.effective_date = date(2027, 11, 1)
        variation.meeting_months = 2
        services.save_details(variation, fields=["effective_date", "meeting_months"], by=university_liaison)
        services.submit_for_review(variation, by=university_liaison)
        services.approve(variation, by=police_liaison)
        sign_both(variation, police_liaison, university_liaison)
    variation.refresh_from_db()
    assert variation.status == A.IN_FORCE
    partnership.refresh_from_db()
    assert partnership.agreement_in_force_since == EFFECTIVE
    assert review_due(partnership) == date(2027, 12, 1)  # unchanged by the variation
    meetings = Commitment.objects.get(partnership=partnership, kind=CommitmentKind.MEETINGS, active=True)
    assert meetings.every_months == 2 and meetings.due_on == date(2027, 2, 1)  # the new interval, from the start
    # The force answered the review before the variation; the university's answer completes it.
    with on(date(2027, 11, 20)):
        with pytest.raises(WorkflowError, match="already answered"):
            services.confirm_review(variation, by=police_liaison)
        services.confirm_review(variation, by=university_liaison)
    assert review_due(partnership) == date(2028, 11, 20)
