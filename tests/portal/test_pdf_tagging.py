"""The portal's PDFs are tagged (PDF/UA-1): structure, language and a title a reader announces.

The signed memorandum (agreements.documents.signed_document) and the certificate of attendance
(the training:certificate view) are rendered through core.pdf.render_pdf and read back with
pypdf. For each: the catalog marks the file as tagged (/MarkInfo /Marked true) and has a
structure tree, it states the document's language, the metadata give a title naming the
agreement or the course (in the document information and in the XMP), the viewer is asked to
show that title rather than the file name (/DisplayDocTitle), and the XMP claims PDF/UA-1.
"""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import BooleanObject, IndirectObject

from agreements.documents import signed_document
from tests.fixtures.agreements import sign_both
from training import services as training
from training.models import Session

pytestmark = pytest.mark.django_db

LANGUAGE = "en-GB"


def resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def is_true(value) -> bool:
    """A PDF boolean that is true (pypdf's BooleanObject is not Python's True)."""
    value = resolved(value)
    return isinstance(value, BooleanObject) and value.value is True


def assert_tagged(content: bytes, title: str, what: str) -> PdfReader:
    """Fail, naming each missing piece, unless ``content`` is a tagged PDF titled ``title``."""
    assert title, f"no title to look for in the {what}"
    assert content.startswith(b"%PDF"), f"the {what} is not a PDF"
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    problems = []

    mark_info = resolved(catalog.get("/MarkInfo"))
    if mark_info is None:
        problems.append("the catalog has no /MarkInfo")
    elif not is_true(mark_info.get("/Marked")):
        problems.append(f"/MarkInfo /Marked is {mark_info.get('/Marked')!r}, not true")

    tree = resolved(catalog.get("/StructTreeRoot"))
    if tree is None:
        problems.append("the catalog has no /StructTreeRoot")
    elif not tree.get("/K"):
        problems.append("the /StructTreeRoot has no children (/K)")

    language = catalog.get("/Lang")
    if language != LANGUAGE:
        problems.append(f"the catalog's /Lang is {language!r}, not {LANGUAGE!r}")

    info_title = (reader.metadata or {}).get("/Title")
    if not info_title or title not in str(info_title):
        problems.append(f"the document information's /Title is {info_title!r}, not one naming {title!r}")

    xmp = reader.xmp_metadata
    xmp_titles = list(xmp.dc_title.values()) if xmp is not None and xmp.dc_title else []
    if not any(title in str(value) for value in xmp_titles):
        problems.append(f"the XMP dc:title is {xmp_titles!r}, not one naming {title!r}")
    if xmp is None or not re.search(rb"pdfuaid:part(=\"|>)1", xmp.stream.get_data()):
        problems.append("the XMP does not claim PDF/UA-1 (no pdfuaid:part 1)")

    preferences = resolved(catalog.get("/ViewerPreferences"))
    if preferences is None or not is_true(preferences.get("/DisplayDocTitle")):
        shown = None if preferences is None else preferences.get("/DisplayDocTitle")
        problems.append(f"/ViewerPreferences /DisplayDocTitle is {shown!r}, not true")

    assert not problems, (
        f"The {what} is not a tagged PDF/UA document: "
        + "; ".join(problems)
        + ". core.pdf.render_pdf should call write_pdf(pdf_variant='pdf/ua-1') (tags, /MarkInfo, "
        '/StructTreeRoot, /DisplayDocTitle, pdfuaid), and the template needs <html lang="en-GB"> (/Lang) '
        "and a <title> naming the document (/Title, dc:title)."
    )
    return reader


def test_the_signed_mou_is_a_tagged_pdf_with_language_and_title(
    approved,
    police_liaison,
    university_liaison,
):
    sign_both(approved, police_liaison, university_liaison)
    approved.refresh_from_db()
    filename, content_type, content = signed_document(approved)
    assert content_type == "application/pdf" and filename.endswith("-signed.pdf")
    reader = assert_tagged(content, approved.title, "signed MOU")
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    assert "Priya Shah" in text and "Daniel Okafor" in text  # the signed one, not a draft


def test_the_training_certificate_is_a_tagged_pdf_with_language_and_title(
    client,
    session,
    staff_member,
    police_liaison,
):
    booking = training.book(session, staff_member, by=staff_member)
    start = timezone.now() - timedelta(hours=4)  # attendance is marked once the session has started
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    booking.refresh_from_db()
    training.mark_attendance(booking, attended=True, by=police_liaison)

    client.force_login(staff_member)
    response = client.get(reverse("training:certificate", args=[booking.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_tagged(response.content, session.course.title, "training certificate")
