"""The draft as a Word document: opened with python-docx, it has the PDF's headings and numbering
and the current text; it is only for those who see the workings, and only until signed."""

import io
import time
from email.message import Message

import pytest
from django.urls import reverse
from docx import Document

from agreements import services
from agreements import text as agreement_text
from agreements.models import AgreementClause
from agreements.word import agreement_docx, draft_word
from tests.fixtures.agreements import sign_both

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(agreement):
    return reverse("agreements:draft_docx", args=[agreement.pk])


def open_docx(content: bytes):
    return Document(io.BytesIO(content))


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def body_after_headings(document) -> dict[str, str]:
    """Each clause's text (its paragraphs joined by blank lines), keyed by its Heading 2."""
    clauses, current = {}, None
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 2":
            current = paragraph.text
            clauses[current] = []
        elif paragraph.style.name == "Heading 1":
            current = None
        elif current is not None:
            clauses[current].append(paragraph.text)
    return {heading: "\n\n".join(parts) for heading, parts in clauses.items()}


def expected_headings(text: dict) -> tuple[list[str], list[str]]:
    sections, seen = [], set()
    for clause in text["clauses"]:
        if clause["section"] not in seen:
            seen.add(clause["section"])
            sections.append(f"{clause['section']}. {clause['section_title']}")
    return sections, [f"{c['number']} {c['heading']}" for c in text["clauses"]]


@pytest.mark.django_db
def test_the_docx_has_the_pdfs_numbering_and_headings_and_the_current_versions_text(client, police_liaison, in_review):
    client.force_login(police_liaison)
    response = client.get(url(in_review))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    document = open_docx(response.content)
    version = agreement_text.current_version(in_review)
    sections, clauses = expected_headings(version.text)
    assert styled(document, "Heading 1") == sections
    assert sections[:2] == ["1. Parties, purpose and scope", "4. Communication and coordination"]
    assert styled(document, "Heading 2") == clauses
    assert clauses[:3] == ["1.1 The parties", "1.2 Single points of contact", "1.3 Scope"]
    bodies = body_after_headings(document)
    for clause in version.text["clauses"]:
        assert bodies[f"{clause['number']} {clause['heading']}"] == clause["text"]
    assert styled(document, "Title") == [in_review.title]
    assert document.core_properties.title == in_review.title
    assert "version 1" in document.sections[0].footer.paragraphs[0].text


@pytest.mark.django_db
def test_while_revising_the_docx_has_the_working_text_as_the_next_version(
    client, university_liaison, police_liaison, in_review
):
    services.request_changes(in_review, by=police_liaison, comment="Name the halls.")
    services.revise(in_review, by=university_liaison)
    clause = AgreementClause.objects.get(agreement=in_review, key="scope")
    services.update_clause(
        clause, body="It covers the campus.\n\nAnd the halls:\nNorth and South.", included=True, by=university_liaison
    )
    county_lines = AgreementClause.objects.get(agreement=in_review, key="county_lines")
    services.update_clause(county_lines, body=county_lines.body, included=True, by=university_liaison)
    client.force_login(university_liaison)
    response = client.get(url(in_review))
    document = open_docx(response.content)
    assert "-v2-draft.docx" in response["Content-Disposition"]
    bodies = body_after_headings(document)
    # A blank line is a new paragraph, a single newline a line break inside it, as in the PDF.
    assert bodies["1.3 Scope"] == "It covers the campus.\n\nAnd the halls:\nNorth and South."
    assert "13.1 County lines" in bodies and "13. Optional provisions" in styled(document, "Heading 1")


@pytest.mark.django_db
def test_the_filename_is_safe_and_names_the_parties_and_version(client, university_liaison, draft):
    draft.partnership.institution.name = 'Univ. "of" <North>/bridge\r\nX-Evil: 1'
    draft.partnership.institution.save(update_fields=["name"])
    client.force_login(university_liaison)
    response = client.get(url(draft))
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    message = Message()
    message["Content-Disposition"] = disposition
    assert message.get_content_disposition() == "attachment"
    filename = message.get_filename()
    assert filename == "mou-univ-of-northbridge-x-evil-1-northbridge-police-v1-draft.docx"
    assert set(filename) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_hostile_text_is_written_as_text(draft, university_liaison):
    hostile = "<script>alert(1)</script> =cmd|' /C calc'!A0 {DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe}"
    draft.title = hostile
    draft.save(update_fields=["title"])
    clause = AgreementClause.objects.get(agreement=draft, key="parties")
    services.update_clause(clause, body=f"Before\x0b\x01 {hostile} after", included=True, by=university_liaison)
    _, _, content = draft_word(draft)
    document = open_docx(content)
    assert styled(document, "Title") == [hostile]
    assert body_after_headings(document)["1.1 The parties"] == f"Before {hostile} after"
    # Plain runs only: no field but the footer's page numbers, nothing Word would run.
    fields = [
        el for el in document.element.body.iter() if el.tag.endswith("}fldSimple") or el.tag.endswith("}instrText")
    ]
    assert fields == []


@pytest.mark.django_db
def test_the_docx_is_built_quickly_for_a_long_draft():
    clauses = [
        {
            "section": s,
            "section_title": f"Section {s}",
            "number": f"{s}.{n}",
            "heading": f"Clause {n}",
            "text": "Words. " * 80,
        }
        for s in range(1, 13)
        for n in range(1, 5)
    ]
    from datetime import UTC, datetime

    from agreements.word import WordDraft

    started = time.perf_counter()
    _, _, content = agreement_docx(
        WordDraft("Long", "A University", "A Police", 3, "In review", None, clauses, datetime.now(UTC))
    )
    elapsed = time.perf_counter() - started
    assert len(styled(open_docx(content), "Heading 2")) == 48
    assert elapsed < 2, f"{elapsed:.2f} s"


# --- Who gets it -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_member_gets_404(client, staff_member, in_review):
    client.force_login(staff_member)
    assert client.get(url(in_review)).status_code == 404


@pytest.mark.django_db
def test_outsider_gets_404(client, outsider, in_review):
    client.force_login(outsider)
    assert client.get(url(in_review)).status_code == 404


@pytest.mark.django_db
def test_administrator_gets_it(client, administrator, in_review):
    client.force_login(administrator)
    assert client.get(url(in_review)).status_code == 200


@pytest.mark.django_db
def test_once_signed_the_word_copy_is_refused_and_not_offered(client, approved, police_liaison, university_liaison):
    sign_both(approved, police_liaison, university_liaison)
    client.force_login(university_liaison)
    assert client.get(url(approved)).status_code == 403
    assert url(approved) not in client.get(approved.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_agreement_page_links_to_the_word_copy(client, university_liaison, in_review):
    client.force_login(university_liaison)
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert f'href="{url(in_review)}"' in page and "Download draft as Word (.docx)" in page


@pytest.mark.django_db
def test_post_is_refused(client, university_liaison, in_review):
    client.force_login(university_liaison)
    assert client.post(url(in_review)).status_code == 405
