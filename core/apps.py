from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_tallies(sender, using, **kwargs):
    from . import tally

    tally.ensure(using)


class CoreConfig(AppConfig):
    """The foundation every app stands on: it knows no app (see docs/architecture.md)."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        # After every migrate and flush, once: the counts' triggers in place, the counts afresh
        # (core/tally.py says why).
        post_migrate.connect(_ensure_tallies, sender=self, dispatch_uid="core_ensure_tallies")
