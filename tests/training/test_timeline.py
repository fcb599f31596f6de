"""Sessions delivered for a partnership appear on its timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from training.models import Session

pytestmark = pytest.mark.django_db


def test_a_delivered_session_joins_the_partnership_timeline(client, university_liaison, session, partnership):
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2, hours=-3)
    )
    client.force_login(university_liaison)
    events = client.get(partnership.get_absolute_url()).context["events"]
    assert "Training delivered: Sexual assault awareness" in [event.title for event in events]


def test_a_future_session_is_not_yet_on_the_timeline(client, university_liaison, session, partnership):
    client.force_login(university_liaison)
    events = client.get(partnership.get_absolute_url()).context["events"]
    assert not any(event.kind == "Training" for event in events)


def test_training_and_meeting_commitments_show_planned_against_delivered(
    client, university_liaison, session, partnership
):
    from partnerships import services as partnership_services

    since = timezone.localdate() - timedelta(days=400)
    partnership_services.record_agreement_in_force(
        partnership,
        since=since,
        source="Safer campus MOU",
        source_url="",
        commitments={"training": 6, "meetings": 3},
    )
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(days=30), ends_at=timezone.now() - timedelta(days=30, hours=-3)
    )
    client.force_login(university_liaison)
    page = client.get(partnership.get_absolute_url())
    progress = {c.kind: c.progress for c in page.context["commitments"]}
    assert (progress["training"].delivered, progress["training"].planned) == (1, 2)
    assert progress["meetings"].planned == 4 and not progress["meetings"].on_track
    assert "1 done, 2 planned by now (behind)" in page.content.decode()
