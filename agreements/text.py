"""An agreement's text: its placeholders, filled in, the clauses assembled, and their hash.

The workflow (``agreements/services.py``), the PDFs (``agreements/documents.py``) and the pages
all read the text through these functions; none of them changes anything.
"""

import hashlib
import json
import re

from django.utils.text import capfirst

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# Every placeholder a clause body may use, written ``{name}``, with a short label for drafters.
PLACEHOLDERS = {
    "institution": "Name of the institution",
    "police_force": "Name of the police force",
    "institution_sponsor": "Senior sponsor for the institution (name and position)",
    "police_sponsor": "Senior sponsor for the police force (name and rank or position)",
    "institution_contact": "Single point of contact at the institution (name and role)",
    "police_contact": "Single point of contact at the police force (name and role)",
    "area_covered": "Area covered (campuses, halls of residence and the surrounding areas)",
    "meeting_frequency": "How often the single points of contact meet (e.g. every 3 months)",
    "statistics_frequency": "How often anonymised statistics are shared (e.g. every 6 months)",
    "training_frequency": "How often specialist training is offered (e.g. every 12 months)",
    "effective_date": "Date the memorandum takes effect (e.g. 1 September 2025)",
    "term": "How long the memorandum lasts (e.g. 36 months)",
    "review_interval": "Time between reviews (e.g. 12 months)",
    "notice_period": "Notice needed to end the memorandum (e.g. 3 months' notice)",
}


# Where the drafter fills in each placeholder: a field of the agreement's details form. The
# contacts are the partnership's (``PARTNERSHIP_PLACEHOLDERS``); the parties' names are always known.
PLACEHOLDER_FIELDS = {
    "area_covered": "area_covered",
    "meeting_frequency": "meeting_months",
    "statistics_frequency": "statistics_months",
    "training_frequency": "training_months",
    "effective_date": "effective_date",
    "term": "term_months",
    "review_interval": "review_months",
    "notice_period": "notice_months",
    "institution_sponsor": "institution_signatory",
    "police_sponsor": "police_signatory",
}
PARTNERSHIP_PLACEHOLDERS = {
    "institution_contact": "Single point of contact at the institution (on the partnership)",
    "police_contact": "Single point of contact at the police force (on the partnership)",
}


def field_label(name: str) -> str:
    """What a drafter calls the thing a placeholder stands for: the label of the field that
    fills it in ("Meet every (months)"), not its ``{key}``."""
    from .models import Agreement

    if name in PLACEHOLDER_FIELDS:
        return capfirst(Agreement._meta.get_field(PLACEHOLDER_FIELDS[name]).verbose_name)
    if name in PARTNERSHIP_PLACEHOLDERS:
        return PARTNERSHIP_PLACEHOLDERS[name]
    return PLACEHOLDERS.get(name, f"Unknown placeholder {{{name}}}")


def unknown_placeholders(body: str) -> list[str]:
    """The ``{names}`` in ``body`` that are not placeholders the portal fills in."""
    return list(dict.fromkeys(name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS))


def known_placeholders_text() -> str:
    """Every placeholder, by label and key, for a message that refuses an unknown one."""
    return "; ".join(f"{label}: {{{name}}}" for name, label in PLACEHOLDERS.items())


def _months(n, singular="every month", plural="every {n} months"):
    if not n:
        return None
    return singular if n == 1 else plural.format(n=n)


def _contact(contact):
    if contact is None:
        return None
    return f"{contact.name}, {contact.job_title}" if contact.job_title else contact.name


def placeholder_values(agreement) -> dict:
    """What each placeholder stands for in this agreement; None where it is not filled in yet.

    A variation keeps the term of the agreement it varies: its term clause states that term, from
    the original's effective date (its own date of effect is in its details and signed PDF)."""
    p = agreement.partnership
    term_start = agreement.varies if agreement.varies_id else agreement
    return {
        "institution": p.institution.name,
        "police_force": p.police_force.name,
        "institution_sponsor": _contact(agreement.institution_signatory or p.institution_sponsor),
        "police_sponsor": _contact(agreement.police_signatory or p.police_sponsor),
        "institution_contact": _contact(p.institution_contact),
        "police_contact": _contact(p.police_contact),
        "area_covered": agreement.area_covered.strip() or None,
        "meeting_frequency": _months(agreement.meeting_months),
        "statistics_frequency": _months(agreement.statistics_months),
        "training_frequency": _months(agreement.training_months),
        "effective_date": _date(term_start.effective_date),
        "term": _months(term_start.term_months, "1 month", "{n} months"),
        "review_interval": _months(agreement.review_months, "month", "{n} months"),
        "notice_period": _months(agreement.notice_months, "1 month's notice", "{n} months' notice"),
    }


def _date(day):
    return f"{day:%-d %B %Y}" if day else None


def fill(text: str, values: dict) -> str:
    """The clause text with its placeholders filled; unfilled ones stay as ``{name}``."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or m.group(0), text)


def included_clauses(agreement):
    return [clause for clause in agreement.clauses.all() if clause.included]


def missing_placeholders(agreement) -> list[str]:
    """Placeholders used by included clauses that have no value (or are not known at all)."""
    values = placeholder_values(agreement)
    missing = []
    for clause in included_clauses(agreement):
        for name in PLACEHOLDER.findall(clause.body):
            if not values.get(name) and name not in missing:
                missing.append(name)
    return missing


def assemble(agreement) -> dict:
    """The agreement's full text as it reads now: sections, numbered clauses, placeholders filled."""
    values = placeholder_values(agreement)
    clauses, numbers = [], {}
    for clause in included_clauses(agreement):
        numbers[clause.section] = numbers.get(clause.section, 0) + 1
        clauses.append(
            {
                "key": clause.key,
                "section": clause.section,
                "section_title": clause.section_title,
                "number": f"{clause.section}.{numbers[clause.section]}",
                "heading": clause.heading,
                "text": fill(clause.body, values),
            }
        )
    return {
        "title": agreement.title,
        "institution": values["institution"],
        "police_force": values["police_force"],
        "clauses": clauses,
    }


def text_hash(text: dict) -> str:
    canonical = json.dumps(text, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_version(agreement):
    return agreement.versions.order_by("-number").first()
