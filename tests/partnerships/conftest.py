"""A partnership between the personas' university and force, with a little of everything."""

import pytest

from tests import factories


@pytest.fixture
def partnership(university, police_force, university_liaison, police_liaison):
    uni_contact = factories.ContactFactory(organisation=university, name="Priya Shah", user=university_liaison)
    police_contact = factories.ContactFactory(organisation=police_force, name="PS Daniel Okafor", user=police_liaison)
    return factories.PartnershipFactory(
        institution=university,
        police_force=police_force,
        title="Safer Northbridge campus",
        institution_contact=uni_contact,
        police_contact=police_contact,
    )


@pytest.fixture
def engagement(partnership):
    return factories.EngagementFactory(partnership=partnership, title="Autumn strategic meeting")


@pytest.fixture
def action(partnership, engagement):
    return factories.ActionFactory(
        partnership=partnership,
        engagement=engagement,
        title="Map late-night taxi ranks",
        owner=partnership.institution_contact,
    )


@pytest.fixture
def share(partnership, university_liaison):
    return factories.InformationShareFactory(partnership=partnership, shared_by=university_liaison)
