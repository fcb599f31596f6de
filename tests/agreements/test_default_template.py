"""The default UK template, as the data migration loads it."""

import pytest

from agreements import services
from agreements import text as agreement_text
from tests.fixtures.agreements import FIELDS
from tests.fixtures.agreements import default_template as load_default_template

pytestmark = pytest.mark.django_db

REQUIRED_SECTIONS = range(1, 13)


@pytest.fixture(name="default_template")
def default_template_fixture():
    template = load_default_template()
    assert template.name.startswith("Campus and police partnership") and template.version == 1
    return template


def test_every_section_of_the_design_has_a_required_clause_with_guidance(default_template):
    clauses = list(default_template.clauses.all())
    assert {c.section for c in clauses if c.required} == set(REQUIRED_SECTIONS)
    assert all(c.guidance and c.heading and c.body for c in clauses)
    optional = [c for c in clauses if not c.required]
    assert len(optional) >= 4 and any("county" in c.heading.lower() for c in optional)


def test_a_draft_of_the_default_template_fills_every_placeholder(partnership, default_template, university_liaison):
    partnership.institution_sponsor = partnership.institution_contact
    partnership.police_sponsor = partnership.police_contact
    partnership.save()
    agreement = services.start_draft(partnership, default_template, by=university_liaison, title="MOU", **FIELDS)
    for clause in agreement.clauses.filter(required=False):
        clause.included = True
        clause.save()
    assert agreement_text.missing_placeholders(agreement) == []
    text = " ".join(c["text"] for c in agreement_text.assemble(agreement)["clauses"])
    assert "{" not in text and "University of Northbridge" in text and "every 3 months" in text


def test_every_placeholder_of_the_default_template_has_a_label_for_drafters():
    """The template's text lives only in its data migration; the labels in agreements/text.py."""
    import importlib

    clauses = importlib.import_module("agreements.migrations.0002_default_template").TEMPLATE["clauses"]
    used = {name for clause in clauses for name in agreement_text.PLACEHOLDER.findall(clause["body"])}
    assert used == set(agreement_text.PLACEHOLDERS)
