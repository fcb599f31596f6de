from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundation every app stands on: it knows no app (see docs/architecture.md)."""

    name = "core"
    verbose_name = "Core"
