"""A draft memorandum as a Word document (.docx), for legal departments that work in Word.

The document carries the same text as the draft PDF (``documents.draft_text``: the latest
submitted version, or the working text while drafting), with the same numbering: each section
a Heading 1 ("4. Communication and coordination"), each clause a Heading 2 ("4.2 Serious
incidents"), so Word's navigation pane shows the outline. The numbers are written as text,
not as Word's automatic numbering, so they stay those of the portal whatever Word does with
the list. Every page says it is a working copy: the text the parties agree is the one in the
portal, and a change made in Word reaches the agreement only by being typed there.

Safety: python-docx writes every value as XML text (escaped), never as a field code, so text
such as ``<script>`` or ``=cmd|`` is printed as typed. Characters that XML 1.0 cannot hold
(control characters other than tab and newline) are dropped, since python-docx refuses them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from django.utils import timezone
from django.utils.text import slugify
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# XML 1.0 allows tab, newline and carriage return of the C0 controls, and no surrogates or U+FFFE/F.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NAVY = RGBColor(0x1F, 0x3A, 0x5F)


def xml_safe(value) -> str:
    return NOT_XML.sub("", str(value))


@dataclass
class WordDraft:
    title: str
    institution: str
    police_force: str
    version: int
    status_label: str
    effective_date: date | None
    clauses: list[dict]  # as in AgreementVersion.text: section, section_title, number, heading, text
    generated_at: datetime  # timezone-aware


def word_filename(draft: WordDraft) -> str:
    """Letters, digits and hyphens only: safe in a Content-Disposition header and on any disk."""
    parties = slugify(f"{draft.institution} {draft.police_force}")[:80].strip("-") or "agreement"
    return f"mou-{parties}-v{draft.version}-draft.docx"


def _lang(element, tag="w:rPr") -> None:
    """Mark text as British English, so Word's spelling checker reads it as such."""
    properties = element.find(qn(tag))
    if properties is None:
        properties = OxmlElement(tag)
        element.append(properties)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    properties.append(lang)


def _field(paragraph, instruction: str) -> None:
    """A simple field (``PAGE``, ``NUMPAGES``) that Word fills in when it lays the page out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _text_paragraphs(document, text: str) -> None:
    """Plain text as the PDF shows it (``|linebreaks``): a blank line starts a paragraph, a
    single newline breaks the line (python-docx writes ``\n`` as a line break)."""
    for block in re.split(r"\n\s*\n", xml_safe(text).replace("\r\n", "\n").strip()):
        document.add_paragraph(block)  # no style given: Normal, without python-docx's style search


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Cambria"
    normal.font.size = Pt(11)
    _lang(normal.element)
    for name, size in (("Title", 22), ("Heading 1", 14), ("Heading 2", 11)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY if name != "Heading 2" else RGBColor(0x1B, 0x1F, 0x24)


def _page(document, draft: WordDraft) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(22)
    section.left_margin = section.right_margin = Mm(20)
    header = section.header.paragraphs[0]
    header.text = xml_safe(f"{draft.title} · {draft.institution} and {draft.police_force}")
    footer = section.footer.paragraphs[0]
    footer.add_run(f"Working copy of draft version {draft.version}: not for signature. Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(8)


def _cover(document, draft: WordDraft) -> None:
    document.add_paragraph("Memorandum of understanding").runs[0].font.bold = True
    document.add_heading(xml_safe(draft.title), level=0)
    document.add_paragraph(
        xml_safe(f"Memorandum of understanding between {draft.institution} and {draft.police_force}.")
    )
    notice = document.add_paragraph()
    notice.add_run("Draft for discussion. ").bold = True
    notice.add_run(
        f"This is a working copy of version {draft.version} of a draft, made for review in Word. It is not for "
        "signature and may change before it is agreed. The text the parties agree and sign is the one held in "
        "the partnership portal: make any change there."
    )
    local = timezone.localtime(draft.generated_at)
    rows = [
        ("University", draft.institution),
        ("Police force", draft.police_force),
        ("Version", str(draft.version)),
        ("Status", draft.status_label),
        ("Effective date", f"{draft.effective_date:%-d %B %Y}" if draft.effective_date else "Not yet set"),
        ("Generated", f"{local:%-d %B %Y, %H:%M} {local.tzname()}"),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, xml_safe(value)
        cells[0].paragraphs[0].runs[0].font.bold = True


def agreement_docx(draft: WordDraft) -> tuple[str, str, bytes]:
    """``(filename, content_type, bytes)`` of the draft as a Word document."""
    document = Document()
    _styles(document)
    _page(document, draft)
    properties = document.core_properties
    properties.title = xml_safe(draft.title)[:255]
    properties.subject = xml_safe(f"Memorandum of understanding, draft version {draft.version}")[:255]
    properties.author = xml_safe(f"{draft.institution} and {draft.police_force}")[:255]
    properties.language = "en-GB"
    properties.created = draft.generated_at
    _cover(document, draft)

    # Style objects looked up once (by name, python-docx searches the styles for each paragraph).
    section_style, clause_style = document.styles["Heading 1"], document.styles["Heading 2"]
    for _, group in groupby(draft.clauses, key=lambda clause: clause["section"]):
        clauses = list(group)
        document.add_paragraph(xml_safe(f"{clauses[0]['section']}. {clauses[0]['section_title']}"), section_style)
        for clause in clauses:
            document.add_paragraph(xml_safe(f"{clause['number']} {clause['heading']}".strip()), clause_style)
            _text_paragraphs(document, clause["text"])

    buffer = io.BytesIO()
    document.save(buffer)
    return word_filename(draft), CONTENT_TYPE, buffer.getvalue()


def draft_word(agreement) -> tuple[str, str, bytes]:
    """The agreement's current draft text (as the draft PDF shows it) as a Word document."""
    from .documents import draft_text  # documents pulls in WeasyPrint: load it only when asked

    text, number, _ = draft_text(agreement)
    return agreement_docx(
        WordDraft(
            title=agreement.title,
            institution=text["institution"],
            police_force=text["police_force"],
            version=number,
            status_label=agreement.get_status_display(),
            effective_date=agreement.effective_date,
            clauses=text["clauses"],
            generated_at=timezone.now(),
        )
    )
