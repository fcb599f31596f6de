"""``Agreement.objects.of_partnership_visible_to`` skips building the agreement scope for one
partnership's agreements (the partnership timeline's agreement events): it must give exactly the
rows ``visible_to`` and ``workings_visible_to`` narrowed to the partnership give, for everyone."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from agreements.models import A, Agreement
from agreements.timeline import agreement_events
from tests import factories
from tests.helpers import everyone_beside

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
    people = everyone_beside(personas, outsider, university, agency)
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


def test_the_timeline_shows_each_persona_the_agreement_events_of_the_agreements_it_may_see(
    personas, outsider, partnership, draft, template, university_liaison
):
    """Every event of an agreement whose workings the user sees; of the others the user sees,
    the events into a signed status; none of the rest (as through visible_to)."""
    from django.db.models import F, Q

    from agreements.models import SIGNED_STATUSES, AgreementEvent

    signed = Agreement.objects.create(partnership=partnership, template=template, title="Signed", status=A.IN_FORCE)
    for agreement in (draft, signed):
        for before, after in ((A.DRAFT, A.IN_REVIEW), (A.IN_REVIEW, A.APPROVED), (A.SIGNED, A.IN_FORCE)):
            AgreementEvent.objects.create(
                agreement=agreement, from_status=before, to_status=after, by=university_liaison
            )
    sponsor = factories.UserFactory(organisation=partnership.institution, role=Role.SENIOR_SPONSOR)
    for user in [*personas.values(), outsider, sponsor, AnonymousUser()]:
        shown = Q(agreement__in=Agreement.objects.workings_visible_to(user)) | Q(
            agreement__in=Agreement.objects.visible_to(user), to_status__in=SIGNED_STATUSES
        )
        expected = AgreementEvent.objects.filter(agreement__partnership=partnership).filter(shown)
        expected = expected.exclude(from_status=F("to_status"))
        assert len(agreement_events(partnership, user, 50)) == expected.count(), user
    every = AgreementEvent.objects.filter(agreement__partnership=partnership).exclude(from_status=F("to_status"))
    assert len(agreement_events(partnership, personas["university_liaison"], 50)) == every.count() >= 6
    assert len(agreement_events(partnership, personas["staff"], 50)) == 1  # the signed one coming into force
