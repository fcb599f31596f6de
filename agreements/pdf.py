"""PDFs of memoranda of understanding, rendered with WeasyPrint from the portal's own templates.

Rendering and its safety rules (autoescaped portal templates, :class:`RestrictedURLFetcher`
serving only static files and ``data:`` URIs) live in :mod:`core.pdf`; the names are
re-exported here. Agreement text is plain text that reaches the page through the
``linebreaks`` filter, so markup in a clause is printed, never interpreted.

This module works from plain dataclasses, not models: a service or task builds an
:class:`AgreementDocument` from the database and calls :func:`agreement_pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils.text import slugify

from core.pdf import (  # noqa: F401 - re-exported: existing callers and tests use agreements.pdf
    CONTENT_TYPE,
    PDF_VARIANT,
    FetchRefused,
    RestrictedURLFetcher,
    qr_code_data_uri,
    render_pdf,
    restricted_url_fetcher,
    security_logger,
)

AGREEMENT_TEMPLATE = "agreements/pdf/agreement.html"


# --- The document ----------------------------------------------------------------------------


@dataclass
class ClauseText:
    number: str  # "4.2"
    heading: str  # may be empty
    text: str  # plain text; "\n\n" separates paragraphs


@dataclass
class Section:
    number: int
    title: str
    clauses: list[ClauseText] = field(default_factory=list)


@dataclass
class SignatureLine:
    side: str  # "University" or "Police force"
    organisation: str  # the signing account's organisation, as named when it signed
    name: str  # the signing account's name
    position: str  # as typed by the signer
    signed_at: datetime | None  # timezone-aware; shown in Europe/London
    authentication: str = ""  # how the signer confirmed it was them ("" for not recorded)


@dataclass
class VariationLine:
    label: str  # "The original memorandum" or "Variation 2"
    effective_date: date | None
    signed_at: datetime | None  # None for this document while a draft
    is_this: bool = False


@dataclass
class AgreementDocument:
    title: str
    institution: str
    police_force: str
    version: int
    status_label: str
    sections: list[Section]
    draft: bool
    text_sha256: str
    effective_date: date | None
    signatures: list[SignatureLine]
    verification_url: str | None  # present for the signed PDF
    generated_at: datetime  # timezone-aware
    # The signed PDF's last page: every step of the agreement (``audit.signing_record``).
    audit: list = field(default_factory=list)
    expires_on: date | None = None  # the last day of the term
    # A variation's place among the original and its signed variations (empty for no variation).
    variation_number: int | None = None
    variations: list[VariationLine] = field(default_factory=list)

    @property
    def parties(self) -> str:
        return f"{self.institution} and {self.police_force}"


def _fetch(url: str, **kwargs):
    # Through this module's name, looked up at call time, so tests can wrap
    # agreements.pdf.restricted_url_fetcher to record what an agreement asks for.
    return restricted_url_fetcher(url, **kwargs)


def agreement_filename(document: AgreementDocument) -> str:
    parties = slugify(f"{document.institution} {document.police_force}")[:80].strip("-")
    state = "draft" if document.draft else "signed" if document.verification_url else "final"
    variation = f"-variation-{document.variation_number}" if document.variation_number else ""
    return f"mou-{parties}{variation}-v{document.version}-{state}.pdf"


def agreement_pdf(document: AgreementDocument) -> tuple[str, str, bytes]:
    """``(filename, content_type, bytes)`` of a draft or signed memorandum of understanding."""
    context = {
        "doc": document,
        "portal_name": settings.PORTAL_NAME,
        "qr_code": qr_code_data_uri(document.verification_url) if document.verification_url else None,
    }
    fetcher = RestrictedURLFetcher(fetch=_fetch)
    return agreement_filename(document), CONTENT_TYPE, render_pdf(AGREEMENT_TEMPLATE, context, url_fetcher=fetcher)
