"""Queueing Celery work without ever failing the caller when the broker is unreachable.

``enqueue`` is for requests: it publishes after the transaction commits. When the broker
cannot be reached the failure is logged and ``fallback`` (if given) runs in place of the
task; work without a fallback is caught up by the periodic sweep.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def publish(task, *args, countdown=None) -> bool:
    try:
        task.apply_async(args, retry=False, countdown=countdown)
    except Exception:  # kombu, redis and amqp raise different errors for an unreachable broker
        logger.warning("Could not queue %s%r.", task.name, args, exc_info=True)
        return False
    return True


def enqueue(task, *args, fallback=None) -> None:
    def after_commit():
        if not publish(task, *args) and fallback is not None:
            logger.warning("Running %s%r here instead.", task.name, args)
            fallback()

    transaction.on_commit(after_commit)
