"""The signed PDF ends with the signing record: every step, who (and of which organisation), when,
and for each signature how the signer authenticated and the address it came from. Read from the
real PDF that the signed-PDF task renders."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements import audit, services
from agreements.documents import signed_document
from agreements.models import Agreement
from tests.fixtures.agreements import SUBMITTED_ON, sign_both

HOSTILE_FIRST = "<script>alert(1)</script>"
HOSTILE_LAST = "=cmd|' /C calc'!A0"


def pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def signed_after_review(draft, university_liaison, police_liaison):
    """Version 1 commented on and sent back, version 2 approved by both and signed by both."""
    services.submit_for_review(draft, by=university_liaison, today=SUBMITTED_ON)
    thread = services.comment_on_clause(draft, clause_key="scope", body="SECRET NEGOTIATION WORDS", by=police_liaison)
    services.request_changes(draft, by=police_liaison, comment="ANOTHER PRIVATE REASON")
    services.resolve_thread(thread, by=police_liaison)
    services.revise(draft, by=university_liaison)
    services.submit_for_review(draft, by=university_liaison)
    services.approve(draft, by=police_liaison)
    draft.refresh_from_db()
    sign_both(draft, police_liaison, university_liaison)
    return Agreement.objects.get(pk=draft.pk)


@pytest.mark.django_db
def test_the_last_page_of_the_signed_pdf_is_the_signing_record(signed_after_review, police_liaison, university_liaison):
    _, _, content = signed_document(signed_after_review)
    all_pages = pages(content)
    starts = next(i for i, text in enumerate(all_pages) if "Signing record Every step" in text)
    # The record is the end of the document: its last entry (coming into force) is on the last page.
    assert "In force, effective from 1 December 2026" in all_pages[-1]
    assert "When What happened Who Authentication and address" in all_pages[-1]  # the table's head repeats
    last = " ".join(all_pages[starts:])
    for expected in (
        "Draft started",
        "Version 1 submitted for review",
        "Commented on clause 1.3 of version 1",
        "Changes requested to version 1",
        "Resolved a thread on clause 1.3 (raised on version 1)",
        "Returned to draft to revise version 1",
        "Version 2 submitted for review",
        "Version 2 approved for the police force",
        "Version 2 approved by both sides",
        "Signed version 2 as Inspector",
        "Signed version 2 as Head of Student Safety",
        "In force, effective from 1 December 2026",
        police_liaison.get_full_name(),
        university_liaison.get_full_name(),
        "Northbridge Police",
        "University of Northbridge",
        "Password and authenticator app code",
        "Address 192.0.2.1",
        "Address 192.0.2.2",
    ):
        assert expected in last, expected
    # The record says that a step happened, not what was argued.
    assert "SECRET NEGOTIATION WORDS" not in last and "ANOTHER PRIVATE REASON" not in last


@pytest.mark.django_db
def test_the_signing_record_is_in_order_and_names_each_signers_authentication(signed_after_review):
    entries = audit.signing_record(signed_after_review)
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    assert [entry.what for entry in entries[:3]] == [
        "Draft started",
        "Version 1 submitted for review",
        "Version 1 approved for the institution",
    ]
    signatures = [entry for entry in entries if entry.is_signature]
    assert [(s.authentication, s.address) for s in signatures] == [
        ("Password and authenticator app code", "192.0.2.1"),
        ("Password", "192.0.2.2"),
    ]


@pytest.mark.django_db
def test_the_signature_page_gives_the_signing_records_page_number(signed_after_review):
    _, _, content = signed_document(signed_after_review)
    all_pages = pages(content)
    starts = next(i for i, text in enumerate(all_pages) if "Signing record Every step" in text)
    signature_page = next(text for text in all_pages if "Signatures and verification Version 2" in text)
    assert f"signing record (page {starts + 1})" in signature_page


@pytest.mark.django_db
def test_hostile_names_are_printed_as_text_on_the_signing_record(approved, police_liaison, university_liaison):
    university_liaison.first_name, university_liaison.last_name = HOSTILE_FIRST, HOSTILE_LAST
    university_liaison.save(update_fields=["first_name", "last_name"])
    sign_both(approved, police_liaison, university_liaison)
    _, _, content = signed_document(Agreement.objects.get(pk=approved.pk))
    last = pages(content)[-1]
    assert "Signing record" in last
    # Printed as the characters typed: autoescaped, so WeasyPrint never parsed it as markup.
    # (Compared without spaces: the extracted text breaks lines inside the name.)
    compact = last.replace(" ", "")
    assert HOSTILE_FIRST.replace(" ", "") in compact
    assert HOSTILE_LAST.replace(" ", "") in compact


# --- The verification page points to it --------------------------------------------------------


@pytest.mark.django_db
def test_verification_page_tells_everyone_of_the_signing_record_but_not_the_addresses(client, signed_after_review):
    page = client.get(signed_after_review.get_verification_url()).content.decode()
    assert 'data-testid="signing-record"' in page and "last page" in page
    assert "192.0.2.1" not in page and "192.0.2.2" not in page
    assert 'data-testid="signing-record-link"' not in page  # the PDF is the parties' own


@pytest.mark.django_db
def test_verification_page_links_a_party_to_the_signing_record(client, staff_member, signed_after_review):
    client.force_login(staff_member)
    page = client.get(signed_after_review.get_verification_url()).content.decode()
    assert f'href="{reverse("agreements:signed_pdf", args=[signed_after_review.pk])}#signing-record"' in page


@pytest.mark.django_db
def test_verification_page_gives_an_outsider_no_link_to_the_pdf(client, outsider, signed_after_review):
    client.force_login(outsider)
    page = client.get(signed_after_review.get_verification_url()).content.decode()
    assert reverse("agreements:signed_pdf", args=[signed_after_review.pk]) not in page
