"""``Agreement.objects.of_partnership_visible_to`` skips building the agreement scope for one
partnership's agreements (the partnership timeline's agreement events): it must give exactly the
rows ``visible_to`` and ``workings_visible_to`` narrowed to the partnership give, for everyone."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from agreements.models import A, Agreement
from agreements.timeline import agreement_events
from tests import factories

pytestmark = pytest.mark.django_db


def test_of_partnership_visible_to_is_the_scope_narrowed_to_the_partnership(
    personas, outsider, partnership, draft, template
):
    university = partnership.institution
    signed = Agreement.objects.create(partnership=partnership, template=template, title="Signed", status=A.IN_FORCE)
    elsewhere = factories.PartnershipFactory(institution=university)
    Agreement.objects.create(partnership=elsewhere, template=template, title="Elsewhere", status=A.IN_FORCE)
    agency = factories.OrganisationFactory(name="Northbridge Council", kind="local_authority")
    partnership.other_agencies.add(agency)
    people = [
        *personas.values(),
        outsider,
        factories.UserFactory(organisation=university, is_active=False),
        AnonymousUser(),
        factories.UserFactory(organisation=university, role=Role.SENIOR_SPONSOR),
        factories.UserFactory(organisation=agency, role=Role.AGENCY_LIAISON),
    ]
    for user in people:
        for target in (partnership, elsewhere):
            visible = set(Agreement.objects.visible_to(user).filter(partnership=target))
            workings = set(Agreement.objects.workings_visible_to(user).filter(partnership=target))
            assert set(Agreement.objects.of_partnership_visible_to(target, user)) == visible, (user, target)
            narrowed = set(Agreement.objects.of_partnership_visible_to(target, user, workings=True))
            assert narrowed == workings, (user, target)
    staff = personas["staff"]
    assert set(Agreement.objects.of_partnership_visible_to(partnership, staff)) == {signed}
    assert not Agreement.objects.of_partnership_visible_to(partnership, staff, workings=True).exists()
    assert set(Agreement.objects.of_partnership_visible_to(partnership, personas["police_liaison"])) == {draft, signed}
    # The timeline shows the staff member the signed agreement's events only.
    titles = {event.title for event in agreement_events(partnership, staff, 20)}
    assert all("Signed" in title for title in titles)
