"""The signed PDF: rendered once by a real Celery worker after the last signature, then stored."""

import hashlib
import io
import time

import pytest
from celery.contrib.testing.worker import start_worker
from pypdf import PdfReader

from agreements import tasks
from agreements.documents import draft_document
from agreements.models import Agreement
from portal.celery import app
from tests.fixtures.agreements import sign_both


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db(transaction=True)
def test_worker_renders_the_signed_pdf_once_and_records_its_hash(
    approved, police_liaison, university_liaison, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        sign_both(approved, police_liaison, university_liaison)  # enqueues the render on commit
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Agreement.objects.get(pk=approved.pk).signed_pdf:
            time.sleep(0.25)
    agreement = Agreement.objects.get(pk=approved.pk)
    assert agreement.signed_pdf, "no worker rendered the signed PDF"
    content = agreement.signed_pdf.read()
    assert hashlib.sha256(content).hexdigest() == agreement.signed_pdf_sha256
    text = pdf_text(content)
    version = agreement.versions.get()
    for expected in (
        "University of Northbridge",
        "Northbridge Police",
        police_liaison.get_full_name(),
        university_liaison.get_full_name(),
        "Head of Student Safety",
        "Password and authenticator app code",
        str(agreement.public_id),
    ):
        assert expected in text.replace("\n", " ") or expected in text, expected
    assert version.sha256[:16] in text.replace("\n", "").replace(" ", "")
    assert "DRAFT" not in text

    # Never re-rendered: a second run leaves the stored file as it was.
    assert tasks.render_signed_pdf(agreement.pk) == "skipped"
    assert Agreement.objects.get(pk=agreement.pk).signed_pdf_sha256 == agreement.signed_pdf_sha256


@pytest.mark.django_db
def test_draft_pdf_is_watermarked_and_carries_every_section(in_review):
    filename, content_type, content = draft_document(in_review)
    assert content_type == "application/pdf" and filename.endswith("-draft.pdf")
    text = pdf_text(content)
    assert "DRAFT" in text and "version 1" in text.lower()
    for heading in ("Parties, purpose and scope", "Communication and coordination", "Training", "Signatures"):
        assert heading in text
