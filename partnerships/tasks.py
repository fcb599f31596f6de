"""Background work for partnerships. Thin wrappers: the rules live in ``services``."""

from celery import shared_task
from django.db import OperationalError

from . import services

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
