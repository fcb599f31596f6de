"""Celery tasks for notifications: thin wrappers around ``services``."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep() -> dict:
    """Beat runs this every 5 minutes (a periodic task in Django admin)."""
    report = services.send_due_reminders()
    return {"recorded": report.total, "queued": report.queued}


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notifications(pks: list[int]) -> dict:
    """Email a chunk of notifications; each failure is retried on its own by ``send_notification``.

    Idempotent: run again (a redelivered message), it finds the sent ones sent and skips them.
    """
    from core.queue import publish

    outcomes = {}
    for pk in pks:
        result = services.deliver(pk)
        outcomes[result.status] = outcomes.get(result.status, 0) + 1
        if result.retry_in is not None:
            # If this cannot be queued either, the sweep queues it when its retry is due.
            publish(send_notification, pk, countdown=result.retry_in)
    return outcomes


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, ignore_result=True)
def send_notification(self, pk: int) -> str:
    """Email one notification. Idempotent: a second run finds it sent (or claimed) and stops."""
    result = services.deliver(pk)
    if result.retry_in is not None:
        raise self.retry(countdown=result.retry_in)
    return result.status
