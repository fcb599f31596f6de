"""The agreement workflow, through the services: every move, and every move refused."""

import pytest
from django.core.exceptions import ValidationError

from accounts.reauth import PASSWORD
from agreements import services
from agreements import text as agreement_text
from agreements.models import (
    A,
    Agreement,
    AgreementClause,
    AgreementVersion,
    Signature,
    TextFrozen,
)
from partnerships.models import Commitment

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_draft_copies_required_clauses_in_and_optional_ones_out(draft):
    included = {c.key: c.included for c in draft.clauses.all()}
    assert included["parties"] is True and included["county_lines"] is False
    assert draft.events.get().to_status == A.DRAFT


def test_an_unfilled_placeholder_blocks_submission_naming_it(draft, university_liaison):
    draft.area_covered = ""
    draft.meeting_months = None
    draft.save()
    with pytest.raises(ValidationError, match=r"Still empty: Area covered, Meet every \(months\)\."):
        services.submit_for_review(draft, by=university_liaison)
    draft.refresh_from_db()
    assert draft.status == A.DRAFT and not draft.versions.exists()


def test_submission_freezes_the_filled_text_as_a_version(in_review):
    version = in_review.versions.get()
    text = {c["key"]: c["text"] for c in version.clauses}
    assert text["parties"] == "This memorandum is between University of Northbridge and Northbridge Police."
    assert text["meetings"] == "The parties meet every 3 months and share statistics every 6 months."
    assert "county_lines" not in text
    assert version.sha256 == agreement_text.text_hash(version.text) and len(version.sha256) == 64


def test_versions_and_frozen_text_cannot_change(in_review):
    version = in_review.versions.get()
    version.sha256 = "0" * 64
    with pytest.raises(TextFrozen):
        version.save()
    with pytest.raises(TextFrozen):
        version.delete()
    clause = in_review.clauses.first()
    clause.body = "Changed after submission"
    with pytest.raises(TextFrozen):
        clause.save()
    assert AgreementClause.objects.get(pk=clause.pk).body != "Changed after submission"


def test_police_side_requests_changes_and_the_university_revises_into_version_two(
    in_review, police_liaison, university_liaison
):
    services.comment_on_clause(in_review, clause_key="scope", body="Include the city centre.", by=police_liaison)
    services.request_changes(in_review, by=police_liaison, comment="See the comment on scope.")
    services.revise(in_review, by=university_liaison)
    clause = in_review.clauses.get(key="scope")
    services.update_clause(
        clause, body="It covers {area_covered} and the city centre.", included=True, by=university_liaison
    )
    version = services.submit_for_review(in_review, by=university_liaison)
    assert version.number == 2
    in_review.refresh_from_db()
    assert [e.to_status for e in in_review.events.order_by("at", "pk")] == [
        A.DRAFT,
        A.IN_REVIEW,
        A.CHANGES_REQUESTED,
        A.DRAFT,
        A.IN_REVIEW,
    ]


@pytest.mark.parametrize(
    ("step", "role"),
    [
        ("request_changes", "university_liaison"),  # only police review
        ("revise", "university_liaison"),  # nothing was requested
        ("submit_for_review", "university_liaison"),  # already in review
        ("submit_for_review", "police_liaison"),
    ],
)
def test_moves_the_workflow_does_not_allow_raise(in_review, personas, step, role):
    with pytest.raises(services.WorkflowError):
        getattr(services, step)(in_review, by=personas[role])
    in_review.refresh_from_db()
    assert in_review.status == A.IN_REVIEW


def test_nobody_signs_before_both_sides_approve(in_review, police_liaison):
    with pytest.raises(services.WorkflowError):
        services.sign(
            in_review,
            by=police_liaison,
            position="Inspector",
            authentication=PASSWORD,
            ip_address=None,
            confirmed=True,
        )


