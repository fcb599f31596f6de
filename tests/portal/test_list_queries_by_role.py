"""The busiest lists run a fixed number of queries for every role, not only for the liaison
officers their own tests sign in as: a list that reads only the columns a row shows (``.only``)
must not make a query per row when a template or a role's permission check reaches further.
Found this way: an agency liaison officer's "My actions" read each partnership's other agencies
per row (``permissions.can_manage_actions``), now prefetched."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from agreements.models import A, Agreement
from tests import factories
from tests.helpers import count_queries
from training.models import Session

pytestmark = pytest.mark.django_db

ROLES = ["administrator", "police_liaison", "university_liaison", "senior_sponsor", "staff_member", "agency_liaison"]


@pytest.fixture
def agency_liaison(partnership):
    agency = factories.OrganisationFactory(name="Northbridge Council", kind="local_authority")
    partnership.other_agencies.add(agency)
    return factories.UserFactory(username="agency", organisation=agency, role=Role.AGENCY_LIAISON)


@pytest.fixture
def senior_sponsor(university):
    return factories.UserFactory(username="sponsor", organisation=university, role=Role.SENIOR_SPONSOR)


def assert_fixed_per_row(client, user, url, add):
    """One row, then five: the page runs as many queries either way. (The factories' partnership
    is accepted by both sides, so every role that may work in it sees its rows.)"""
    add(0)
    client.force_login(user)
    before = count_queries(client, url)
    for i in range(1, 5):
        add(i)
    assert count_queries(client, url) == before


@pytest.mark.parametrize("who", ROLES)
def test_my_actions_per_role(client, request, partnership, who):
    def add(i):
        factories.ActionFactory(partnership=partnership, owner=partnership.institution_contact)

    assert_fixed_per_row(client, request.getfixturevalue(who), reverse("partnerships:my_actions"), add)


@pytest.mark.parametrize("who", ROLES)
def test_agreement_list_per_role(client, request, partnership, template, who):
    def add(i):
        Agreement.objects.create(
            partnership=partnership, template=template, title=f"MOU {i}", status=A.IN_FORCE, variation_number=i
        )

    assert_fixed_per_row(client, request.getfixturevalue(who), reverse("agreements:list"), add)


@pytest.mark.parametrize("who", ROLES)
def test_session_list_per_role(client, request, partnership, course, who):
    def add(i):
        start = timezone.now() + timedelta(days=3 + i)
        Session.objects.create(
            course=course, starts_at=start, ends_at=start + timedelta(hours=2), venue="X", capacity=1
        )

    assert_fixed_per_row(client, request.getfixturevalue(who), reverse("training:session_list"), add)


@pytest.mark.parametrize("who", ROLES)
def test_shares_per_role(client, request, partnership, who):
    def add(i):
        factories.InformationShareFactory(partnership=partnership)

    assert_fixed_per_row(client, request.getfixturevalue(who), reverse("partnerships:shares_awaiting_feedback"), add)
