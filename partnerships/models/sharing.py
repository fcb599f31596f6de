"""The two-way flow of information, and the outcome feedback that shows it mattered.

Information shares are the most sensitive rows in the portal. The form asks for no names and
nothing that is not needed; only the liaison officers of the institution and the force see
them; every view is logged; and after the retention period the free text is erased, leaving
only what the partnership's statistics need (category, dates, direction and outcome).
"""

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.links import pk_url
from core.scoping import ScopedQuerySet

from .history import ChangedFields
from .partnerships import MovesHealth, Partnership


class Direction(models.TextChoices):
    TO_POLICE = "to_police", "To police"
    TO_INSTITUTION = "to_institution", "To institution"


class ShareCategory(models.TextChoices):
    VULNERABLE_PERSON = "vulnerable_person", "Concern for a vulnerable person"
    OFFENDER = "offender", "Potential offender"
    VEHICLE = "vehicle", "Vehicle"
    PROBLEM_LOCATION = "problem_location", "Problem location"
    RECRUITMENT = "recruitment", "Recruitment of children or vulnerable people"
    DRUG_LINE = "drug_line", "Drug line"
    OTHER = "other", "Other"


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task (UK GDPR article 6(1)(e))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (UK GDPR article 6(1)(f))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR article 6(1)(d))"
    CONSENT = "consent", "Consent (UK GDPR article 6(1)(a))"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement purposes (DPA 2018 part 3, section 35)"
    CRIME_PREVENTION = (
        "crime_prevention",
        "Prevention or detection of crime (DPA 2018 schedule 2, paragraph 2)",
    )
    OTHER = "other", "Other (explain below)"


class Outcome(models.TextChoices):
    ARREST_OR_CHARGE = "arrest_or_charge", "Arrest or charge"
    SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral"
    DISRUPTION = "disruption", "Disruption"
    INTELLIGENCE_DEVELOPED = "intelligence_developed", "Intelligence developed"
    SUPPORT_PROVIDED = "support_provided", "Support provided"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OTHER = "other", "Other"


def retention_end(shared_on, outcome_on):
    """The last day a share's free text is kept, under the configured retention periods."""
    if outcome_on is not None:
        return outcome_on + relativedelta(months=settings.SHARE_RETENTION_MONTHS_AFTER_FEEDBACK)
    return shared_on + relativedelta(months=settings.SHARE_RETENTION_MONTHS_WITHOUT_FEEDBACK)


class InformationShareQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        # Shares pass between the institution and the force; staff members and other
        # agencies never see them.
        if not user.is_liaison_officer:
            return Q(pk__in=[])
        own = user.organisation_id
        return Q(partnership__institution_id=own) | Q(partnership__police_force_id=own)

    def awaiting_feedback(self):
        return self.filter(outcome="")


class InformationShare(MovesHealth):
    health_fields = frozenset({"partnership", "direction", "shared_on", "outcome"})

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="shares")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    category = models.CharField(max_length=30, choices=ShareCategory.choices)
    summary = models.TextField(
        help_text="What the other side needs to know, and nothing more. Do not name victims or witnesses."
    )
    lawful_basis = models.CharField("lawful basis", max_length=30, choices=LawfulBasis.choices)
    lawful_basis_detail = models.TextField(
        "explanation of the lawful basis", blank=True, help_text="Required when the lawful basis is “Other”."
    )
    shared_on = models.DateField("date shared")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("date of outcome", null=True, blank=True)
    outcome_note = models.TextField("outcome note", blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    retain_until = models.DateField("free text kept until", db_index=True)
    erased_at = models.DateTimeField("free text erased at", null=True, blank=True)

    history = HistoricalRecords(bases=[ChangedFields])
    objects = InformationShareQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_on", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "direction", "shared_on"]),
            models.Index(fields=["outcome", "shared_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("shared_on")),
                name="share_feedback_not_before_sharing",
            ),
            # The explanation is free text: retention erases it with the summary.
            models.CheckConstraint(
                condition=~Q(lawful_basis="other") | ~Q(lawful_basis_detail="") | Q(erased_at__isnull=False),
                name="share_other_lawful_basis_explained",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False), name="share_outcome_has_a_date"
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.get_direction_display().lower()} on {self.shared_on:%-d %b %Y}"

    def save(self, *args, **kwargs):
        self.retain_until = retention_end(self.shared_on, self.outcome_on)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "retain_until"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return pk_url("partnerships:share_detail", self.pk)

    @property
    def has_feedback(self) -> bool:
        return bool(self.outcome)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def receiving_organisation_id(self):
        if self.direction == Direction.TO_POLICE:
            return self.partnership.police_force_id
        return self.partnership.institution_id

    @property
    def sending_organisation_id(self):
        if self.direction == Direction.TO_POLICE:
            return self.partnership.institution_id
        return self.partnership.police_force_id


class ShareViewQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        # The log of who read a share is for the partnership's single points of contact and deputies.
        return (
            Q(share__partnership__institution_contact__user=user)
            | Q(share__partnership__institution_deputy__user=user)
            | Q(share__partnership__police_contact__user=user)
            | Q(share__partnership__police_deputy__user=user)
        )


class ShareView(models.Model):
    """One person opening one share: who, when and from where. Never edited, kept as long as the share."""

    share = models.ForeignKey(InformationShare, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = ShareViewQuerySet.as_manager()

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        indexes = [models.Index(fields=["share", "-viewed_at"])]

    def __str__(self):
        return f"{self.viewer} viewed {self.share} at {self.viewed_at:%Y-%m-%d %H:%M}"
