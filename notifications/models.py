"""The sent-log of every reminder and notification, which is also each user's in-app list.

A row is the claim: it is inserted (under a unique key of kind, object, recipient and
occasion) before anything is sent, so a second sweep, a retried task or a second beat
process can never tell the same person the same thing twice. The in-app notification exists
as soon as the row does; the email is delivered by ``tasks.send_notification`` and marked
sent only after the mail server accepted it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.scoping import ScopedQuerySet


class Delivery(models.TextChoices):
    PENDING = "pending", "Waiting to be emailed"
    SENT = "sent", "Emailed"
    SKIPPED = "skipped", "Not sent"
    FAILED = "failed", "Failed"


class NotificationQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(recipient=user)

    def inbox_of(self, user):
        """What ``user`` sees in the bell and the list: their own, not the ones they turned off."""
        return self.visible_to(user).filter(recipient=user, shown=True)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    occasion = models.DateField(help_text="The date it is about: the session's day, a due date, a review date.")
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    shown = models.BooleanField(default=True, help_text="Listed in the recipient's notifications.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was not sent, or the last error.")
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When a send task was last queued.")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker took it to send.")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "kind", "object_id", "recipient", "occasion", name="one_notification_per_kind_object_recipient_day"
            ),
            # "Nobody to tell" markers have no recipient; NULLs are distinct in the key above.
            models.UniqueConstraint(
                "kind",
                "object_id",
                "occasion",
                condition=Q(recipient__isnull=True),
                name="one_nobody_marker_per_kind_object_day",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "object_id", "occasion"]),
            models.Index(fields=["recipient", "shown", "read_at"]),
            models.Index(fields=["delivery", "next_attempt_at"], condition=Q(delivery="pending"), name="pending_email"),
        ]

    def __str__(self):
        return self.title


class Muted(models.Model):
    """A reminder group a user has turned off. Essential groups cannot be muted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_reminders")
    group = models.CharField(max_length=40)

    class Meta:
        verbose_name = "reminder group turned off"
        verbose_name_plural = "reminder groups turned off"
        constraints = [models.UniqueConstraint("user", "group", name="mute_once_per_group")]

    def __str__(self):
        return f"{self.user} muted {self.group}"
