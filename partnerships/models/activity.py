"""What partners do together: engagements (meetings, forums, events, patrols) and actions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.links import pk_url
from core.scoping import ScopedQuerySet

from .history import ChangedFields
from .organisations import Contact
from .partnerships import MovesHealth, Partnership


def _in_visible_partnerships(user) -> Q:
    return Q(partnership__in=Partnership.objects.filter(Partnership.objects.scope_for(user)))


class EngagementKind(models.TextChoices):
    STRATEGIC_MEETING = "strategic_meeting", "Strategic meeting"
    FORUM = "forum", "Forum"
    JOINT_EVENT = "joint_event", "Joint event"
    PATROL = "patrol", "Patrol"
    OTHER = "other", "Other"


class EngagementQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return _in_visible_partnerships(user)


class Engagement(MovesHealth):
    health_fields = frozenset({"partnership", "date"})

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(max_length=20, choices=EngagementKind.choices)
    title = models.CharField(max_length=200)
    date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    attendees = models.ManyToManyField(Contact, blank=True, related_name="engagements")
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(bases=[ChangedFields])
    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["partnership", "-date"])]

    def __str__(self):
        return f"{self.title} ({self.date:%-d %b %Y})"

    def get_absolute_url(self):
        return pk_url("partnerships:engagement_detail", self.pk)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]


class ActionQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return _in_visible_partnerships(user)

    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())


class Action(MovesHealth):
    health_fields = frozenset({"partnership", "status", "due_date"})

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The engagement this action was agreed at, if any.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="actions")
    due_date = models.DateField("due date")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField("completed on", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(bases=[ChangedFields])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["partnership", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            # The open actions in the actions page's order (an administrator's first 25 of
            # 3,600 without sorting them all).
            models.Index(
                fields=["due_date", "id"], condition=Q(status__in=OPEN_ACTION_STATUSES), name="action_open_due"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return pk_url("partnerships:action_detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()
