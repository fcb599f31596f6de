"""Render the default MOU template as a draft and as a signed PDF; print time, pages and size.

    DEBUG=true .venv/bin/python benchmarks/render_pdfs.py [runs]

No database is needed: the text comes from the default template's data migration
(agreements/migrations/0002_default_template.py, version 1 of the template) with every optional
clause included and sample values in the placeholders, i.e. the longest agreement the
template can produce.
"""

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import importlib  # noqa: E402

from pypdf import PdfReader  # noqa: E402

# Version 1 of the default template, as its data migration loads it (the only copy of the text).
TEMPLATE = importlib.import_module("agreements.migrations.0002_default_template").TEMPLATE
CLAUSES = sorted(TEMPLATE["clauses"], key=lambda c: (c["section"], c["order"]))
SECTIONS = list(dict.fromkeys((c["section"], c["section_title"]) for c in CLAUSES))
from agreements.pdf import AgreementDocument, ClauseText, Section, SignatureLine, agreement_pdf  # noqa: E402

VALUES = {
    "institution": "University of Northbridge",
    "police_force": "Northbridge Police",
    "institution_sponsor": "Professor Elaine Marsh, Pro-Vice-Chancellor (Student Experience)",
    "police_sponsor": "Claire Hughes, Superintendent, Northbridge Local Policing Area",
    "institution_contact": "Priya Shah, Head of Student Safety",
    "police_contact": "Daniel Okafor, Police Higher Education Liaison Officer",
    "area_covered": "the campus, its halls of residence and the streets around them",
    "meeting_frequency": "every 3 months",
    "statistics_frequency": "every 6 months",
    "training_frequency": "every 12 months",
    "effective_date": "1 January 2027",
    "term": "36 months",
    "review_interval": "12 months",
    "notice_period": "3 months' notice",
}


def document(signed: bool) -> AgreementDocument:
    sections = []
    for number, title in SECTIONS:
        clauses = [c for c in CLAUSES if c["section"] == number]
        sections.append(
            Section(
                number,
                title,
                [
                    ClauseText(f"{number}.{i}", c["heading"], c["body"].format_map(VALUES))
                    for i, c in enumerate(clauses, start=1)
                ],
            )
        )
    signatures = [
        SignatureLine(
            "Institution", VALUES["institution"], "Priya Shah", "Head of Student Safety", datetime.now(UTC), "Password"
        ),
        SignatureLine(
            "Police force",
            VALUES["police_force"],
            "Daniel Okafor",
            "Inspector",
            datetime.now(UTC),
            "Password and authenticator app code",
        ),
    ]
    return AgreementDocument(
        title="Safer campus memorandum of understanding",
        institution=VALUES["institution"],
        police_force=VALUES["police_force"],
        version=2,
        status_label="In force" if signed else "In review",
        sections=sections,
        draft=not signed,
        text_sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        effective_date=date(2027, 1, 1),
        signatures=signatures if signed else [],
        verification_url="https://portal.example.ac.uk/agreements/verify/7f3c2a9e-51b4-4d2e-9c1a-0e8b6f2d4a11/"
        if signed
        else None,
        generated_at=datetime.now(UTC),
    )


def measure(kind: str, signed: bool, runs: int) -> None:
    times, content = [], b""
    agreement_pdf(document(signed))  # warm-up: fonts and stylesheets are loaded once per process
    for _ in range(runs):
        start = time.perf_counter()
        _, _, content = agreement_pdf(document(signed))
        times.append(time.perf_counter() - start)
    pages = len(PdfReader(BytesIO(content)).pages)
    print(
        f"{kind:7} median {statistics.median(times) * 1000:6.0f} ms  "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {runs} runs)  "
        f"{pages} pages  {len(content):,} bytes"
    )


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(f"Default template: {len(CLAUSES)} clauses, all optional clauses included")
    measure("draft", False, runs)
    measure("signed", True, runs)
