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


def test_training_due_under_the_agreement_counts_in_health_until_delivered(
    client, university_liaison, police_liaison, staff_member, session, partnership
):
    from partnerships import services as partnership_services
    from partnerships.health import health_of, with_health
    from partnerships.models import Partnership
    from training import services

    partnership_services.record_agreement_in_force(
        partnership,
        since=timezone.localdate() - timedelta(days=200),
        source="Safer campus MOU",
        source_url="",
        commitments={"training": 6},
    )

    def health():
        return health_of(with_health(Partnership.objects.filter(pk=partnership.pk)).get())

    behind = [r for r in health().reasons if "commitment" in r.text]
    assert behind and behind[0].level == "amber"
    assert with_health(Partnership.objects.filter(pk=partnership.pk)).get().commitments_behind == 1

    booking = services.book(session, staff_member, by=staff_member)
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=4), ends_at=timezone.now() - timedelta(hours=1)
    )
    services.mark_attendance(booking, attended=True, by=police_liaison)
    assert not any("commitment" in r.text for r in health().reasons)
