"""A small template and agreements at each stage, on the personas' partnership."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from agreements import services
from agreements.models import AgreementTemplate, TemplateClause
from tests.partnerships.conftest import partnership  # noqa: F401 - shared fixture

CLAUSES = [
    (
        1,
        "Parties, purpose and scope",
        "parties",
        "The parties",
        "This memorandum is between {institution} and {police_force}.",
        True,
    ),
    (
        1,
        "Parties, purpose and scope",
        "contacts",
        "Single points of contact",
        "{institution_contact} and {police_contact} lead day to day.",
        True,
    ),
    (1, "Parties, purpose and scope", "scope", "Scope", "It covers {area_covered}.", True),
    (
        4,
        "Communication and coordination",
        "meetings",
        "Meetings",
        "The parties meet {meeting_frequency} and share statistics {statistics_frequency}.",
        True,
    ),
    (7, "Training", "training", "Training", "Joint training takes place {training_frequency}.", True),
    (
        10,
        "Term, variation and termination",
        "term",
        "Term",
        "It lasts {term} from {effective_date}, reviewed every {review_interval}, ended on {notice_period}.",
        True,
    ),
    (12, "Signatures", "signatures", "Signatures", "Signed by {institution_sponsor} and {police_sponsor}.", True),
    (
        13,
        "Optional provisions",
        "county_lines",
        "County lines",
        "The parties work together against county lines.",
        False,
    ),
]

FIELDS = {
    "area_covered": "the Northbridge campus, its halls and the streets around them",
    "meeting_months": 3,
    "statistics_months": 6,
    "training_months": 12,
    "effective_date": date(2026, 12, 1),
    "term_months": 24,
    "review_months": 12,
    "notice_months": 3,
}


@pytest.fixture
def template(db):
    template = AgreementTemplate.objects.create(name="Test MOU template", version=1)
    TemplateClause.objects.bulk_create(
        TemplateClause(
            template=template,
            section=section,
            section_title=title,
            order=i,
            key=key,
            heading=heading,
            body=body,
            guidance=f"Guidance for {heading}.",
            required=required,
        )
        for i, (section, title, key, heading, body, required) in enumerate(CLAUSES)
    )
    return template


@pytest.fixture
def draft(partnership, template, university_liaison):  # noqa: F811
    partnership.institution_sponsor = partnership.institution_contact
    partnership.police_sponsor = partnership.police_contact
    partnership.save()
    return services.start_draft(partnership, template, by=university_liaison, **FIELDS)


@pytest.fixture
def in_review(draft, university_liaison):
    services.submit_for_review(draft, by=university_liaison)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def approved(in_review, police_liaison):
    services.approve(in_review, by=police_liaison)
    in_review.refresh_from_db()
    return in_review


def default_template() -> AgreementTemplate:
    """The model memorandum that the data migration loads.

    The browser tests use a transactional database, and flushing it after a test empties every
    table, the data migration's rows included: whether the template is still there depends on
    which tests ran before. ``serialized_rollback`` does not help either: after another
    transactional test's flush has recreated the content types, restoring the serialized
    database fails on their unique constraint. So load the template again with the migration's
    own function, which does nothing when it is there already.
    """
    migration = importlib.import_module("agreements.migrations.0002_default_template")
    migration.load(apps, None)
    return AgreementTemplate.objects.get(is_current=True)
