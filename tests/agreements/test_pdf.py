"""The memorandum PDF: what it says, how it is marked, and what WeasyPrint may fetch."""

import base64
import io
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from django.conf import settings

from agreements import pdf
from agreements.pdf import AgreementDocument, ClauseText, Section, SignatureLine

HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
VERIFY_URL = "https://portal.example.ac.uk/agreements/verify/7f3c2a9e-51b4-4d2e-9c1a-0e8b6f2d4a11/"
SECTION_TITLES = ["Purpose and scope", "Lines of communication", "Sharing information", "Review and termination"]
HOSTILE = '<img src="file:///etc/passwd"> <link href="http://example.com/x.css"> <script>alert(1)</script>'
STATIC_CSS = Path(settings.BASE_DIR) / "static" / "agreements" / "pdf.css"


def make_document(*, draft, extra_clause=None):
    sections = [
        Section(
            number,
            title,
            [
                ClauseText(f"{number}.1", "Meetings", "The parties meet once a term.\n\nMinutes are shared."),
                ClauseText(f"{number}.2", "", "Either party may ask for an extra meeting."),
            ],
        )
        for number, title in enumerate(SECTION_TITLES, start=1)
    ]
    if extra_clause:
        sections[0].clauses.append(extra_clause)
    signatures = [
        SignatureLine(
            "University",
            "University of Northbridge",
            "Priya Shah",
            "Director of Student Services",
            datetime(2025, 1, 14, 10, 5, tzinfo=UTC),
        ),
        SignatureLine(
            "Police force",
            "Northbridge Police",
            "Daniel O'Connor",
            "Neighbourhood Policing Lead",
            datetime(2025, 6, 2, 9, 30, tzinfo=UTC),
        ),
    ]
    return AgreementDocument(
        title="Partnership to prevent violence against women and girls",
        institution="University of Northbridge",
        police_force="Northbridge Police",
        version=3,
        status_label="Draft" if draft else "Signed",
        sections=sections,
        draft=draft,
        text_sha256=HASH,
        effective_date=None if draft else date(2025, 7, 1),
        signatures=[] if draft else signatures,
        verification_url=None if draft else VERIFY_URL,
        generated_at=datetime(2025, 6, 2, 9, 31, tzinfo=UTC),
    )


def page_texts(content):
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages]


@pytest.fixture(scope="module")
def signed():
    return pdf.agreement_pdf(make_document(draft=False))


@pytest.fixture(scope="module")
def draft():
    return pdf.agreement_pdf(make_document(draft=True))


# --- The document ----------------------------------------------------------------------------


def test_agreement_pdf_returns_filename_content_type_and_pdf(signed):
    filename, content_type, content = signed

    assert filename == "mou-university-of-northbridge-northbridge-police-v3-signed.pdf"
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF-")
    metadata = pypdf.PdfReader(io.BytesIO(content)).metadata
    assert metadata.title == "Partnership to prevent violence against women and girls"
    assert metadata.author == "University of Northbridge, Northbridge Police"


def test_signed_pdf_names_parties_sections_signatories_hash_and_verification_url(signed):
    text = " ".join(page_texts(signed[2]))

    assert "Memorandum of understanding between University of Northbridge and Northbridge Police" in text
    for number, title in enumerate(SECTION_TITLES, start=1):
        assert f"{number}. {title}" in text
    assert "2.1" in text
    for expected in ["Priya Shah", "Director of Student Services", "Daniel O'Connor", "Neighbourhood Policing Lead"]:
        assert expected in text
    assert HASH in text
    # A long URL wraps at the column edge; compare without the line break.
    assert VERIFY_URL in "".join(text.split())
    assert "DRAFT" not in text


def test_signed_pdf_shows_signing_times_in_london_time(signed):
    text = " ".join(page_texts(signed[2]))

    assert "14 January 2025 10:05 GMT" in text
    assert "2 June 2025 10:30 BST" in text


