"""The partnership scope: a party's partnerships, as institution, force or other agency, as one UNION."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Action, Engagement, Partnership
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_party_sees_its_partnerships_and_no_others(university_liaison, police_liaison, outsider):
    council = factories.OrganisationFactory(name="Northbridge Council")
    council_officer = factories.UniversityLiaisonFactory(organisation=council)
    as_institution = factories.PartnershipFactory(institution=university_liaison.organisation)
    as_force = factories.PartnershipFactory(police_force=police_liaison.organisation)
    as_agency = factories.PartnershipFactory()
    as_agency.other_agencies.add(council)
    factories.PartnershipFactory()  # nobody's here
    engagement = factories.EngagementFactory(partnership=as_agency)

    def seen(user):
        return set(Partnership.objects.visible_to(user))

    assert seen(university_liaison) == {as_institution}
    assert seen(police_liaison) == {as_force}
    assert seen(council_officer) == {as_agency}
    assert seen(outsider) == set()
    assert list(Engagement.objects.visible_to(council_officer)) == [engagement]
    assert not Action.objects.visible_to(outsider).exists()


def test_the_scope_is_a_union_of_index_scans_not_an_or(police_liaison):
    """An OR with the agencies' subquery makes PostgreSQL test every partnership in turn."""
    with CaptureQueriesContext(connection) as captured:
        list(Partnership.objects.visible_to(police_liaison))
    sql = captured.captured_queries[-1]["sql"]
    assert "UNION ALL" in sql and " OR " not in sql
