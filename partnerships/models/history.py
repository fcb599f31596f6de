"""The audit trail: django-simple-history rows that also say which fields changed.

simple-history stores a full snapshot per change. Working out what changed means comparing
each snapshot with the one before, which is one query per row when reading a history page.
Instead the comparison is made once, when the snapshot is written, and kept on the row, so a
page lists any number of changes in one query.
"""

from django.db import models
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

# Fields that are bookkeeping rather than something a person changed (a partnership's stored
# health light is derived, and left out of its history).
UNTRACKED = {"id", "created_at", "updated_at", "retain_until", "health", "health_changes_on"}


class ChangedFields(models.Model):
    """Base for historical models: the verbose names of the fields this change touched."""

    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    def changed_fields_display(self) -> str:
        return ", ".join(self.changed_fields)


def _tracked_fields(model):
    return [field for field in model._meta.concrete_fields if field.name not in UNTRACKED]


@receiver(pre_create_historical_record)
def record_changed_fields(sender, instance, history_instance, **kwargs):
    if not hasattr(history_instance, "changed_fields") or history_instance.history_type != "~":
        return
    manager = type(history_instance)._default_manager
    previous = manager.filter(id=instance.pk).order_by("-history_date", "-history_id").first()
    if previous is None:
        return
    history_instance.changed_fields = [
        str(field.verbose_name)
        for field in _tracked_fields(type(instance))
        if getattr(previous, field.attname) != getattr(history_instance, field.attname)
    ]
