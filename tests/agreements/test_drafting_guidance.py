"""Drafting that guides (issue 16): placeholders checked and named by their labels, a visible
title, the dates checked together, and a draft PDF page that says one thing at a time."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements import services, tasks, templates_service
from agreements.models import A, Agreement, AgreementClause
from tests.fixtures.agreements import SUBMITTED_ON
from tests.helpers import assert_outsider_gets_404

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


# --- Optional clauses on one checklist ----------------------------------------------------------


@pytest.fixture
def more_optional(draft):
    """Two more optional clauses beside county lines, one of them already included."""
    for order, key, included in ((20, "faith_groups", True), (21, "reporting_centre", False)):
        AgreementClause.objects.create(
            agreement=draft,
            section=13,
            section_title="Optional provisions",
            order=order,
            key=key,
            heading=key.replace("_", " ").capitalize(),
            body="The parties agree.",
            required=False,
            included=included,
        )
    return draft


def test_optional_clauses_are_chosen_on_one_page_and_saved_at_once(client, university_liaison, more_optional):
    draft = more_optional
    client.force_login(university_liaison)
    page = client.get(url("optional_clauses", draft))
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.fields) == {"include_county_lines", "include_faith_groups", "include_reporting_centre"}
    assert "Guidance for County lines." in page.content.decode()
    response = client.post(
        url("optional_clauses", draft), {"include_county_lines": "on", "include_reporting_centre": "on"}
    )
    assert response.status_code == 302 and response.url == url("clauses", draft)
    included = dict(draft.clauses.filter(required=False).values_list("key", "included"))
    assert included == {"county_lines": True, "faith_groups": False, "reporting_centre": True}
    assert draft.clauses.get(key="parties").included  # required clauses stay in
    assert "2 included, 1 left out" in str(list(get_messages(response.wsgi_request))[0])


def test_the_clause_list_and_agreement_page_link_to_the_checklist(client, university_liaison, draft):
    client.force_login(university_liaison)
    assert url("optional_clauses", draft) in client.get(url("clauses", draft)).content.decode()
    assert url("optional_clauses", draft) in client.get(draft.get_absolute_url()).content.decode()


def test_the_checklist_service_refuses_a_clause_that_is_not_optional(draft, university_liaison):
    with pytest.raises(ValidationError):
        services.choose_optional_clauses(draft, included_keys={"parties"}, by=university_liaison)


@pytest.mark.parametrize("role", ["police_liaison", "administrator"])
def test_only_the_drafting_side_chooses_optional_clauses(client, personas, draft, role):
    client.force_login(personas[role])
    assert client.get(url("optional_clauses", draft)).status_code == 403
    assert client.post(url("optional_clauses", draft), {"include_county_lines": "on"}).status_code == 403
    assert not draft.clauses.get(key="county_lines").included


def test_optional_clauses_cannot_change_once_submitted(client, university_liaison, in_review):
    client.force_login(university_liaison)
    assert client.post(url("optional_clauses", in_review), {"include_county_lines": "on"}).status_code == 403


# --- Resetting a clause to the template's text -----------------------------------------------------


def test_a_clause_is_reset_to_the_templates_text_after_confirming(client, university_liaison, draft):
    clause = draft.clauses.get(key="scope")
    services.update_clause(clause, body="It covers the whole city.", included=True, by=university_liaison)
    client.force_login(university_liaison)
    edit_page = client.get(url("clause_edit", draft, "scope")).content.decode()
    assert url("clause_reset", draft, "scope") in edit_page
    confirm = client.get(url("clause_reset", draft, "scope")).content.decode()
    assert "It covers the whole city." in confirm and "It covers {area_covered}." in confirm
    refused = client.post(url("clause_reset", draft, "scope"), {})
    assert "Tick the box to confirm" in refused.context["form"].errors["confirmed"][0]
    assert draft.clauses.get(key="scope").body == "It covers the whole city."
    response = client.post(url("clause_reset", draft, "scope"), {"confirmed": "on"})
    assert response.status_code == 302 and response.url.endswith("#clause-scope")
    assert draft.clauses.get(key="scope").body == "It covers {area_covered}."


def test_an_unchanged_clause_offers_no_reset_link(client, university_liaison, draft):
    client.force_login(university_liaison)
    assert url("clause_reset", draft, "scope") not in client.get(url("clause_edit", draft, "scope")).content.decode()


@pytest.mark.parametrize("role", ["police_liaison", "administrator"])
def test_only_the_drafting_side_resets_a_clause(client, personas, draft, university_liaison, role):
    clause = draft.clauses.get(key="scope")
    services.update_clause(clause, body="It covers the whole city.", included=True, by=university_liaison)
    client.force_login(personas[role])
    assert client.post(url("clause_reset", draft, "scope"), {"confirmed": "on"}).status_code == 403
    assert draft.clauses.get(key="scope").body == "It covers the whole city."


def test_outsider_gets_404_on_the_new_drafting_pages(client, outsider, draft):
    for page in (url("optional_clauses", draft), url("clause_reset", draft, "scope")):
        for method in ("get", "post"):
            assert_outsider_gets_404(client, page, outsider, method, {"confirmed": "on", "include_county_lines": "on"})
