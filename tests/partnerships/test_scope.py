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


def test_a_visible_partnerships_rows_read_through_it_are_exactly_its_scoped_rows(
    university_liaison, police_liaison, staff_member, administrator, outsider
):
    """The partnership page reads engagements, actions, shares and commitments through the partnership.

    It fetched the partnership through ``visible_to``; their scopes must then say nothing more
    (shares: nothing more than ``can_see_shares``), or the page would show rows it should not.
    """
    from accounts.models import Role
    from partnerships.models import Commitment, InformationShare
    from partnerships.permissions import can_see_shares

    council = factories.OrganisationFactory(name="Northbridge Council", kind="local_authority")
    council_officer = factories.UserFactory(organisation=council, role=Role.AGENCY_LIAISON)
    mine = factories.PartnershipFactory(
        institution=university_liaison.organisation, police_force=police_liaison.organisation
    )
    mine.other_agencies.add(council)
    others = factories.PartnershipFactory()
    for partnership in (mine, others):
        factories.EngagementFactory(partnership=partnership)
        factories.ActionFactory(partnership=partnership)
        factories.InformationShareFactory(partnership=partnership)
        Commitment.objects.create(
            partnership=partnership, kind="meetings", every_months=3, since=partnership.start_date, source="MOU"
        )
    for user in (university_liaison, police_liaison, staff_member, administrator, outsider, council_officer):
        for partnership in Partnership.objects.visible_to(user):
            for model, related in (
                (Engagement, partnership.engagements),
                (Action, partnership.actions),
                (Commitment, partnership.commitments),
            ):
                assert set(related.all()) == set(model.objects.visible_to(user).filter(partnership=partnership))
            read = set(partnership.shares.all()) if can_see_shares(user, partnership) else set()
            assert read == set(InformationShare.objects.visible_to(user).filter(partnership=partnership)), user.role


def more_roles(partnership_with, university):
    """A senior sponsor of the university and an agency liaison officer taking part."""
    from accounts.models import Role

    agency = factories.OrganisationFactory(name="Northbridge Council", kind="local_authority")
    partnership_with.other_agencies.add(agency)
    return [
        factories.UserFactory(organisation=university, role=Role.SENIOR_SPONSOR),
        factories.UserFactory(organisation=agency, role=Role.AGENCY_LIAISON),
    ]


def test_own_of_is_visible_to_narrowed_to_the_users_own_organisation(personas, outsider):
    """``Organisation.objects.own_of`` skips building the partner conditions; it must give
    exactly the rows ``visible_to`` narrowed to the user's organisation gives, for everyone."""
    from django.contrib.auth.models import AnonymousUser

    from partnerships.models import Organisation

    inactive = factories.UserFactory(organisation=outsider.organisation, is_active=False)
    shared = factories.PartnershipFactory(institution=outsider.organisation)  # a partner to skip
    people = [*personas.values(), outsider, inactive, AnonymousUser(), *more_roles(shared, outsider.organisation)]
    for user in people:
        own = getattr(user, "organisation_id", None)
        expected = list(Organisation.objects.visible_to(user).filter(pk=own))
        assert list(Organisation.objects.own_of(user)) == expected, user
    assert list(Organisation.objects.own_of(outsider)) == [outsider.organisation]
    assert not Organisation.objects.own_of(inactive).exists()


def test_awaiting_answer_by_is_visible_to_narrowed_to_proposals_awaiting_the_user(personas, outsider):
    """``Partnership.objects.awaiting_answer_by`` skips the scope: the same rows as through it."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    university = personas["university_liaison"].organisation
    force = personas["police_liaison"].organisation
    now = timezone.now()
    proposal = factories.PartnershipFactory(institution=university, police_force=force, police_accepted_at=None)
    factories.PartnershipFactory(institution=university, institution_accepted_at=None, police_accepted_at=now)
    factories.PartnershipFactory(police_force=force, police_accepted_at=None)
    factories.PartnershipFactory(institution=outsider.organisation, institution_accepted_at=None)
    inactive = factories.UserFactory(organisation=university, is_active=False)
    for user in [*personas.values(), outsider, inactive, AnonymousUser(), *more_roles(proposal, university)]:
        own = getattr(user, "organisation_id", None)
        expected = set(Partnership.objects.visible_to(user).awaiting_answer_from(own))
        assert set(Partnership.objects.awaiting_answer_by(user)) == expected, user
    assert Partnership.objects.awaiting_answer_by(personas["police_liaison"]).count() == 2
