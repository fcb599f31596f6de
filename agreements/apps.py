from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self):
        # Agreement events join the partnership timeline; partnerships does not import agreements.
        from partnerships import timeline

        from . import tallies  # noqa: F401 (registers the counters core.tally.ensure keeps)
        from .timeline import agreement_events

        timeline.register(agreement_events)