def figure_alt_texts(node):
    """Alternative texts of the figures in a tagged PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, pypdf.generic.ArrayObject):
        return [alt for child in node for alt in figure_alt_texts(child)]
    if not isinstance(node, pypdf.generic.DictionaryObject):
        return []
    found = [str(node["/Alt"])] if node.get("/S") == "/Figure" and "/Alt" in node else []
    return found + (figure_alt_texts(node["/K"]) if "/K" in node else [])


def test_signed_pdf_ends_with_signature_page_and_described_qr_code(signed):
    reader = pypdf.PdfReader(io.BytesIO(signed[2]))

    assert "Signatures and verification" in reader.pages[-1].extract_text()
    alts = figure_alt_texts(reader.trailer["/Root"]["/StructTreeRoot"])
    assert alts == ["QR code of the verification link for this memorandum"]


def test_draft_pdf_is_marked_draft_with_version_on_every_page(draft):
    filename, _, content = draft
    pages = page_texts(content)

    assert filename.endswith("-v3-draft.pdf")
    assert len(pages) > 1
    for text in pages:
        assert "DRAFT" in text
        assert "Draft — version 3 — not for signature" in text
    assert "Signatures and verification" not in " ".join(pages)


def test_pdf_is_tagged_pdf_ua_1(signed):
    reader = pypdf.PdfReader(io.BytesIO(signed[2]))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()

    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert 'pdfuaid:part="1"' in xmp


def test_markup_in_clause_text_is_printed_and_nothing_else_is_fetched(monkeypatch, caplog):
    requested = []
    original = pdf.restricted_url_fetcher

    def recording_fetcher(url, *args, **kwargs):
        requested.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(pdf, "restricted_url_fetcher", recording_fetcher)
    document = make_document(draft=False, extra_clause=ClauseText("1.3", "Not markup", HOSTILE))

    with caplog.at_level(logging.WARNING, logger="portal.security"):
        _, _, content = pdf.agreement_pdf(document)

    text = " ".join(page_texts(content))
    assert '<img src="file:///etc/passwd">' in text
    assert '<link href="http://example.com/x.css">' in text
    assert "<script>alert(1)</script>" in text
    static_prefix = f"{settings.SITE_URL}{settings.STATIC_URL}"
    assert f"{static_prefix}agreements/pdf.css" in requested
    assert any(url.startswith("data:image/svg+xml") for url in requested), "the QR code"
    assert all(url.startswith(("data:", static_prefix)) for url in requested), requested
    assert not [record for record in caplog.records if record.name == "portal.security"]


# --- The fetcher -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.css",
        "https://example.com/x.css",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        f"file://{Path(settings.BASE_DIR) / 'portal' / 'settings.py'}",
        f"file://{Path(settings.BASE_DIR) / 'static' / '..' / 'portal' / 'settings.py'}",
        "/static/../portal/settings.py",
        "/static/agreements/../../portal/settings.py",
        "/static/%2e%2e/portal/settings.py",
        "/static/agreements/..%2f..%2fportal/settings.py",
        "/static/agreements/no-such-file.css",
        "//example.com/static/agreements/pdf.css",
        "https://example.com/static/agreements/pdf.css",
        "gopher://example.com/",
        "data:text/plain",
        "http://[malformed/static/agreements/pdf.css",
    ],
)
def test_fetcher_refuses_anything_but_static_files_and_data_uris(url, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.security"), pytest.raises(ValueError, match="not allowed"):
        pdf.restricted_url_fetcher(url)

    assert [record.levelname for record in caplog.records if record.name == "portal.security"] == ["WARNING"]


def test_fetcher_refuses_static_path_on_another_host_posing_as_the_portal(settings):
    settings.SITE_URL = "https://portal.example.ac.uk"

    with pytest.raises(ValueError, match="not allowed"):
        pdf.restricted_url_fetcher("https://portal.example.ac.uk@evil.example/static/agreements/pdf.css")


@pytest.mark.parametrize(
    "url",
    [
        "/static/agreements/pdf.css",
        "https://portal.example.ac.uk/static/agreements/pdf.css",
        "https://portal.example.ac.uk/static/agreements/pdf.css?v=3",
        f"file://{STATIC_CSS}",
    ],
)
def test_fetcher_serves_the_portals_static_files_from_disk(url, settings):
    settings.SITE_URL = "https://portal.example.ac.uk"

    response = pdf.restricted_url_fetcher(url)

    assert response.content_type == "text/css"
    assert response.read() == STATIC_CSS.read_bytes()


def test_fetcher_serves_data_uris():
    payload = b"\x89PNG not really"
    response = pdf.restricted_url_fetcher(f"data:image/png;base64,{base64.b64encode(payload).decode()}")

    assert response.content_type == "image/png"
    assert response.read() == payload
