from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        # Delivered sessions join the partnership timeline; partnerships does not import training.
        from partnerships import progress, timeline
        from partnerships.models import CommitmentKind

        from .timeline import session_events, sessions_delivered

        timeline.register(session_events)
        progress.register(CommitmentKind.TRAINING, sessions_delivered)