def test_both_sign_and_the_agreement_comes_into_force(
    approved, police_liaison, university_liaison, partnership, django_capture_on_commit_callbacks
):
    assert approved.status == A.APPROVED
    services.sign(
        approved,
        by=police_liaison,
        position="Inspector",
        authentication=PASSWORD,
        ip_address="10.0.0.1",
        confirmed=True,
    )
    approved.refresh_from_db()
    assert approved.status == A.PARTLY_SIGNED
    with django_capture_on_commit_callbacks() as callbacks:
        services.sign(
            approved,
            by=university_liaison,
            position="Head of Student Safety",
            authentication=PASSWORD,
            ip_address="10.0.0.2",
            confirmed=True,
        )
    approved.refresh_from_db()
    assert approved.status == A.IN_FORCE and approved.signed_at
    assert len(callbacks) == 2  # the signed PDF is rendered, and the other side emailed, after commit
    version = approved.versions.get()
    assert set(Signature.objects.values_list("text_sha256", flat=True)) == {version.sha256}
    partnership.refresh_from_db()
    assert partnership.agreement_in_force_since == approved.effective_date
    assert {c.kind: c.every_months for c in Commitment.objects.active()} == {
        "meetings": 3,
        "statistics": 6,
        "training": 12,
        "review": 12,
    }


def test_a_side_signs_once_and_needs_to_confirm(approved, police_liaison):
    with pytest.raises(ValidationError) as error:
        services.sign(
            approved, by=police_liaison, position=" ", authentication=PASSWORD, ip_address=None, confirmed=False
        )
    assert set(error.value.error_dict) == {"confirmed", "position"}
    services.sign(
        approved, by=police_liaison, position="Inspector", authentication=PASSWORD, ip_address=None, confirmed=True
    )
    with pytest.raises(services.WorkflowError):
        services.sign(
            approved,
            by=police_liaison,
            position="Inspector",
            authentication=PASSWORD,
            ip_address=None,
            confirmed=True,
        )


def test_administrators_cannot_sign(approved, administrator):
    with pytest.raises(services.WorkflowError):
        services.sign(
            approved, by=administrator, position="Admin", authentication=PASSWORD, ip_address=None, confirmed=True
        )


def test_a_required_clause_cannot_be_left_out(draft, university_liaison):
    clause = draft.clauses.get(key="parties")
    with pytest.raises(ValidationError):
        services.update_clause(clause, body=clause.body, included=False, by=university_liaison)


def test_only_one_agreement_in_progress_per_partnership(draft, template, university_liaison, partnership):
    with pytest.raises(ValidationError, match="already has an agreement in progress"):
        services.start_draft(partnership, template, by=university_liaison, title="Another")
    assert AgreementVersion.objects.count() == 0


def test_an_agreement_in_force_turns_the_health_reason_green_and_joins_the_timeline(
    client, approved, police_liaison, university_liaison, partnership
):
    for user in (police_liaison, university_liaison):
        services.sign(approved, by=user, position="Lead", authentication=PASSWORD, ip_address=None, confirmed=True)
    client.force_login(university_liaison)
    page = client.get(partnership.get_absolute_url())
    reasons = {reason.text: reason.level for reason in page.context["health"].reasons}
    assert reasons[f"Agreement in force since {approved.effective_date:%-d %B %Y}."] == "green"
    titles = [event.title for event in page.context["events"]]
    assert f"Agreement in force: {approved.title}" in titles
    assert f"Agreement sent for review: {approved.title}" in titles
    assert "Meet every 3 months" in page.content.decode()


def test_ending_an_agreement_clears_its_commitments(approved, police_liaison, university_liaison, partnership):
    for user in (police_liaison, university_liaison):
        services.sign(approved, by=user, position="Lead", authentication=PASSWORD, ip_address=None, confirmed=True)
    services.end(approved, by=university_liaison, comment="Replaced by a county-wide agreement")
    partnership.refresh_from_db()
    assert partnership.agreement_in_force_since is None
    assert not Commitment.objects.active().exists()


def test_an_agreement_with_a_long_title_comes_into_force_and_ends(approved, police_liaison, university_liaison):
    """Its title goes into the partnership's history as the change reason (once limited to 100)."""
    Agreement.objects.filter(pk=approved.pk).update(title="Memorandum of understanding " + "x" * 170)
    approved.refresh_from_db()
    for person in (police_liaison, university_liaison):
        services.sign(
            approved, by=person, position="Lead", authentication=PASSWORD, ip_address="192.0.2.9", confirmed=True
        )
    approved.refresh_from_db()
    assert approved.status == A.IN_FORCE
    services.end(approved, by=university_liaison, comment="Replaced.")
    reasons = list(approved.partnership.history.values_list("history_change_reason", flat=True))
    assert any(reason and reason.endswith("x" * 170) for reason in reasons)
