"""The busiest lists run a fixed number of queries for every role, not only for the liaison
officers their own tests sign in as: a list that reads only the columns a row shows (``.only``)
must not make a query per row when a template or a role's permission check reaches further.
Found this way: an agency liaison officer's "My actions" read each partnership's other agencies
per row (``permissions.can_manage_actions``), now prefetched."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def count(client, url):
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
        assert response.status_code == 200
    return len(q), [x["sql"] for x in q]


@pytest.fixture
def agency_liaison(partnership):
    agency = factories.OrganisationFactory(name="Northbridge Council", kind="local_authority")
    partnership.other_agencies.add(agency)
    return factories.UserFactory(username="agency", organisation=agency, role=Role.AGENCY_LIAISON)


@pytest.fixture
def senior_sponsor(university):
    return factories.UserFactory(username="sponsor", organisation=university, role=Role.SENIOR_SPONSOR)


@pytest.mark.parametrize(
    "who", ["agency_liaison", "administrator", "police_liaison", "university_liaison", "senior_sponsor", "staff_member"]
)
def test_my_actions_per_role(client, request, partnership, who):
    now = timezone.now()
    partnership.institution_accepted_at = partnership.police_accepted_at = now
    partnership.save()
    user = request.getfixturevalue(who)
    factories.ActionFactory(partnership=partnership, owner=partnership.institution_contact)
    client.force_login(user)
    url = reverse("partnerships:my_actions")
    before, _ = count(client, url)
    for _ in range(4):
        factories.ActionFactory(partnership=partnership, owner=partnership.institution_contact)
    after, sql = count(client, url)
    assert before == after, "\n".join(sql)


ROLES = ["administrator", "police_liaison", "university_liaison", "senior_sponsor", "staff_member", "agency_liaison"]


def _accept(partnership):
    now = timezone.now()
    partnership.institution_accepted_at = partnership.police_accepted_at = now
    partnership.save()


@pytest.mark.parametrize("who", ROLES)
def test_agreement_list_per_role(client, request, partnership, template, who):
    from agreements.models import A, Agreement

    _accept(partnership)
    user = request.getfixturevalue(who)

    def add(i):
        Agreement.objects.create(
            partnership=partnership, template=template, title=f"MOU {i}", status=A.IN_FORCE, variation_number=i
        )

    add(0)
    client.force_login(user)
    url = reverse("agreements:list")
    before, _ = count(client, url)
    for i in range(1, 5):
        add(i)
    after, sql = count(client, url)
    assert before == after, "\n".join(sql)


@pytest.mark.parametrize("who", ROLES)
def test_session_list_per_role(client, request, partnership, course, who):
    from datetime import timedelta

    from training.models import Session

    _accept(partnership)
    user = request.getfixturevalue(who)

    def add(i):
        start = timezone.now() + timedelta(days=3 + i)
        Session.objects.create(
            course=course, starts_at=start, ends_at=start + timedelta(hours=2), venue="X", capacity=1
        )

    add(0)
    client.force_login(user)
    url = reverse("training:session_list")
    before, _ = count(client, url)
    for i in range(1, 5):
        add(i)
    after, sql = count(client, url)
    assert before == after, "\n".join(sql)


@pytest.mark.parametrize("who", ROLES)
def test_shares_per_role(client, request, partnership, who):
    _accept(partnership)
    user = request.getfixturevalue(who)
    factories.InformationShareFactory(partnership=partnership)
    client.force_login(user)
    url = reverse("partnerships:shares_awaiting_feedback")
    before, _ = count(client, url)
    for _ in range(4):
        factories.InformationShareFactory(partnership=partnership)
    after, sql = count(client, url)
    assert before == after, "\n".join(sql)
