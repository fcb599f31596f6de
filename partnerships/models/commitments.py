"""Obligations partners have signed up to, such as "meet every 3 months".

Another app (agreements) records them here through ``services.record_agreement_in_force``,
so partnerships owns its data and depends on nothing that depends on it.
"""

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Q

from core.scoping import ScopedQuerySet

from .partnerships import MovesHealth, Partnership


class CommitmentKind(models.TextChoices):
    MEETINGS = "meetings", "Meet"
    STATISTICS = "statistics", "Share anonymised statistics"
    TRAINING = "training", "Hold joint training"
    REVIEW = "review", "Review the agreement"


class CommitmentQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(partnership__in=Partnership.objects.filter(Partnership.objects.scope_for(user)))

    def active(self):
        return self.filter(active=True)


class Commitment(MovesHealth):
    health_fields = frozenset({"partnership", "active", "due_on"})

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(max_length=20, choices=CommitmentKind.choices)
    every_months = models.PositiveSmallIntegerField()
    since = models.DateField()
    source = models.CharField(max_length=200, help_text="Where the partners agreed it, such as an MOU's title.")
    source_url = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    last_met_on = models.DateField("last met on", null=True, blank=True)
    due_on = models.DateField(
        "next due on", null=True, blank=True, help_text="One interval after it was last met (or began)."
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                "partnership", "kind", condition=Q(active=True), name="one_active_commitment_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.frequency}"

    def set_due_date(self):
        self.due_on = (self.last_met_on or self.since) + relativedelta(months=self.every_months)

    @property
    def frequency(self) -> str:
        return "every month" if self.every_months == 1 else f"every {self.every_months} months"
