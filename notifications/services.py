"""Recording, sweeping and delivering notifications. Every rule lives here; tasks are thin.

How a notification travels:

1. It is *recorded*: a row in the log under its unique key, inserted with
   ``ignore_conflicts`` so that whoever inserts it second (another sweep, a retried request)
   inserts nothing. Events (a booking, a review request) are recorded inside the transaction
   that changes the data; reminders that fall due with time are found by ``send_due_reminders``.
2. It is *queued*: after the transaction commits, one ``send_notification`` task per row is
   published. If the broker cannot be reached the failure is logged and nothing else happens;
   the next sweep queues every pending row that is not queued or whose task went missing.
3. It is *delivered*: the task claims the row for ``LEASE`` (a conditional update, so two
   workers never both send it), sends the email, and marks it sent. A failed send releases
   the claim and is retried with exponential backoff; a worker that dies leaves the claim to
   expire, after which the sweep queues it again.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core import mail

from .kinds import CATCH_UPS, GROUPS, KINDS, SOURCES, Batch, Due
from .models import Delivery, Muted, Notification

logger = logging.getLogger(__name__)

# A worker holds a claim this long; longer than the task's hard time limit.
LEASE = timedelta(minutes=10)
# A pending row queued this long ago and still not sent is queued again.
REQUEUE_AFTER = timedelta(minutes=15)
# Reminders found per query, and queries per kind per sweep.
BATCH_SIZE = 1000
MAX_BATCHES = 20


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: the base doubling with each attempt, at most an hour."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 3600)


# --- recording ------------------------------------------------------------------------------


def _muted(recipient_ids, group_key) -> set[int]:
    if GROUPS[group_key].essential or not recipient_ids:
        return set()
    return set(Muted.objects.filter(user_id__in=recipient_ids, group=group_key).values_list("user_id", flat=True))


def record(kind_key: str, items: list[Due], *, pending_ids=True) -> list[int]:
    """Insert log rows for ``items`` (those already in the log are left as they are).

    Returns the ids of rows that wait to be emailed, for ``enqueue`` (unless ``pending_ids``
    is false: the sweep finds them all at once afterwards). At most three queries whatever the
    number of items: the mutes, the insert, the ids.
    """
    kind = KINDS[kind_key]
    if not items:
        return []
    muted = _muted({r.pk for item in items for r in item.recipients}, kind.group.key)
    rows = []
    for item in items:
        common = {"kind": kind.key, "object_id": item.obj.pk, "occasion": item.occasion}
        common.update(title=item.title[:300], url=item.url[:300])
        if not item.recipients:
            rows.append(
                Notification(
                    **common, shown=False, delivery=Delivery.SKIPPED, reason="Nobody to tell: no user account."
                )
            )
        for recipient in item.recipients:
            row = Notification(**common, recipient=recipient)
            if recipient.pk in muted:
                row.shown, row.delivery, row.reason = False, Delivery.SKIPPED, "Turned off by the recipient."
            elif not recipient.email:
                row.delivery, row.reason = Delivery.SKIPPED, "No email address."
            rows.append(row)
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if not pending_ids:
        return []
    return list(
        Notification.objects.filter(
            kind=kind.key,
            object_id__in={item.obj.pk for item in items},
            delivery=Delivery.PENDING,
            queued_at__isnull=True,
        ).values_list("pk", flat=True)
    )


def notify(kind_key: str, obj, recipients, *, title: str, url: str, occasion: date | None = None) -> None:
    """Record an event's notification now and queue its emails once the transaction commits."""
    item = Due(obj, list(recipients), occasion or timezone.localdate(), title, url)
    pending = record(kind_key, [item])
    if pending:
        transaction.on_commit(lambda: enqueue(pending))


# Ids per send task: publishing is most of a large sweep's time, so a task sends a chunk.
CHUNK = 50


def enqueue(pks) -> int:
    """Publish send tasks for these ids. Never raises: an unreachable broker is logged, the sweep retries."""
    from .tasks import send_notifications

    pks = list(pks)
    if not pks:
        return 0
    queued = []
    try:
        with send_notifications.app.producer_or_acquire() as producer:
            for start in range(0, len(pks), CHUNK):
                chunk = pks[start : start + CHUNK]
                send_notifications.apply_async((chunk,), producer=producer, retry=False)
                queued.extend(chunk)
    except Exception:  # the broker is down or unreachable: kombu and redis raise many kinds
        logger.warning(
            "Could not queue %d of %d notification emails; the next sweep will queue them.",
            len(pks) - len(queued),
            len(pks),
            exc_info=True,
        )
    if queued:
        Notification.objects.filter(pk__in=queued).update(queued_at=timezone.now())
    return len(queued)


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepReport:
    recorded: dict
    queued: int

    @property
    def total(self) -> int:
        return sum(self.recorded.values())


