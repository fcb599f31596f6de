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

        # A deactivated person's places on upcoming sessions go to the next in line.
        from accounts import deactivation

        from .services import release_places

        deactivation.register(release_places)
