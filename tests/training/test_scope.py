"""``Session.objects.offered_to_visible`` skips building the session scope for one partnership's
sessions (the partnership page's training events and progress): it must give exactly the rows
``visible_to(user).filter(offered_to=partnership)`` gives, for everyone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from tests import factories
from tests.helpers import everyone_beside
from training.models import Course, Session

pytestmark = pytest.mark.django_db


def offer(course, partnership, days):
    start = timezone.now() + timedelta(days=days)
    return Session.objects.create(
        course=course, starts_at=start, ends_at=start + timedelta(hours=2), capacity=10, offered_to=partnership
    )


def test_offered_to_visible_is_visible_to_narrowed_to_the_partnership(personas, outsider, partnership, course):
    university = partnership.institution
    own_course = Course.objects.create(provider=university, title="Our own induction")
    agency = factories.OrganisationFactory(name="Northbridge Council", kind="local_authority")
    agency_course = Course.objects.create(provider=agency, title="Council safeguarding")
    partnership.other_agencies.add(agency)
    proposal = factories.PartnershipFactory(institution=university, police_accepted_at=None)
    for target in (partnership, proposal):
        for days, offered in ((-30, course), (-10, own_course), (5, agency_course)):
            offer(offered, target, days)
    offer(course, None, 3)  # offered to no partnership: never among a partnership's
    people = [
        *everyone_beside(personas, outsider, university, agency),
        factories.UserFactory(organisation=proposal.police_force, role=Role.POLICE_LIAISON),
    ]
    seen = 0
    for user in people:
        for target in (partnership, proposal):
            expected = set(Session.objects.visible_to(user).filter(offered_to=target))
            assert set(Session.objects.offered_to_visible(target, user)) == expected, (user, target)
            seen += len(expected)
    assert seen > 10  # the comparison is not of empty sets alone
    # The institution sees every session offered to an accepted partnership, not to a proposal.
    liaison = personas["university_liaison"]
    assert Session.objects.offered_to_visible(partnership, liaison).count() == 3
    assert Session.objects.offered_to_visible(proposal, liaison).count() == 1  # its own course only
