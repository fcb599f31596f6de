"""Drafting that guides (issue 16): placeholders checked and named by their labels, a visible
title, the dates checked together, and a draft PDF page that says one thing at a time."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements import services, tasks, templates_service
from agreements.models import A, Agreement
from tests.fixtures.agreements import SUBMITTED_ON

pytestmark = pytest.mark.django_db


def url(name, agreement, *args):
    return reverse(f"agreements:{name}", args=[agreement.pk, *args])


# --- Unknown placeholders -----------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_listing_the_known_ones(draft, university_liaison):
    clause = draft.clauses.get(key="scope")
    with pytest.raises(ValidationError) as error:
        services.update_clause(clause, body="Chaired by {chair_person}.", included=True, by=university_liaison)
    message = " ".join(error.value.message_dict["body"])
    assert "{chair_person}" in message
    assert "Name of the institution: {institution}" in message and "{notice_period}" in message
    assert draft.clauses.get(key="scope").body == "It covers {area_covered}."


def test_the_clause_page_shows_the_unknown_placeholder_error_on_the_text(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.post(url("clause_edit", draft, "scope"), {"body": "Chaired by {chair_person}."})
    assert response.status_code == 200
    assert "{chair_person}" in " ".join(response.context["form"].errors["body"])


def test_a_template_clause_with_an_unknown_placeholder_is_refused(template, administrator):
    clause = template.clauses.get(key="scope")
    with pytest.raises(ValidationError, match="chair_person"):
        templates_service.update_template_clause(
            clause, heading="Scope", body="By {chair_person}.", guidance="", required=True, by=administrator
        )


# --- The "still to fill in" banner names fields by their labels --------------------------------


def test_the_missing_banner_names_fields_by_their_labels(client, university_liaison, draft):
    Agreement.objects.filter(pk=draft.pk).update(area_covered="", meeting_months=None)
    client.force_login(university_liaison)
    content = client.get(draft.get_absolute_url()).content.decode()
    banner = content[content.index('data-testid="missing-placeholders"') :]
    banner = banner[: banner.index("</div>")]
    assert "Area covered" in banner and "Meet every (months)" in banner
    assert "{area_covered}" not in banner and "{meeting_frequency}" not in banner


def test_the_clause_list_names_what_is_missing_by_its_label(client, university_liaison, draft):
    Agreement.objects.filter(pk=draft.pk).update(area_covered="")
    client.force_login(university_liaison)
    content = client.get(url("clauses", draft)).content.decode()
    assert "Still to fill in: Area covered" in content


def test_submitting_with_something_missing_names_it_by_its_label(draft, university_liaison):
    Agreement.objects.filter(pk=draft.pk).update(area_covered="")
    with pytest.raises(ValidationError, match="Still empty: Area covered."):
        services.submit_for_review(draft, by=university_liaison, today=SUBMITTED_ON)


# --- The title --------------------------------------------------------------------------------


def test_a_draft_started_without_a_title_is_refused(partnership, template, university_liaison):
    with pytest.raises(ValidationError) as error:
        services.start_draft(partnership, template, by=university_liaison, title="  ")
    assert error.value.message_dict["title"] == ["Give the agreement a title."]
    assert not Agreement.objects.exists()


def test_the_create_form_shows_the_suggested_title_as_its_value(client, university_liaison, partnership, template):
    client.force_login(university_liaison)
    content = client.get(reverse("agreements:create", args=[partnership.pk])).content.decode()
    assert f'value="Memorandum of understanding: {partnership.title}"' in content


# --- Dates checked together ---------------------------------------------------------------------


def details(agreement, **overrides):
    data = {
        "title": agreement.title,
        "area_covered": agreement.area_covered,
        "meeting_months": agreement.meeting_months,
        "statistics_months": agreement.statistics_months,
        "training_months": agreement.training_months,
        "effective_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "term_months": agreement.term_months,
        "review_months": agreement.review_months,
        "notice_months": agreement.notice_months,
        "institution_signatory": "",
        "police_signatory": "",
    }
    data.update(overrides)
    return data


def test_a_term_shorter_than_the_review_interval_is_refused_on_both_fields(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.post(url("edit", draft), details(draft, term_months=1, review_months=60))
    errors = response.context["form"].errors
    assert "review interval (60 months)" in errors["term_months"][0]
    assert "term (1 month)" in errors["review_months"][0]
    draft.refresh_from_db()
    assert draft.term_months == 24


def test_a_notice_period_as_long_as_the_term_is_refused_on_both_fields(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.post(url("edit", draft), details(draft, term_months=24, notice_months=48))
    errors = response.context["form"].errors
    assert "term (24 months)" in errors["notice_months"][0]
    assert "notice period (48 months)" in errors["term_months"][0]


def test_an_effective_date_before_today_is_refused_before_the_first_submission(client, university_liaison, draft):
    client.force_login(university_liaison)
    past = timezone.localdate() - timedelta(days=1)
    response = client.post(url("edit", draft), details(draft, effective_date=past.isoformat()))
    assert "not before today" in response.context["form"].errors["effective_date"][0]


def test_the_create_form_refuses_a_past_effective_date(client, university_liaison, partnership, template):
    client.force_login(university_liaison)
    data = {
        "template": template.pk,
        "title": "Safer Northbridge MOU",
        "effective_date": "2019-01-04",
        "term_months": "24",
        "review_months": "12",
        "notice_months": "3",
    }
    response = client.post(reverse("agreements:create", args=[partnership.pk]), data)
    assert "not before today" in response.context["form"].errors["effective_date"][0]
    assert not Agreement.objects.exists()


def test_dates_that_agree_are_saved(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.post(url("edit", draft), details(draft, term_months=12, review_months=12, notice_months=11))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.term_months, draft.review_months, draft.notice_months) == (12, 12, 11)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"effective_date": date(2026, 11, 1)}, "effective date (1 November 2026) is before today"),
        ({"term_months": 6, "review_months": 12}, "term (6 months) is shorter than the review interval (12 months)"),
        ({"notice_months": 24}, "notice period (24 months) is not shorter than the term (24 months)"),
    ],
)
def test_the_first_submission_refuses_dates_that_disagree(draft, university_liaison, fields, message):
    Agreement.objects.filter(pk=draft.pk).update(**fields)
    with pytest.raises(services.WorkflowError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.submit_for_review(draft, by=university_liaison, today=SUBMITTED_ON)
    draft.refresh_from_db()
    assert draft.status == A.DRAFT and not draft.versions.exists()


def test_a_later_version_may_keep_an_effective_date_now_past(in_review, university_liaison, police_liaison):
    services.request_changes(in_review, by=police_liaison, comment="Widen the scope.")
    services.revise(in_review, by=university_liaison)
    later = in_review.effective_date + timedelta(days=1)
    version = services.submit_for_review(in_review, by=university_liaison, today=later)
    assert version.number == 2


# --- The draft PDF page -------------------------------------------------------------------------


def test_the_draft_pdf_page_says_being_prepared_only_while_it_is(client, administrator, in_review, monkeypatch):
    monkeypatch.setattr(tasks.render_draft_pdf, "apply_async", lambda *args, **kwargs: None)
    client.force_login(administrator)
    waiting = client.get(url("draft_pdf", in_review)).content.decode()
    status = waiting[waiting.index('id="draft-pdf-status"') :]
    assert "being prepared" not in waiting.replace(status, "").lower()
    tasks.render_draft_pdf(in_review.pk)
    ready = client.get(url("draft_pdf", in_review), headers={"HX-Request": "true"}).content.decode()
    assert "ready" in ready and "prepar" not in ready.lower()
