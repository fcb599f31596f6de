"""Pages run the same number of SQL queries with 1 row and with 200 (a fixed budget per page)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import (
    Action,
    Contact,
    Direction,
    Engagement,
    InformationShare,
    Organisation,
    OrganisationKind,
    Partnership,
)
from tests import factories
from tests.helpers import assert_fixed_queries

pytestmark = pytest.mark.django_db

ROWS = 200

# Both sides have accepted these partnerships, as every working partnership has.
ACCEPTED = {"institution_accepted_at": timezone.now(), "police_accepted_at": timezone.now()}


def today():
    return timezone.localdate()


def add_partnerships(university, n=ROWS):
    forces = Organisation.objects.bulk_create(
        Organisation(name=f"Force {i}", kind=OrganisationKind.POLICE_FORCE) for i in range(n)
    )
    partnerships = Partnership.objects.bulk_create(
        Partnership(
            institution=university, police_force=force, title=f"Partnership {i}", focus_areas=["drugs"], **ACCEPTED
        )
        for i, force in enumerate(forces)
    )
    for p in partnerships[:20]:
        factories.EngagementFactory(partnership=p)
        factories.InformationShareFactory(partnership=p)
    return partnerships


def add_activity(partnership, user, n=ROWS):
    owner = partnership.institution_contact
    engagements = Engagement.objects.bulk_create(
        Engagement(partnership=partnership, kind="forum", title=f"Forum {i}", date=today() - timedelta(days=i))
        for i in range(n)
    )
    for engagement in engagements[:20]:
        engagement.attendees.add(owner, partnership.police_contact)
    Action.objects.bulk_create(
        Action(
            partnership=partnership,
            engagement=engagements[i % 20],
            title=f"Action {i}",
            owner=owner,
            due_date=today() + timedelta(days=i - 50),
            completed_on=today() if i % 3 == 0 else None,
        )
        for i in range(n)
    )
    InformationShare.objects.bulk_create(
        InformationShare(
            partnership=partnership,
            direction=Direction.TO_POLICE if i % 2 else Direction.TO_INSTITUTION,
            category="vehicle",
            summary="x",
            lawful_basis="public_task",
            shared_on=today() - timedelta(days=i),
            retain_until=today() + timedelta(days=300),
            outcome="disruption" if i % 2 else "",
            outcome_on=today() if i % 2 else None,
        )
        for i in range(n)
    )
    # History rows through the ORM, as people would make them.
    for engagement in engagements[:30]:
        engagement.notes = "Updated"
        engagement._history_user = user
        engagement.save()


@pytest.mark.parametrize("role", ["university_liaison", "administrator"])
def test_partnership_list_runs_fixed_queries(client, personas, university, partnership, role):
    client.force_login(personas[role])
    url = reverse("partnerships:partnership_list")
    assert_fixed_queries(client, url, lambda: add_partnerships(university), budget=9)
    assert_fixed_queries(client, url + "?health=amber&sort=health&focus=drugs", lambda: None, budget=9)


def test_partnership_page_runs_fixed_queries(client, university_liaison, partnership):
    client.force_login(university_liaison)
    url = partnership.get_absolute_url()
    factories.EngagementFactory(partnership=partnership)
    assert_fixed_queries(client, url, lambda: add_activity(partnership, university_liaison), budget=19)


def test_partnership_history_runs_fixed_queries(client, university_liaison, partnership):
    client.force_login(university_liaison)
    url = reverse("partnerships:partnership_history", args=[partnership.pk])
    assert_fixed_queries(client, url, lambda: add_activity(partnership, university_liaison), budget=9)


def test_my_actions_runs_fixed_queries(client, university_liaison, partnership):
    factories.ActionFactory(partnership=partnership, owner=partnership.institution_contact)
    client.force_login(university_liaison)
    assert_fixed_queries(
        client, reverse("partnerships:my_actions"), lambda: add_activity(partnership, university_liaison), budget=9
    )


def test_shares_awaiting_feedback_runs_fixed_queries(client, police_liaison, partnership):
    factories.InformationShareFactory(partnership=partnership)
    client.force_login(police_liaison)
    url = reverse("partnerships:shares_awaiting_feedback")
    assert_fixed_queries(client, url, lambda: add_activity(partnership, police_liaison), budget=9)


def test_engagement_page_runs_fixed_queries(client, university_liaison, partnership):
    engagement = factories.EngagementFactory(partnership=partnership)
    engagement.attendees.add(partnership.institution_contact)
    client.force_login(university_liaison)

    def add_rows():
        contacts = Contact.objects.bulk_create(
            Contact(organisation=partnership.institution, name=f"Person {i}") for i in range(ROWS)
        )
        engagement.attendees.add(*contacts)
        for contact in contacts[:50]:
            factories.ActionFactory(partnership=partnership, engagement=engagement, owner=contact)

    assert_fixed_queries(client, engagement.get_absolute_url(), add_rows, budget=9)


def test_share_page_runs_fixed_queries(client, university_liaison, partnership, share):
    client.force_login(university_liaison)

    def add_views():
        for _ in range(ROWS):
            client.get(share.get_absolute_url())

    assert_fixed_queries(client, share.get_absolute_url(), add_views, budget=10)


def test_liaison_dashboard_runs_fixed_queries(client, university_liaison, university, partnership):
    client.force_login(university_liaison)
    assert_fixed_queries(client, reverse("portal:dashboard"), lambda: add_partnerships(university), budget=18)


def test_liaison_dashboard_lists_partnerships_worst_first_with_what_is_waiting(
    client, police_liaison, partnership, share
):
    worse = factories.PartnershipFactory(police_force=partnership.police_force, title="Aardvark struggling")
    factories.EngagementFactory(partnership=worse, date=today() - timedelta(days=400))
    client.force_login(police_liaison)
    response = client.get(reverse("portal:dashboard"))
    summary = response.context["summary"]
    assert [p.title for p in summary["partnerships"]] == ["Aardvark struggling", partnership.title]
    assert summary["feedback_due_count"] == 1
    assert "1 share awaiting your feedback" in response.content.decode()
