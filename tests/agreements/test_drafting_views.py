"""The drafting pages: list, agreement page, drafting, clauses, preview, submission, templates."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from agreements import services, templates_service
from agreements.models import (
    A,
    Agreement,
    AgreementClause,
    AgreementEvent,
    AgreementTemplate,
    AgreementVersion,
    TemplateClause,
)
from partnerships.models import Organisation, OrganisationKind, Partnership
from tests import factories
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404

pytestmark = pytest.mark.django_db

LIST = reverse("agreements:list")
# An effective date the forms and the first submission accept: not before today.
EFFECTIVE = timezone.localdate() + timedelta(days=30)

# Both sides have accepted these partnerships, as every working partnership has.
ACCEPTED = {"institution_accepted_at": timezone.now(), "police_accepted_at": timezone.now()}


def url(name, agreement, *args):
    return reverse(f"agreements:{name}", args=[agreement.pk, *args])


def create_url(partnership):
    return reverse("agreements:create", args=[partnership.pk])


def create_data(chosen, **overrides):
    data = {
        "template": chosen.pk,
        "title": "Safer Northbridge MOU",
        "area_covered": "the campus and its halls",
        "meeting_months": "3",
        "statistics_months": "6",
        "training_months": "12",
        "effective_date": EFFECTIVE.isoformat(),
        "term_months": "24",
        "review_months": "12",
        "notice_months": "3",
        "institution_signatory": "",
        "police_signatory": "",
    }
    data.update(overrides)
    return data


def details_data(agreement, **overrides):
    data = {
        "title": agreement.title,
        "area_covered": agreement.area_covered,
        "effective_date": agreement.effective_date.isoformat() if agreement.effective_date else "",
        "institution_signatory": agreement.institution_signatory_id or "",
        "police_signatory": agreement.police_signatory_id or "",
    }
    for name in ("meeting_months", "statistics_months", "training_months", "term_months", "review_months"):
        data[name] = getattr(agreement, name) or ""
    data["notice_months"] = agreement.notice_months or ""
    data.update(overrides)
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Starting a draft -----------------------------------------------------------------------


def test_university_liaison_starts_a_draft_with_the_details(client, university_liaison, partnership, template):
    client.force_login(university_liaison)
    page = client.get(create_url(partnership))
    assert page.status_code == 200
    content = page.content.decode()
    assert "University of Northbridge" in content and "Northbridge Police" in content
    assert "PS Daniel Okafor" in content  # the parties' contacts, from the partnership
    signatory = partnership.institution_contact
    response = client.post(create_url(partnership), create_data(template, institution_signatory=signatory.pk))
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    assert agreement.status == A.DRAFT and agreement.title == "Safer Northbridge MOU"
    assert agreement.meeting_months == 3 and agreement.effective_date == EFFECTIVE
    assert agreement.institution_signatory == signatory
    assert agreement.created_by == university_liaison
    assert agreement.clauses.count() == template.clauses.count()
    assert "started" in messages_of(response)[0]


def test_the_create_form_offers_current_templates_and_each_sides_own_contacts(
    client, university_liaison, partnership, template
):
    old = AgreementTemplate.objects.create(name="Old template", version=1, is_current=False)
    client.force_login(university_liaison)
    form = client.get(create_url(partnership)).context["form"]
    assert template in form.fields["template"].queryset
    assert old not in form.fields["template"].queryset
    assert list(form.fields["institution_signatory"].queryset) == [partnership.institution_contact]
    assert list(form.fields["police_signatory"].queryset) == [partnership.police_contact]


def test_details_may_stay_empty_while_drafting(client, university_liaison, partnership, template):
    client.force_login(university_liaison)
    data = create_data(template, effective_date="", meeting_months="", area_covered="")
    assert client.post(create_url(partnership), data).status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.effective_date is None and agreement.meeting_months is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"meeting_months": "0"}, "meeting_months", "from 1 to 120"),
        ({"term_months": "121"}, "term_months", "from 1 to 120"),
        ({"notice_months": "soon"}, "notice_months", "from 1 to 120"),
        ({"template": ""}, "template", "Choose the template"),
        ({"title": ""}, "title", "Give the agreement a title"),
        ({"effective_date": "1 Dec"}, "effective_date", "valid date"),
    ],
)
def test_bad_draft_input_is_refused_with_a_clear_error(
    client, university_liaison, partnership, template, overrides, field, message
):
    client.force_login(university_liaison)
    response = client.post(create_url(partnership), create_data(template, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Agreement.objects.exists()


def test_a_signatory_must_be_a_contact_of_that_side(client, university_liaison, partnership, template):
    client.force_login(university_liaison)
    data = create_data(template, institution_signatory=partnership.police_contact.pk)
    response = client.post(create_url(partnership), data)
    assert "valid choice" in " ".join(response.context["form"].errors["institution_signatory"])
    assert not Agreement.objects.exists()


def test_a_non_current_template_cannot_be_chosen(client, university_liaison, partnership, template):
    old = AgreementTemplate.objects.create(name="Old template", version=1, is_current=False)
    client.force_login(university_liaison)
    response = client.post(create_url(partnership), create_data(template, template=old.pk))
    assert "template" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_a_partnership_with_an_agreement_in_progress_leads_to_it(client, university_liaison, partnership, draft):
    client.force_login(university_liaison)
    response = client.get(create_url(partnership))
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert Agreement.objects.count() == 1


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_agreements_with_status_and_latest_version(client, police_liaison, in_review):
    client.force_login(police_liaison)
    response = client.get(LIST)
    content = response.content.decode()
    assert in_review.title in content and "Safer Northbridge campus" in content
    assert "In review" in content and "Version 1" in content


def test_the_list_searches_and_filters(client, university_liaison, draft):
    client.force_login(university_liaison)
    assert draft.title in client.get(LIST, {"q": "northbridge police"}).content.decode()
    assert draft.title in client.get(LIST, {"q": "safer northbridge", "status": "draft"}).content.decode()
    empty = client.get(LIST, {"status": "in_force"}).content.decode()
    assert draft.title not in empty and "No agreements match these filters" in empty


def test_the_list_has_an_empty_state_and_offers_partnerships_to_draft_for(client, university_liaison, partnership):
    client.force_login(university_liaison)
    content = client.get(LIST).content.decode()
    assert "There are no agreements yet" in content
    assert create_url(partnership) in content


def add_agreements(university, template, n=100):
    forces = Organisation.objects.bulk_create(
        Organisation(name=f"Force {i}", kind=OrganisationKind.POLICE_FORCE) for i in range(n)
    )
    partnerships = Partnership.objects.bulk_create(
        Partnership(institution=university, police_force=force, title=f"Partnership {i}", **ACCEPTED)
        for i, force in enumerate(forces)
    )
    # One agreement in progress per partnership at most; in force and ended ones are unlimited.
    agreements = Agreement.objects.bulk_create(
        Agreement(
            partnership=p,
            template=template,
            title=f"MOU {i}",
            status=A.IN_FORCE if i % 2 else A.ENDED,
        )
        for i, p in enumerate(partnerships)
    )
    AgreementVersion.objects.bulk_create(
        AgreementVersion(agreement=a, number=number, text={"clauses": []}, sha256="0" * 64)
        for a in agreements
        for number in (1, 2)
    )


@pytest.mark.parametrize("role", ["university_liaison", "police_liaison", "administrator"])
def test_the_list_runs_fixed_queries(client, personas, university, draft, template, role):
    client.force_login(personas[role])
    assert_fixed_queries(client, LIST, lambda: add_agreements(university, template), budget=9)


# --- The agreement page -----------------------------------------------------------------------


def test_the_agreement_page_shows_parties_details_next_step_and_actions(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.get(draft.get_absolute_url())
    content = response.content.decode()
    assert draft.title in content and "Draft" in content
    assert "University of Northbridge" in content and "Northbridge Police" in content
    assert "submit it to Northbridge Police for review" in content
    for name in ("edit", "clauses", "preview", "submit"):
        assert url(name, draft) in content
    assert "No version yet" in content
    assert "Drafted from Test MOU template (version 1)" in content  # the audit trail
    assert 'href="/partnerships/' in content or draft.partnership.get_absolute_url() in content


def test_the_agreement_page_lists_versions_and_the_audit_trail(client, police_liaison, in_review):
    client.force_login(police_liaison)
    response = client.get(in_review.get_absolute_url())
    content = response.content.decode()
    version = in_review.versions.get()
    assert version.sha256[:12] in content
    assert "Version 1 submitted for review" in content
    assert "Draft → In review" in content
    assert url("edit", in_review) not in content and url("submit", in_review) not in content


def test_the_police_side_sees_no_drafting_buttons_on_a_draft(client, police_liaison, draft):
    client.force_login(police_liaison)
    content = client.get(draft.get_absolute_url()).content.decode()
    assert url("edit", draft) not in content and url("submit", draft) not in content


def add_history(agreement, user, n=40):
    """Many versions, events and clauses, made in bulk (the models refuse changes to versions)."""
    start = agreement.versions.count() + 1
    AgreementVersion.objects.bulk_create(
        AgreementVersion(agreement=agreement, number=i, text={"clauses": []}, sha256=f"{i:064d}", created_by=user)
        for i in range(start, start + n)
    )
    AgreementEvent.objects.bulk_create(
        AgreementEvent(agreement=agreement, from_status=A.DRAFT, to_status=A.IN_REVIEW, by=user) for _ in range(n)
    )
    AgreementClause.objects.bulk_create(
        AgreementClause(
            agreement=agreement, section=20, section_title="More", order=i, key=f"more-{i}", heading="More", body="{x}"
        )
        for i in range(n)
    )


def test_the_agreement_page_runs_fixed_queries(client, university_liaison, draft):
    client.force_login(university_liaison)
    # 13: the parties' contacts are one query of their own (joined in, their planning cost more).
    assert_fixed_queries(client, draft.get_absolute_url(), lambda: add_history(draft, university_liaison), budget=13)


def test_the_agreement_page_in_review_runs_fixed_queries(client, police_liaison, university_liaison, in_review):
    client.force_login(police_liaison)
    page = in_review.get_absolute_url()
    assert_fixed_queries(client, page, lambda: add_history(in_review, university_liaison), budget=15)


# --- Editing the details ----------------------------------------------------------------------


def test_university_liaison_edits_the_details(client, university_liaison, draft):
    client.force_login(university_liaison)
    assert client.get(url("edit", draft)).status_code == 200
    response = client.post(url("edit", draft), details_data(draft, meeting_months="4", title="New title"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.meeting_months == 4 and draft.title == "New title" and draft.status == A.DRAFT


def test_editing_refuses_months_out_of_range(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.post(url("edit", draft), details_data(draft, review_months="500"))
    assert "from 1 to 120" in " ".join(response.context["form"].errors["review_months"])
    draft.refresh_from_db()
    assert draft.review_months == 12


def test_details_cannot_be_edited_once_submitted(client, university_liaison, in_review):
    client.force_login(university_liaison)
    assert client.get(url("edit", in_review)).status_code == 403
    assert client.post(url("edit", in_review), details_data(in_review, title="Changed")).status_code == 403
    in_review.refresh_from_db()
    assert in_review.title != "Changed"


# --- Clauses ----------------------------------------------------------------------------------


def test_the_clause_list_groups_by_section_and_highlights_what_is_missing(client, university_liaison, draft):
    draft.area_covered = ""
    draft.save()
    client.force_login(university_liaison)
    content = client.get(url("clauses", draft)).content.decode()
    assert "1. Parties, purpose and scope" in content and "13. Optional provisions" in content
    assert "Optional: left out" in content and "Required" in content
    assert (
        '<mark class="placeholder-missing"><span class="visually-hidden">Not filled in: </span>{area_covered}</mark>'
        in (content)
    )
    assert "Still to fill in: Area covered" in content


def test_a_clause_page_shows_guidance_and_placeholders_with_values(client, university_liaison, draft):
    client.force_login(university_liaison)
    content = client.get(url("clause_edit", draft, "meetings")).content.decode()
    assert "Guidance for Meetings." in content
    assert "{meeting_frequency}" in content and "every 3 months" in content


def test_university_liaison_edits_a_clause_and_includes_an_optional_one(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.post(url("clause_edit", draft, "scope"), {"body": "It covers {area_covered} and more."})
    assert response.status_code == 302 and response.url.endswith("#clause-scope")
    client.post(url("clause_edit", draft, "county_lines"), {"body": "Together against county lines.", "included": "on"})
    clauses = {c.key: c for c in draft.clauses.all()}
    assert clauses["scope"].body == "It covers {area_covered} and more." and clauses["scope"].included
    assert clauses["county_lines"].included and clauses["county_lines"].body == "Together against county lines."


def test_a_required_clause_offers_no_choice_to_leave_it_out(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.get(url("clause_edit", draft, "parties"))
    assert "included" not in response.context["form"].fields
    client.post(url("clause_edit", draft, "parties"), {"body": "Between {institution} and {police_force}."})
    assert draft.clauses.get(key="parties").included


def test_an_empty_clause_is_refused(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.post(url("clause_edit", draft, "scope"), {"body": "   "})
    assert "Write the clause's text" in " ".join(response.context["form"].errors["body"])
    assert draft.clauses.get(key="scope").body == "It covers {area_covered}."


def test_an_unknown_clause_is_404(client, university_liaison, draft):
    client.force_login(university_liaison)
    assert client.get(url("clause_edit", draft, "no-such-clause")).status_code == 404


# --- Preview ----------------------------------------------------------------------------------


def test_the_preview_escapes_markup_in_a_clause(client, university_liaison, draft):
    clause = draft.clauses.get(key="scope")
    services.update_clause(
        clause, body="<script>alert('x')</script> covers {area_covered}.", included=True, by=university_liaison
    )
    client.force_login(university_liaison)
    content = client.get(url("preview", draft)).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content


def test_the_preview_numbers_clauses_and_marks_unfilled_placeholders(client, university_liaison, draft):
    draft.meeting_months = None
    draft.save()
    client.force_login(university_liaison)
    content = client.get(url("preview", draft)).content.decode()
    assert "1.3 Scope" in content and "4. Communication and coordination" in content
    assert "between University of Northbridge and Northbridge Police" in content
    assert "Not filled in: </span>{meeting_frequency}</mark>" in content
    assert "1 placeholder still to fill in" in content
    assert url("edit", draft) + "#id_meeting_months" in content


# --- Submitting and revising ------------------------------------------------------------------


def test_university_liaison_submits_the_draft(client, university_liaison, draft):
    Agreement.objects.filter(pk=draft.pk).update(effective_date=EFFECTIVE)  # not before today
    client.force_login(university_liaison)
    response = client.post(url("submit", draft))
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert messages_of(response) == ["Version 1 sent to Northbridge Police for review."]
    draft.refresh_from_db()
    assert draft.status == A.IN_REVIEW and draft.versions.count() == 1


def test_submitting_with_an_unfilled_placeholder_names_it(client, university_liaison, draft):
    draft.area_covered = ""
    draft.save()
    client.force_login(university_liaison)
    response = client.post(url("submit", draft), follow=True)
    assert "Still empty: Area covered." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == A.DRAFT and not draft.versions.exists()


def test_submitting_twice_explains_instead_of_failing(client, university_liaison, in_review):
    client.force_login(university_liaison)
    response = client.post(url("submit", in_review))
    assert response.status_code == 302
    assert messages_of(response) == ["This agreement is in review. Only a draft is submitted for review."]
    assert in_review.versions.count() == 1


def test_submit_and_revise_accept_only_post(client, university_liaison, draft):
    client.force_login(university_liaison)
    assert client.get(url("submit", draft)).status_code == 405
    assert client.get(url("revise", draft)).status_code == 405


def test_university_liaison_revises_after_changes_were_requested(client, university_liaison, police_liaison, in_review):
    services.request_changes(in_review, by=police_liaison, comment="Widen the scope.")
    client.force_login(university_liaison)
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert url("revise", in_review) in page
    response = client.post(url("revise", in_review))
    assert messages_of(response) == ["Back to draft. Make the changes, then submit version 2."]
    in_review.refresh_from_db()
    assert in_review.status == A.DRAFT


# --- Who may do what --------------------------------------------------------------------------


def object_urls(agreement, partnership):
    """(url, method) for every drafting view that takes an object."""
    return [
        (create_url(partnership), "get"),
        (create_url(partnership), "post"),
        (url("detail", agreement), "get"),
        (url("edit", agreement), "get"),
        (url("edit", agreement), "post"),
        (url("clauses", agreement), "get"),
        (url("clause_edit", agreement, "scope"), "get"),
        (url("clause_edit", agreement, "scope"), "post"),
        (url("preview", agreement), "get"),
        (url("submit", agreement), "post"),
        (url("revise", agreement), "post"),
    ]


def test_outsider_gets_404_on_every_drafting_url(client, outsider, draft, partnership, template):
    for page, method in object_urls(draft, partnership):
        assert_outsider_gets_404(client, page, outsider, method, {**create_data(template), "body": "Hijacked"})
    draft.refresh_from_db()
    assert draft.status == A.DRAFT and draft.title != "Safer Northbridge MOU"
    assert draft.clauses.get(key="scope").body == "It covers {area_covered}."


def test_outsider_sees_no_agreement_in_the_list(client, outsider, draft):
    client.force_login(outsider)
    assert draft.title not in client.get(LIST).content.decode()


@pytest.mark.parametrize("role", ["police_liaison", "staff", "administrator"])
def test_only_the_institutions_liaison_officers_draft(client, personas, draft, partnership, template, role):
    client.force_login(personas[role])
    # Staff members see the partnership (403: they may not draft) but no draft at all (404).
    refused = 404 if role == "staff" else 403
    forbidden = [
        (create_url(partnership), "get", 403),
        (create_url(partnership), "post", 403),
        (url("edit", draft), "get", refused),
        (url("edit", draft), "post", refused),
        (url("clause_edit", draft, "scope"), "get", refused),
        (url("clause_edit", draft, "scope"), "post", refused),
        (url("submit", draft), "post", refused),
        (url("revise", draft), "post", refused),
    ]
    for page, method, status in forbidden:
        response = getattr(client, method)(page, {**details_data(draft, title="Changed"), "body": "Changed"})
        assert response.status_code == status, f"{role} {method.upper()} {page}"
    draft.refresh_from_db()
    assert draft.status == A.DRAFT and draft.title != "Changed"


@pytest.mark.parametrize("role", ["university_liaison", "police_liaison", "administrator"])
def test_everyone_who_can_see_the_agreement_reads_it(client, personas, draft, role):
    """Not staff members: they see an agreement only once it is signed, and never its drafting
    (tests/agreements/test_staff_access.py)."""
    client.force_login(personas[role])
    for name in ("detail", "clauses", "preview"):
        assert client.get(url(name, draft)).status_code == 200, f"{role} {name}"
    assert draft.title in client.get(LIST).content.decode()


def test_administrators_see_agreements_of_every_partnership(client, administrator, draft):
    other = factories.PartnershipFactory()
    client.force_login(administrator)
    assert client.get(create_url(other)).status_code == 403
    assert draft.title in client.get(LIST).content.decode()


# --- Templates --------------------------------------------------------------------------------


def test_new_template_version_copies_the_clauses_and_becomes_current(template, administrator):
    copy = templates_service.new_template_version(template, administrator)
    template.refresh_from_db()
    assert (copy.version, copy.is_current, template.is_current) == (2, True, False)
    assert copy.created_by == administrator
    original = list(template.clauses.values_list("key", "body", "guidance", "required"))
    assert list(copy.clauses.values_list("key", "body", "guidance", "required")) == original
    third = templates_service.new_template_version(template, administrator)  # from an older version
    assert third.version == 3
    assert list(AgreementTemplate.objects.filter(name=template.name, is_current=True)) == [third]


def test_only_administrators_create_template_versions(template, university_liaison):
    with pytest.raises(Exception, match="Only administrators"):
        templates_service.new_template_version(template, university_liaison)
    assert AgreementTemplate.objects.filter(name=template.name).count() == 1


def test_administrator_manages_templates_through_the_pages(client, administrator, template):
    client.force_login(administrator)
    listing = client.get(reverse("agreements:template_list")).content.decode()
    assert "Test MOU template" in listing and template.get_absolute_url() in listing
    detail = client.get(template.get_absolute_url()).content.decode()
    assert "Guidance for County lines." in detail
    new_version = reverse("agreements:template_new_version", args=[template.pk])
    assert "Create version 2" in client.get(new_version).content.decode()
    response = client.post(new_version)
    copy = AgreementTemplate.objects.get(version=2)
    assert response.status_code == 302 and response.url == copy.get_absolute_url()
    assert copy.is_current and copy.clauses.count() == template.clauses.count()


def test_a_clause_of_an_unused_template_version_can_be_edited(client, administrator, template):
    client.force_login(administrator)
    page = reverse("agreements:template_clause_edit", args=[template.pk, "scope"])
    assert client.get(page).context["form"] is not None
    data = {
        "heading": "Scope and area",
        "body": "It covers {area_covered}.",
        "guidance": "Be specific.",
        "required": "",
    }
    assert client.post(page, data).status_code == 302
    clause = template.clauses.get(key="scope")
    assert (clause.heading, clause.guidance, clause.required) == ("Scope and area", "Be specific.", False)


def test_a_template_clause_needs_a_heading_and_text(client, administrator, template):
    client.force_login(administrator)
    page = reverse("agreements:template_clause_edit", args=[template.pk, "scope"])
    response = client.post(page, {"heading": "", "body": "", "guidance": ""})
    assert set(response.context["form"].errors) == {"heading", "body"}


def test_a_template_version_in_use_is_read_only(client, administrator, template, draft):
    client.force_login(administrator)
    page = reverse("agreements:template_clause_edit", args=[template.pk, "scope"])
    response = client.get(page)
    assert response.context["form"] is None
    assert "Create a new version to change it" in response.content.decode()
    response = client.post(page, {"heading": "Changed", "body": "Changed", "guidance": ""})
    assert response.status_code == 302
    assert "Create a new version to change it" in messages_of(response)[0]
    assert TemplateClause.objects.get(template=template, key="scope").heading == "Scope"
    with pytest.raises(Exception, match="Create a new version"):
        templates_service.update_template_clause(
            template.clauses.get(key="scope"), heading="X", body="Y", guidance="", required=True, by=administrator
        )


@pytest.mark.parametrize("role", ["university_liaison", "police_liaison", "staff"])
def test_template_pages_are_for_administrators_only(client, personas, template, role):
    client.force_login(personas[role])
    pages = [
        reverse("agreements:template_list"),
        template.get_absolute_url(),
        reverse("agreements:template_new_version", args=[template.pk]),
        reverse("agreements:template_clause_edit", args=[template.pk, "scope"]),
    ]
    for page in pages:
        assert client.get(page).status_code == 403, f"{role} {page}"
    assert client.post(reverse("agreements:template_new_version", args=[template.pk])).status_code == 403
    assert AgreementTemplate.objects.filter(name=template.name).count() == 1


def test_the_template_list_runs_fixed_queries(client, administrator, template):
    client.force_login(administrator)

    def add_templates():
        for i in range(30):
            AgreementTemplate.objects.create(name=f"Template {i}", version=1)

    assert_fixed_queries(client, reverse("agreements:template_list"), add_templates, budget=8)