def send_due_reminders(now: datetime | None = None, *, batch_size=BATCH_SIZE, max_batches=MAX_BATCHES) -> SweepReport:
    """Record every reminder that is due at ``now`` and queue what waits to be emailed.

    Each source's query asks only for reminders that are due and not yet in the log, in
    batches of ``batch_size`` in key order, so the number of queries grows with what is due,
    never with the data.
    Safe to run twice at once: the unique key lets only one insert of each reminder through.
    """
    now = now or timezone.now()
    recorded = {}
    for source in SOURCES:
        found, batch = 0, Batch(batch_size)
        for _ in range(max_batches):
            with transaction.atomic():
                items = source.find(now, batch)
                record(source.kind.key, items, pending_ids=False)
            found += len(items)
            if len(items) < batch_size:
                break
            batch = Batch(batch_size, after=items[-1].obj.pk)
        recorded[source.kind.key] = found
    for work in CATCH_UPS:
        work(now, batch_size)
    return SweepReport(recorded, enqueue(_waiting(now, batch_size * max_batches)))


def _waiting(now, limit) -> list[int]:
    """Pending rows nobody is working on: never queued, queued long ago, or whose claim expired."""
    return list(
        Notification.objects.filter(delivery=Delivery.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(
            # Not claimed, and never queued or queued long ago; or claimed by a worker that died.
            Q(claimed_at__isnull=True, queued_at__isnull=True)
            | Q(claimed_at__isnull=True, queued_at__lt=now - REQUEUE_AFTER)
            | Q(claimed_at__lt=now - LEASE)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- delivery -------------------------------------------------------------------------------


@dataclass
class Delivered:
    status: str
    retry_in: int | None = None


def _claim(pk, now) -> bool:
    return bool(
        Notification.objects.filter(pk=pk, delivery=Delivery.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def _finish(pk, delivery, reason="", **fields):
    Notification.objects.filter(pk=pk).update(delivery=delivery, reason=reason[:200], claimed_at=None, **fields)


def deliver(pk: int, now: datetime | None = None) -> Delivered:
    """Email one notification, exactly once unless the mail server fails after accepting it."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return Delivered("not mine")  # sent, skipped, claimed by another worker, or not yet due again
    note = Notification.objects.select_related("recipient__organisation").get(pk=pk)
    kind = KINDS.get(note.kind)
    obj = kind.load(note.object_id) if kind else None
    recipient = note.recipient
    if obj is None:
        _finish(pk, Delivery.SKIPPED, "What it was about no longer exists.")
        return Delivered("gone")
    if not recipient.is_active or not kind.may_see(recipient, obj):
        Notification.objects.filter(pk=pk).update(shown=False)
        _finish(pk, Delivery.SKIPPED, "The recipient can no longer see it.")
        return Delivered("not visible")
    context = {"notification": note, "recipient": recipient, "obj": obj, **kind.email_context(obj)}
    site = settings.SITE_URL.rstrip("/")
    context.update(link=site + note.url, group=kind.group, settings_link=site + reverse("notifications:settings"))
    try:
        mail.send(
            kind.template,
            [recipient.email],
            context,
            headers={"Message-ID": _message_id(note)},
            attachments=kind.email_attachments(obj),
        )
    except smtplib.SMTPRecipientsRefused as error:
        _finish(pk, Delivery.FAILED, f"The mail server refused the address: {error}")
        return Delivered("refused")
    except (smtplib.SMTPException, OSError) as error:  # OSError covers refused connections and timeouts
        delay = retry_delay(note.attempts)
        logger.warning(
            "Sending notification %s failed (attempt %s); retrying in %ss: %s", pk, note.attempts, delay, error
        )
        _finish(
            pk,
            Delivery.PENDING,
            f"Attempt {note.attempts} failed: {error}",
            next_attempt_at=now + timedelta(seconds=delay),
        )
        return Delivered("retry", retry_in=delay)
    _finish(pk, Delivery.SENT, sent_at=timezone.now())
    return Delivered("sent")


def _message_id(note) -> str:
    # The same id on every attempt, so a mail server that accepted it once can drop a repeat.
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<notification-{note.pk}-{note.kind}@{domain}>"


# --- the recipient's side -------------------------------------------------------------------


def mark_read(user, pks=None) -> int:
    rows = Notification.objects.inbox_of(user).unread()
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return rows.update(read_at=timezone.now())


def set_muted(user, group_keys) -> None:
    """Turn off exactly ``group_keys`` for ``user`` (essential groups are never turned off)."""
    wanted = {key for key in group_keys if key in GROUPS and not GROUPS[key].essential}
    with transaction.atomic():
        Muted.objects.filter(user=user).exclude(group__in=wanted).delete()
        Muted.objects.bulk_create([Muted(user=user, group=key) for key in wanted], ignore_conflicts=True)
