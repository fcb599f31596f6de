from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        # Delivered sessions join the partnership timeline; partnerships does not import training.
        from partnerships import timeline

        from .timeline import session_events

        timeline.register(session_events)
