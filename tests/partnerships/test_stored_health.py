"""The health light stored on each partnership always equals the one computed from its data.

After every kind of change, through the services the pages call, the stored light and the date
time may next change it equal what ``with_health`` works out in SQL (both routes); the nightly
check stores what time alone changed and corrects, with a warning, anything else.
"""

import itertools
import logging
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone

from agreements import services as agreement_services
from core import tally
from partnerships import services, stored_health, tasks
from partnerships.health import with_health
from partnerships.models import ActionStatus, CommitmentKind, Direction, Partnership, PartnershipStatus
from partnerships.tallies import PARTNERSHIPS_BY_HEALTH
from tests import factories
from tests.fixtures.agreements import sign_both

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.localdate() - timedelta(days=days)


def stored(partnership):
    """(light, date time may change it) as stored, after checking it is the computed one."""
    partnership.refresh_from_db(fields=["health", "health_changes_on"])
    one = Partnership.objects.filter(pk=partnership.pk)
    per_row, joined = with_health(one).get(), with_health(one, many=True).get()
    assert partnership.health == per_row.health_level == joined.health_level
    today, now = timezone.localdate(), timezone.now()
    assert partnership.health_changes_on == stored_health._levels(one, today, now)[partnership.pk][1]
    # The count by light kept as it changes (core/tally.py) follows every change too.
    by_light = Partnership.objects.order_by().values("health").annotate(n=Count("*"))
    assert tally.counts(PARTNERSHIPS_BY_HEALTH) == {
        None if row["health"] is None else str(row["health"]): row["n"] for row in by_light
    }
    return partnership.health, partnership.health_changes_on


def make_healthy(partnership, *, engaged=20):
    factories.EngagementFactory(partnership=partnership, date=ago(engaged))
    factories.InformationShareFactory(partnership=partnership, direction=Direction.TO_POLICE, shared_on=ago(10))
    factories.InformationShareFactory(partnership=partnership, direction=Direction.TO_INSTITUTION, shared_on=ago(12))


# Each kind of change: (set the scene, make the change). The scene is chosen so that the change
# moves the stored light or its date, unless the kind is in STAYS (then it must not move them).


def engagement_recorded(p, uni, police):
    make_healthy(p, engaged=200)
    engagement = factories.EngagementFactory.build(partnership=p, date=ago(1), created_by=None)
    return lambda: services.save_engagement(engagement, by=uni, attendees=[p.institution_contact])


def engagement_moved(p, uni, police):
    make_healthy(p)
    engagement = p.engagements.get()

    def change():
        engagement.date = ago(150)
        services.save_engagement(engagement, by=uni, attendees=[])

    return change


def engagement_deleted(p, uni, police):
    make_healthy(p)
    return lambda: services.delete_engagement(p.engagements.get(), by=uni)


def action_raised(p, uni, police):
    make_healthy(p)
    action = factories.ActionFactory.build(partnership=p, owner=p.institution_contact, due_date=ago(0))
    return lambda: services.create_action(action, by=uni)


def action_completed(p, uni, police):
    make_healthy(p)
    overdue = [factories.ActionFactory(partnership=p, owner=p.institution_contact, due_date=ago(3)) for _ in range(3)]

    def change():
        overdue[0].status = ActionStatus.DONE
        services.update_action(overdue[0], by=uni)

    return change


def action_rescheduled(p, uni, police):
    make_healthy(p)
    action = factories.ActionFactory(partnership=p, owner=p.institution_contact, due_date=ago(2))

    def change():
        action.due_date = ago(-30)
        services.update_action(action, by=uni)

    return change


def share_recorded(p, uni, police):
    factories.EngagementFactory(partnership=p, date=ago(20))
    factories.InformationShareFactory(partnership=p, direction=Direction.TO_POLICE, shared_on=ago(10))
    share = factories.InformationShareFactory.build(partnership=p, shared_on=ago(0))
    return lambda: services.share_information(share, by=police)


def feedback_recorded(p, uni, police):
    make_healthy(p)
    old = [
        factories.InformationShareFactory(partnership=p, direction=Direction.TO_POLICE, shared_on=ago(60))
        for _ in range(2)
    ]
    return lambda: services.record_feedback(
        old[0], outcome="disruption", outcome_on=ago(1), note="Moved on twice.", by=police
    )


def status_ended(p, uni, police):
    make_healthy(p)
    return lambda: services.change_status(p, PartnershipStatus.ENDED, by=uni, reason="Merged into the county group")


def status_paused(p, uni, police):
    make_healthy(p)
    return lambda: services.change_status(p, PartnershipStatus.PAUSED, by=uni, reason="Summer")


