"""Background work of the foundation: folding the tallies' ledger (``core/tally.py``)."""

from celery import shared_task
from django.db import OperationalError

from . import tally


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def compact_tallies() -> int:
    """Fold the ledger of counts into a row per group. Scheduled nightly by beat (migration
    ``core/0002``), after the stored health check has written the night's changes of light."""
    return tally.compact()
