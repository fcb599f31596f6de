"""Agreements as PDF documents: the model side of ``pdf.py``.

``draft_document`` renders what the parties are discussing (the latest submitted version, or
the working text before the first submission) with a DRAFT watermark; ``signed_document``
renders the signed version once, for the Celery task that stores it.
"""

from itertools import groupby

from django.conf import settings
from django.utils import timezone

from . import audit, reviews
from . import text as agreement_text
from .models import Side, parties_at_signing
from .pdf import AgreementDocument, ClauseText, Section, SignatureLine, VariationLine, agreement_pdf

SIDE_LABELS = {Side.INSTITUTION: "Institution", Side.POLICE: "Police force"}


def _sections(clauses: list[dict]) -> list[Section]:
    return [
        Section(
            number=number,
            title=items[0]["section_title"],
            clauses=[ClauseText(c["number"], c["heading"], c["text"]) for c in items],
        )
        for number, group in groupby(clauses, key=lambda c: c["section"])
        for items in [list(group)]
    ]


def _document(
    agreement,
    text: dict,
    *,
    version: int,
    sha256: str,
    draft: bool,
    signatures=(),
    verification_url=None,
    parties: tuple[str, str] | None = None,
    audit_entries=(),
):
    institution, police_force = parties or (text["institution"], text["police_force"])
    return AgreementDocument(
        title=str(agreement),
        institution=institution,
        police_force=police_force,
        version=version,
        status_label=agreement.get_status_display(),
        sections=_sections(text["clauses"]),
        draft=draft,
        text_sha256=sha256,
        effective_date=agreement.effective_date,
        signatures=list(signatures),
        verification_url=verification_url,
        generated_at=timezone.now(),
        audit=list(audit_entries),
        expires_on=agreement.expires_on or (agreement.varies.expires_on if agreement.varies_id else None),
        variation_number=agreement.variation_number,
        variations=_variations(agreement),
    )


def _variations(agreement) -> list[VariationLine]:
    """For a variation: the original and the signed variations up to this one, and this one
    (signed or still a draft). Empty for an agreement that varies nothing."""
    if not agreement.varies_id:
        return []
    earlier = [a for a in reviews.lineage(agreement) if (a.variation_number or 0) < agreement.variation_number]
    return [
        *(
            VariationLine(
                f"Variation {a.variation_number}" if a.variation_number else "The original memorandum",
                a.effective_date,
                a.signed_at,
            )
            for a in earlier
        ),
        VariationLine(f"Variation {agreement.variation_number}", agreement.effective_date, agreement.signed_at, True),
    ]


def draft_text(agreement) -> tuple[dict, int, str]:
    """``(text, version number, SHA-256)`` of what a draft PDF shows now.

    The latest submitted version; before the first submission or while revising, the
    working text as it stands, numbered as the version it will become.
    """
    version = agreement_text.current_version(agreement)
    if version is None or agreement.is_editable:
        text = agreement_text.assemble(agreement)
        return text, (version.number + 1) if version else 1, agreement_text.text_hash(text)
    return version.text, version.number, version.sha256


def draft_document(agreement) -> tuple[str, str, bytes]:
    text, number, sha256 = draft_text(agreement)
    return agreement_pdf(_document(agreement, text, version=number, sha256=sha256, draft=True))


def signed_document(agreement) -> tuple[str, str, bytes]:
    """The signed PDF: each signature names the account that signed, and the parties are named
    as they were when it was signed (``parties_at_signing``), whatever they are called now. Its
    last page is the signing record (``audit.signing_record``)."""
    signatures = list(agreement.signatures.select_related("version").order_by("side"))
    version = signatures[0].version
    lines = [
        SignatureLine(
            SIDE_LABELS.get(s.side, s.side),
            s.organisation_name,
            s.full_name,
            s.position,
            s.signed_at,
            s.get_authentication_display() if s.authentication else "",
        )
        for s in signatures
    ]
    url = f"{settings.SITE_URL.rstrip('/')}{agreement.get_verification_url()}"
    return agreement_pdf(
        _document(
            agreement,
            version.text,
            version=version.number,
            sha256=version.sha256,
            draft=False,
            signatures=lines,
            verification_url=url,
            parties=parties_at_signing(signatures),
            audit_entries=audit.signing_record(agreement),
        )
    )
