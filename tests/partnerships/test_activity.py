"""Engagements, the actions raised from them, and the "my actions" page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Action, ActionStatus, Engagement
from tests import factories

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_liaison_records_a_meeting_with_attendees_of_both_sides(client, university_liaison, partnership):
    client.force_login(university_liaison)
    url = reverse("partnerships:engagement_create", args=[partnership.pk])
    attendees = [partnership.institution_contact.pk, partnership.police_contact.pk]
    response = client.post(
        url,
        {
            "kind": "strategic_meeting",
            "title": "Autumn term review",
            "date": (today() - timedelta(days=2)).isoformat(),
            "attendees": attendees,
            "notes": "Reviewed welcome week.",
            "decisions": "Run a joint consent campaign.",
        },
    )
    engagement = Engagement.objects.get()
    assert response.url == engagement.get_absolute_url()
    assert sorted(engagement.attendees.values_list("pk", flat=True)) == sorted(attendees)
    assert engagement.history.get().history_user == university_liaison


def test_attendees_must_work_for_a_party(client, university_liaison, partnership):
    stranger = factories.ContactFactory(organisation=university_liaison.organisation)
    other = factories.ContactFactory()
    client.force_login(university_liaison)
    url = reverse("partnerships:engagement_create", args=[partnership.pk])
    data = {"kind": "forum", "title": "Forum", "date": today().isoformat(), "attendees": [stranger.pk, other.pk]}
    response = client.post(url, data)
    assert "attendees" in response.context["form"].errors
    assert not Engagement.objects.exists()


def test_deleting_an_engagement_asks_first_and_keeps_its_actions(client, university_liaison, engagement, action):
    client.force_login(university_liaison)
    url = reverse("partnerships:engagement_delete", args=[engagement.pk])
    page = client.get(url).content.decode()
    assert "Delete “Autumn strategic meeting”?" in page and "1 action raised from it will stay" in page
    assert Engagement.objects.exists()
    client.post(url)
    assert not Engagement.objects.exists()
    action.refresh_from_db()
    assert action.engagement is None
    assert Engagement.history.filter(history_type="-").get().history_user == university_liaison


def action_data(partnership, **overrides):
    data = {
        "title": "Map late-night taxi ranks",
        "owner": partnership.police_contact.pk,
        "due_date": (today() + timedelta(days=21)).isoformat(),
    }
    data.update(overrides)
    return data


def test_action_raised_from_an_engagement(client, university_liaison, partnership, engagement):
    client.force_login(university_liaison)
    url = reverse("partnerships:action_create", args=[partnership.pk])
    form = client.get(url, {"engagement": engagement.pk}).context["form"]
    assert form.initial["engagement"] == engagement.pk
    response = client.post(url, action_data(partnership, engagement=engagement.pk))
    assert response.url == engagement.get_absolute_url()
    action = Action.objects.get()
    assert action.status == ActionStatus.OPEN and action.created_by == university_liaison


def test_an_action_due_in_the_past_is_refused_on_creation(client, university_liaison, partnership):
    client.force_login(university_liaison)
    url = reverse("partnerships:action_create", args=[partnership.pk])
    response = client.post(url, action_data(partnership, due_date=(today() - timedelta(days=1)).isoformat()))
    assert response.context["form"].errors["due_date"] == ["Choose a due date from today onwards."]
    assert not Action.objects.exists()


def test_an_action_of_another_partnership_engagement_is_refused(client, university_liaison, partnership):
    elsewhere = factories.EngagementFactory()
    client.force_login(university_liaison)
    response = client.post(
        reverse("partnerships:action_create", args=[partnership.pk]),
        action_data(partnership, engagement=elsewhere.pk),
    )
    assert "engagement" in response.context["form"].errors


def test_finishing_an_action_dates_it_and_reopening_clears_the_date(client, police_liaison, action):
    client.force_login(police_liaison)
    url = reverse("partnerships:action_status", args=[action.pk])
    client.post(url, {"status": "done"})
    action.refresh_from_db()
    assert action.completed_on == today()
    client.post(url, {"status": "open"})
    action.refresh_from_db()
    assert action.completed_on is None


def test_an_overdue_action_can_still_be_edited(client, university_liaison, action):
    Action.objects.filter(pk=action.pk).update(due_date=today() - timedelta(days=3))
    client.force_login(university_liaison)
    url = reverse("partnerships:action_edit", args=[action.pk])
    data = {"title": "Renamed", "owner": action.owner_id, "due_date": (today() - timedelta(days=3)).isoformat()}
    data["status"] = "in_progress"
    assert client.post(url, data).status_code == 302


def test_my_actions_lists_open_actions_overdue_first(client, university_liaison, partnership):
    owner = partnership.institution_contact
    factories.ActionFactory(partnership=partnership, owner=owner, title="Later")
    overdue = factories.ActionFactory(partnership=partnership, owner=owner, title="Overdue")
    Action.objects.filter(pk=overdue.pk).update(due_date=today() - timedelta(days=5))
    factories.ActionFactory(partnership=partnership, owner=owner, title="Soon", due_date=today())
    factories.ActionFactory(partnership=partnership, owner=owner, title="Done", status=ActionStatus.DONE)
    client.force_login(university_liaison)
    response = client.get(reverse("partnerships:my_actions"))
    assert [a.title for a in response.context["actions"]] == ["Overdue", "Soon", "Later"]
    assert "Overdue: " in response.content.decode()


def test_my_actions_can_show_only_the_users_own(client, university_liaison, partnership):
    factories.ActionFactory(partnership=partnership, owner=partnership.institution_contact, title="Mine")
    factories.ActionFactory(partnership=partnership, owner=partnership.police_contact, title="Theirs")
    client.force_login(university_liaison)
    response = client.get(reverse("partnerships:my_actions"), {"owner": "me"})
    assert [a.title for a in response.context["actions"]] == ["Mine"]


def test_my_actions_empty_state(client, university_liaison):
    client.force_login(university_liaison)
    assert "No open actions." in client.get(reverse("partnerships:my_actions")).content.decode()


def test_timeline_is_newest_first_and_orders_a_day_by_when_things_were_recorded(
    client, university_liaison, partnership
):
    factories.EngagementFactory(partnership=partnership, title="Old meeting", date=today() - timedelta(days=30))
    factories.EngagementFactory(partnership=partnership, title="Today's meeting", date=today())
    factories.InformationShareFactory(partnership=partnership, shared_on=today())
    client.force_login(university_liaison)
    events = client.get(partnership.get_absolute_url()).context["events"]
    titles = [event.title for event in events]
    assert titles.index("Information shared to police: Vehicle") < titles.index("Today's meeting")
    assert titles.index("Today's meeting") < titles.index("Old meeting")
    assert [event.on for event in events] == sorted((event.on for event in events), reverse=True)


def test_recording_a_meeting_moves_the_meeting_commitment_on(university_liaison, partnership):
    from partnerships import services
    from partnerships.models import Commitment

    services.record_agreement_in_force(
        partnership, since=today() - timedelta(days=120), source="MOU", source_url="", commitments={"meetings": 3}
    )
    commitment = Commitment.objects.get()
    assert commitment.due_on < today()
    engagement = Engagement(partnership=partnership, kind="forum", title="Forum", date=today())
    services.save_engagement(engagement, by=university_liaison, attendees=[])
    commitment.refresh_from_db()
    assert commitment.last_met_on == today() and commitment.due_on > today()
