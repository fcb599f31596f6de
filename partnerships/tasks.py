"""Background work for partnerships. Thin wrappers: the rules live in ``services``."""

from celery import shared_task
from django.db import OperationalError

from . import services, stored_health

BATCH_SIZE = 500


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def erase_expired_shares() -> int:
    """Erase the free text of shares past retention, one batch per run, queueing the next if needed.

    Scheduled daily by beat (``CELERY_BEAT_SCHEDULE``). Safe to run twice at once: each run
    claims its rows with ``select_for_update(skip_locked=True)`` and erased rows no longer match.
    """
    erased = services.erase_expired_shares(batch_size=BATCH_SIZE)
    if erased == BATCH_SIZE:
        erase_expired_shares.delay()
    return erased


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def check_stored_health(after: int = 0) -> int:
    """Check one batch of partnerships' stored health (``stored_health.check``), then queue the next.

    Scheduled nightly by beat (migration ``partnerships/0009``), after midnight, so that what
    time alone changed (an engagement now 91 days old, an action now overdue) is stored before
    the day's first dashboard. Drift (a stored light no change explains) is corrected and logged.
    """
    result = stored_health.check(after=after, batch_size=stored_health.BATCH_SIZE)
    if result.last_pk is not None:
        check_stored_health.delay(after=result.last_pk)
    return result.checked