def proposal_declined(p, uni, police):
    Partnership.objects.filter(pk=p.pk).update(status=PartnershipStatus.PROPOSED, police_accepted_at=None)
    stored_health.store([p.pk])
    return lambda: services.answer_proposal(p, by=police, accept=False, reason="Not this year")


def proposal_accepted(p, uni, police):
    Partnership.objects.filter(pk=p.pk).update(status=PartnershipStatus.PROPOSED, police_accepted_at=None)
    stored_health.store([p.pk])
    return lambda: services.answer_proposal(p, by=police, accept=True)


def partnership_edited(p, uni, police):
    make_healthy(p)

    def change():
        p.title = "Safer Northbridge campus and city centre"
        services.update_partnership(p, by=uni)

    return change


def agreement_in_force(p, uni, police):
    make_healthy(p)
    return lambda: services.record_agreement_in_force(
        p, since=ago(400), source="MOU", source_url="", commitments={CommitmentKind.MEETINGS: 3}
    )


def agreement_ended(p, uni, police):
    make_healthy(p)
    services.record_agreement_in_force(
        p, since=ago(400), source="MOU", source_url="", commitments={CommitmentKind.MEETINGS: 3}
    )
    return lambda: services.record_agreement_ended(p, source="MOU")


def commitment_met(p, uni, police):
    make_healthy(p)
    services.record_agreement_in_force(
        p, since=ago(400), source="MOU", source_url="", commitments={CommitmentKind.TRAINING: 6}
    )
    return lambda: services.record_commitment_met(p.pk, CommitmentKind.TRAINING, on=ago(1))


def share_erased(p, uni, police):
    make_healthy(p)
    return lambda: services.erase_share_text(p.shares.first())


CHANGES = [
    engagement_recorded,
    engagement_moved,
    engagement_deleted,
    action_raised,
    action_completed,
    action_rescheduled,
    share_recorded,
    feedback_recorded,
    status_ended,
    status_paused,
    proposal_declined,
    proposal_accepted,
    partnership_edited,
    agreement_in_force,
    agreement_ended,
    commitment_met,
    share_erased,
]
STAYS = {status_paused, proposal_accepted, partnership_edited, share_erased}


@pytest.mark.parametrize("kind", CHANGES, ids=[kind.__name__ for kind in CHANGES])
def test_stored_health_equals_computed_after_every_kind_of_change(
    kind, partnership, university_liaison, police_liaison
):
    change = kind(partnership, university_liaison, police_liaison)
    before = stored(partnership)
    change()
    after = stored(partnership)
    if kind in STAYS:
        assert after == before
    else:
        assert after != before, "the scene should make this change move the light or its date"


def test_a_proposed_partnership_stores_its_light(university, police_force, university_liaison):
    proposal = Partnership(institution=university, police_force=police_force, title="Night-time economy")
    services.create_partnership(proposal, by=university_liaison)
    assert stored(proposal) == (1, timezone.localdate(proposal.created_at + timedelta(days=90)) + timedelta(days=1))
    assert proposal.health == 1  # the saved instance has it too


def test_an_agreement_signed_through_the_workflow_stores_the_light(approved, police_liaison, university_liaison):
    partnership = approved.partnership
    make_healthy(partnership)
    before = stored(partnership)
    sign_both(approved, police_liaison, university_liaison)
    after = stored(partnership)
    assert partnership.commitments.filter(active=True).exists()
    # Its first meeting is due three months after it comes into force: a new date for the check.
    assert after[0] == before[0]


def test_an_agreement_ended_through_the_workflow_stores_the_light(approved, police_liaison, university_liaison):
    partnership = approved.partnership
    sign_both(approved, police_liaison, university_liaison)
    make_healthy(partnership)
    partnership.commitments.update(due_on=ago(5))  # behind; update() stores nothing...
    stored_health.store([partnership.pk])  # ...so store it as the nightly check would
    assert stored(partnership)[0] == 1  # the commitments are behind
    agreement_services.end(approved, by=university_liaison, comment="Replaced")
    assert stored(partnership)[0] == 0


def test_counts_by_health_read_the_stored_light_in_one_query(
    client, administrator, partnership, django_assert_num_queries
):
    from partnerships.dashboard import partnerships_by_health

    make_healthy(partnership)
    factories.EngagementFactory(partnership=factories.PartnershipFactory(), date=ago(300))
    factories.PartnershipFactory(status=PartnershipStatus.ENDED)
    with django_assert_num_queries(1):
        rows = partnerships_by_health(administrator)
    assert rows == [("red", "red", 1), ("green", "green", 1), ("none", None, 1)]


# The nightly check


