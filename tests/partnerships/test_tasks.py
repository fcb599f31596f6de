"""The retention sweep as Celery runs it: queued on the real broker, run by a real worker."""

import importlib
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from partnerships import tasks
from partnerships.models import InformationShare
from portal.celery import app
from tests import factories
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_erases_expired_shares_and_keeps_the_rest(partnership):
    expired = factories.InformationShareFactory(partnership=partnership, shared_on=date(2020, 1, 1))
    current = factories.InformationShareFactory(partnership=partnership)
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        tasks.erase_expired_shares.delay()
        assert wait_for(lambda: InformationShare.objects.filter(pk=expired.pk, summary="").exists()), (
            f"no worker erased the share through {settings.CELERY_BROKER_URL.split('://')[0]}"
        )
    expired.refresh_from_db()
    current.refresh_from_db()
    assert expired.erased_at is not None and expired.category == "vehicle"
    assert current.summary and current.erased_at is None


def test_a_full_batch_queues_the_next_one(partnership, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    for _ in range(5):
        factories.InformationShareFactory(partnership=partnership, shared_on=date(2020, 1, 1))
    with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
        tasks.erase_expired_shares.delay()
        assert wait_for(lambda: not InformationShare.objects.filter(erased_at__isnull=True).exists())


def test_beat_runs_the_erasure_every_night(db):
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # Transactional tests empty the tables, so create the rows as the migration does (twice:
    # a second run must not add or change anything).
    migration = importlib.import_module("notifications.migrations.0002_periodic_tasks")
    migration.create(apps, None)
    migration.create(apps, None)
    assert PeriodicTask.objects.filter(task=tasks.erase_expired_shares.name).count() == 1
    entry = PeriodicTask.objects.get(task=tasks.erase_expired_shares.name)
    assert entry.enabled
    assert (entry.crontab.hour, entry.crontab.minute) == ("2", "15")
