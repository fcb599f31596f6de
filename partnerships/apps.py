from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        from . import tallies  # noqa: F401 (registers the counters core.tally.ensure keeps)