def test_the_nightly_check_corrects_and_logs_a_wrong_stored_light(partnership, caplog):
    make_healthy(partnership)
    right = stored(partnership)
    Partnership.objects.filter(pk=partnership.pk).update(health=2)
    with caplog.at_level(logging.WARNING, logger="partnerships.stored_health"):
        result = stored_health.check()
    assert (result.checked, result.drifted, result.moved_by_time) == (1, 1, 0)
    assert stored(partnership) == right
    assert f"Stored health of partnership {partnership.pk} was 2" in caplog.text
    caplog.clear()
    assert stored_health.check().drifted == 0 and not caplog.text


def test_the_nightly_check_stores_what_time_changed_without_calling_it_drift(partnership, caplog):
    make_healthy(partnership, engaged=85)  # green until the engagement is 91 days old
    assert stored(partnership) == (0, ago(-6))  # the day the last engagement turns 91 days old
    night = timezone.make_aware(datetime.combine(ago(-6), time(0, 20)))
    with time_machine.travel(night, tick=False), caplog.at_level(logging.WARNING):
        assert Partnership.objects.get(pk=partnership.pk).health == 0  # stored, not yet checked
        result = stored_health.check()
        assert (result.moved_by_time, result.drifted) == (1, 0)
        assert stored(partnership)[0] == 1
    assert not caplog.text


def test_checked_every_night_the_stored_light_never_differs_from_the_computed(partnership):
    """Time alone moves the lights many times; each night's check finds them due, never drift."""
    p = partnership
    make_healthy(p, engaged=60)
    factories.EngagementFactory(partnership=p, date=ago(-45))  # a meeting planned in six weeks
    factories.InformationShareFactory(partnership=p, shared_on=ago(25))
    factories.InformationShareFactory(partnership=p, shared_on=ago(40), outcome="disruption", outcome_on=ago(2))
    factories.ActionFactory(partnership=p, owner=p.institution_contact, due_date=ago(-3))
    services.record_agreement_in_force(
        p, since=ago(20), source="MOU", source_url="", commitments={CommitmentKind.STATISTICS: 1}
    )
    # A proposal that never met: amber for 90 days from the minute it was made, then red.
    quiet = factories.PartnershipFactory()
    Partnership.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=80, hours=3))
    stored_health.store([quiet.pk])
    both = Partnership.objects.filter(pk__in=[p.pk, quiet.pk])
    lights = {p.pk: [stored(p)[0]], quiet.pk: [stored(quiet)[0]]}
    start, moved = timezone.localdate(), 0
    for day in range(1, 241):
        night = timezone.make_aware(datetime.combine(start + timedelta(days=day), time(0, 20)))
        with time_machine.travel(night, tick=False):
            result = stored_health.check()
            assert result.drifted == 0, f"night {day}"
            moved += result.moved_by_time
            computed = {row.pk: row.health_level for row in with_health(both)}
            assert dict(both.values_list("pk", "health")) == computed, f"night {day}"
        for pk, light in computed.items():
            lights[pk].append(light)
    changes = {pk: sum(a != b for a, b in itertools.pairwise(seen)) for pk, seen in lights.items()}
    assert changes[p.pk] >= 2 and changes[quiet.pk] == 1
    assert moved == changes[p.pk] + changes[quiet.pk]  # each one found as due, none as drift
    assert lights[quiet.pk][:10] == [1] * 10 and lights[quiet.pk][12:] == [2] * 229


def test_the_task_checks_a_batch_and_queues_the_next(partnership, monkeypatch):
    others = factories.PartnershipFactory.create_batch(2)
    Partnership.objects.update(health=None, health_changes_on=None)
    queued = []
    monkeypatch.setattr(stored_health, "BATCH_SIZE", 2)
    monkeypatch.setattr(tasks.check_stored_health, "delay", lambda **kwargs: queued.append(kwargs))
    assert tasks.check_stored_health() == 2
    first = sorted([partnership.pk, *(other.pk for other in others)])
    assert queued == [{"after": first[1]}]
    assert tasks.check_stored_health(after=first[1]) == 1
    assert tasks.check_stored_health(after=first[2]) == 0
    assert queued == [{"after": first[1]}, {"after": first[2]}]
    for each in [partnership, *others]:
        stored(each)


def test_beat_runs_the_check_every_night(db):
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("partnerships.migrations.0009_partnership_stored_health")
    migration.schedule(apps, None)
    migration.schedule(apps, None)
    entry = PeriodicTask.objects.get(task=tasks.check_stored_health.name)
    assert entry.enabled and (entry.crontab.hour, entry.crontab.minute) == ("0", "20")


def test_a_due_date_at_the_end_of_the_calendar_stores_the_light(partnership):
    """The last date there is (a form accepts it) has no day after: it never moves the light."""
    from datetime import date

    factories.ActionFactory(partnership=partnership, owner=partnership.institution_contact, due_date=date.max)
    partnership.refresh_from_db()
    assert partnership.health is not None
