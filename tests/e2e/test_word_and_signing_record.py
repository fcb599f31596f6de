"""The Word copy of a draft and the signed PDF's signing record, reached through the real pages.

The force's liaison officer downloads the draft under review as Word from the agreement page and
finds the clauses under their numbered headings. Once both sides have signed, a party's liaison
officer follows the verification page's link to the signed PDF, whose last page is the signing
record with both signatures, how each signer authenticated and their addresses. Every page
opened is checked with axe and at 390 px.
"""

import io

from django.urls import reverse
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from agreements import tasks
from agreements import text as agreement_text
from tests.e2e.browser import check_accessibility, login, visit
from tests.fixtures.agreements import sign_both


def test_the_force_downloads_the_draft_as_word_from_the_agreement_page(portal_page, in_review, police_liaison):
    page = portal_page
    login(page, police_liaison)
    visit(page, in_review.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download draft as Word (.docx)").click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == "mou-university-of-northbridge-northbridge-police-v1-draft.docx"
    document = Document(io.BytesIO(download.path().read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    clauses = agreement_text.current_version(in_review).clauses
    assert headings == [f"{c['number']} {c['heading']}" for c in clauses]
    check_accessibility(page)  # still the agreement page: a download opens no page


def test_a_party_follows_the_verification_page_to_the_signing_record(
    portal_page, approved, police_liaison, university_liaison, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_both(approved, police_liaison, university_liaison)
    tasks.render_signed_pdf(approved.pk)  # what the Celery worker does; none runs beside the live server
    page = portal_page
    login(page, university_liaison)
    visit(page, approved.get_verification_url())
    expect(page.get_by_test_id("signing-record")).to_contain_text("last page")
    expect(page.get_by_role("main")).not_to_contain_text("192.0.2.1")
    link = page.get_by_role("link", name="Download the signed PDF with its signing record")
    assert link.get_attribute("href") == reverse("agreements:signed_pdf", args=[approved.pk]) + "#signing-record"
    with page.expect_download() as download_info:
        link.click()
    reader = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    last = " ".join(reader.pages[-1].extract_text().split())
    for expected in (
        "Signing record",
        police_liaison.get_full_name(),
        university_liaison.get_full_name(),
        "Password and authenticator app code",
        "Address 192.0.2.1",
        "Address 192.0.2.2",
    ):
        assert expected in last, expected
    check_accessibility(page)
