"""A course of the personas' force, and a future session offered to its partner university."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.partnerships.conftest import partnership  # noqa: F401 - shared fixture
from training.models import Course, Session


@pytest.fixture
def unit(police_force):
    return factories.UnitFactory(organisation=police_force, name="Rape and Serious Crime Unit")


@pytest.fixture
def course(police_force, unit):
    return Course.objects.create(
        provider=police_force,
        provider_unit=unit,
        title="Sexual assault awareness",
        description="How to respond to a disclosure, and what happens after a report.",
        audience="Hall wardens and student support staff",
        duration_minutes=180,
        refresher_months=24,
    )


@pytest.fixture
def session(course, partnership):  # noqa: F811
    start = timezone.now().replace(microsecond=0) + timedelta(days=14)
    return Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue="Senate House, Room 2",
        capacity=5,
        trainers="DS Ruth Adeyemi",
        offered_to=partnership,
    )


@pytest.fixture
def colleagues(university):
    """Five more staff members of the university."""
    return factories.UserFactory.create_batch(5, organisation=university)
