"""A standing partnership between an institution and its police force."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.links import pk_url
from core.scoping import ScopedQuerySet, sees_anything

from .history import ChangedFields
from .organisations import Contact, Organisation, OrganisationKind


class FocusArea(models.TextChoices):
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    HARASSMENT = "harassment", "Harassment"
    HATE_CRIME = "hate_crime", "Hate crime"
    VAWG = "vawg", "Violence against women and girls"
    COUNTY_LINES = "county_lines", "County lines"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    DRUGS = "drugs", "Drugs"
    OTHER = "other", "Other"


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    EXPLORING = "exploring", "Exploring"
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


S = PartnershipStatus
# Where a partnership may go next. Ended is final: working together again is a new partnership,
# so the record of the old one stays as it was.
TRANSITIONS = {
    S.PROPOSED: [S.EXPLORING, S.ACTIVE, S.ENDED],
    S.EXPLORING: [S.ACTIVE, S.PAUSED, S.ENDED],
    S.ACTIVE: [S.UNDER_REVIEW, S.PAUSED, S.ENDED],
    S.UNDER_REVIEW: [S.ACTIVE, S.PAUSED, S.ENDED],
    S.PAUSED: [S.ACTIVE, S.UNDER_REVIEW, S.ENDED],
    S.ENDED: [],
}
LIVE_STATUSES = [status for status in S if status != S.ENDED]

# The stored light (partnerships/health.py's levels), and the partnership's own fields it reads.
HEALTH_CHOICES = [(0, "Healthy"), (1, "Needs attention"), (2, "At risk")]
HEALTH_INPUTS = {"status", "created_at"}


def involving_ids(organisation_id):
    """The ids of the partnerships an organisation is party to, as a UNION of three index scans.

    As an OR of the three conditions (``institution_id = X OR police_force_id = X OR id IN
    (the agencies' partnerships)``) PostgreSQL cannot combine the indexes, because one arm is a
    subquery: it read every partnership and tested each (a full scan of 10,000 rows for a
    police force's 226). Each arm of the union is an index scan of its own.
    """
    agencies = Partnership.other_agencies.through.objects.filter(organisation_id=organisation_id)
    # order_by(): without it each arm would sort by the model's default order (the title).
    return (
        Partnership.objects.filter(institution_id=organisation_id)
        .order_by()
        .values("pk")
        .union(
            Partnership.objects.filter(police_force_id=organisation_id).order_by().values("pk"),
            agencies.order_by().values("partnership_id"),
            all=True,
        )
    )


def _involving(organisation_id) -> Q:
    return Q(pk__in=involving_ids(organisation_id))


def _accepted() -> Q:
    return Q(institution_accepted_at__isnull=False, police_accepted_at__isnull=False)


class MovesHealth(models.Model):
    """A partnership's row whose save or deletion may change the partnership's health.

    Saving (all fields, or any of ``health_fields``) or deleting one stores the partnership's
    health again in the same transaction (partnerships/stored_health.py). Changes that bypass
    ``save()`` (a queryset's ``update()``, ``bulk_create()``) call ``stored_health.store``
    themselves; the nightly check corrects, and logs, anything that still slips through.
    """

    health_fields: frozenset = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.health_fields.intersection(update_fields):
            self._store_health()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._store_health()
        return result

    def _store_health(self):
        from ..stored_health import store  # stored_health imports the models

        store([self.partnership_id])


class PartnershipQuerySet(ScopedQuerySet):
    def accepted(self):
        """Partnerships both sides have agreed to (proposals waiting for an answer, or declined, are not)."""
        return self.filter(_accepted())

    def awaiting_answer_from(self, organisation_id):
        """Live proposals that ``organisation_id``, as institution or force, has not yet answered."""
        return self.live().filter(
            Q(institution_id=organisation_id, institution_accepted_at__isnull=True)
            | Q(police_force_id=organisation_id, police_accepted_at__isnull=True)
        )

    def awaiting_answer_by(self, user):
        """``visible_to(user).awaiting_answer_from(user.organisation_id)``, the same rows.

        A proposal awaiting the user's organisation names it as institution or force, so it is
        within the organisation's scope (``involving``) by definition: the scope's union is
        neither built nor planned (half of the dashboard's query for proposals).
        """
        if not sees_anything(user):
            return self.none()
        return self.awaiting_answer_from(user.organisation_id)

    def involving(self, organisation_id):
        """Partnerships an organisation is party to, as institution, force or other agency."""
        return self.filter(_involving(organisation_id))

    def scope_for(self, user) -> Q:
        return _involving(user.organisation_id)

    def live(self):
        return self.exclude(status=S.ENDED)

    def with_focus(self, area):
        # Focus areas are a JSON list; matching the quoted value works on SQLite and PostgreSQL.
        return self.filter(focus_areas__icontains=f'"{area}"')


class Partnership(models.Model):
    institution = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="institution_partnerships", verbose_name="institution"
    )
    police_force = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="police_partnerships", verbose_name="police force"
    )
    other_agencies = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="agency_partnerships",
        help_text="Other local agencies taking part, such as the local authority or health services.",
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=PartnershipStatus.choices, default=S.PROPOSED)
    focus_areas = models.JSONField("focus areas", default=list, blank=True)
    aims = models.TextField("aims and objectives", blank=True)
    institution_sponsor = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="institution sponsor"
    )
    institution_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="institution single point of contact",
    )
    police_sponsor = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="police sponsor"
    )
    police_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="police single point of contact",
    )
    # Each side may name a deputy, who is told what its single point of contact is told.
    institution_deputy = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="institution deputy single point of contact",
    )
    police_deputy = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="police deputy single point of contact",
    )
    start_date = models.DateField("start date", null=True, blank=True)
    end_date = models.DateField("end date", null=True, blank=True)
    next_review_date = models.DateField("next review date", null=True, blank=True)
    # Consent: a partnership is a proposal until both sides have accepted it. The side that
    # proposes accepts on creation; an administrator's proposal waits for both.
    institution_accepted_at = models.DateTimeField(
        "accepted by the institution at", null=True, blank=True, editable=False
    )
    institution_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    police_accepted_at = models.DateTimeField("accepted by the force at", null=True, blank=True, editable=False)
    police_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    declined_at = models.DateTimeField("declined at", null=True, blank=True, editable=False)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    decline_reason = models.TextField("reason for declining", blank=True, editable=False)
    agreement_in_force_since = models.DateField(
        "agreement in force since", null=True, blank=True, editable=False, help_text="Set by the agreements app."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The health light, stored so that counting, filtering and sorting by it read one column.
    # Derived, never typed in: partnerships/stored_health.py keeps it equal to what
    # partnerships/health.py computes, in the transaction of every change that moves it, and a
    # nightly task catches what time alone changes (from ``health_changes_on``) and any drift.
    health = models.PositiveSmallIntegerField(
        "health", choices=HEALTH_CHOICES, null=True, blank=True, editable=False, help_text="Empty once ended."
    )
    health_changes_on = models.DateField("health may change by time alone on", null=True, blank=True, editable=False)

    history = HistoricalRecords(bases=[ChangedFields], excluded_fields=["updated_at", "health", "health_changes_on"])
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                "institution",
                "police_force",
                condition=~Q(status="ended"),
                name="one_live_partnership_per_institution_and_force",
                violation_error_message="These two organisations already have a partnership that has not ended.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="partnership_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(institution=F("police_force")), name="partnership_has_two_different_parties"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "title"]),
            models.Index(fields=["next_review_date"]),
            # Counts by health read the index alone; the list filtered by a light (the dashboard's
            # links) reads it in the list's default order. (No index in "worst first" order: see
            # partnerships/dashboard.py.)
            models.Index(fields=["health", "title"], name="partnership_health_title"),
            # The list in its default order: an administrator's first 25 of 10,000 without a sort.
            models.Index(fields=["title", "id"], name="partnership_title"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or HEALTH_INPUTS.intersection(update_fields):
            from ..stored_health import store  # stored_health imports the models

            store([self.pk], partnership=self)

    def get_absolute_url(self):
        return pk_url("partnerships:partnership_detail", self.pk)

    def clean(self):
        errors = {}
        if self.institution_id and self.institution.kind == OrganisationKind.POLICE_FORCE:
            errors["institution"] = "Choose a university, college or community organisation, not a police force."
        if self.police_force_id and self.police_force.kind != OrganisationKind.POLICE_FORCE:
            errors["police_force"] = "Choose a police force."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be on or after the start date."
        if self.start_date and self.next_review_date and self.next_review_date < self.start_date:
            errors["next_review_date"] = "The next review must be on or after the start date."
        for field, side in [
            ("institution_sponsor", self.institution_id),
            ("institution_contact", self.institution_id),
            ("institution_deputy", self.institution_id),
            ("police_sponsor", self.police_force_id),
            ("police_contact", self.police_force_id),
            ("police_deputy", self.police_force_id),
        ]:
            contact = getattr(self, field)
            if contact is not None and side and contact.organisation_id != side:
                errors[field] = "Choose a contact of that side's own organisation."
        for deputy, contact in [("institution_deputy", "institution_contact"), ("police_deputy", "police_contact")]:
            if getattr(self, f"{deputy}_id") and getattr(self, f"{deputy}_id") == getattr(self, f"{contact}_id"):
                errors[deputy] = "The deputy must be someone other than the single point of contact."
        if errors:
            raise ValidationError(errors)

    @property
    def focus_area_labels(self) -> list[str]:
        labels = dict(FocusArea.choices)
        return [labels[value] for value in self.focus_areas if value in labels]

    @property
    def allowed_statuses(self) -> list[PartnershipStatus]:
        if not self.is_accepted and self.status != S.ENDED:
            return [S.ENDED]  # a proposal can be withdrawn; it moves on only once both sides accept
        return TRANSITIONS[PartnershipStatus(self.status)]

    @property
    def is_accepted(self) -> bool:
        """Both sides have agreed to the partnership, so it may be worked in."""
        return self.institution_accepted_at is not None and self.police_accepted_at is not None

    @property
    def awaiting_organisations(self) -> list:
        """The parties (institution, force) whose answer to the proposal is still awaited."""
        if self.status == S.ENDED:
            return []
        awaiting = []
        if self.institution_accepted_at is None:
            awaiting.append(self.institution)
        if self.police_accepted_at is None:
            awaiting.append(self.police_force)
        return awaiting

    def has_accepted(self, organisation_id) -> bool:
        if organisation_id == self.institution_id:
            return self.institution_accepted_at is not None
        if organisation_id == self.police_force_id:
            return self.police_accepted_at is not None
        return False

    @property
    def is_live(self) -> bool:
        return self.status != S.ENDED

    def side_of(self, organisation_id):
        """``"institution"``, ``"police"``, ``"agency"`` or None for the given organisation."""
        if organisation_id == self.institution_id:
            return "institution"
        if organisation_id == self.police_force_id:
            return "police"
        if any(agency.pk == organisation_id for agency in self.other_agencies.all()):
            return "agency"
        return None

    @property
    def single_points_of_contact(self) -> list:
        """Both sides' single points of contact and their deputies (the contacts named)."""
        named = (self.institution_contact, self.institution_deputy, self.police_contact, self.police_deputy)
        return [contact for contact in named if contact is not None]

    def contacts_of_side(self, organisation_id) -> list:
        """The single point of contact and the deputy of one side (institution or force)."""
        if organisation_id == self.institution_id:
            named = (self.institution_contact, self.institution_deputy)
        elif organisation_id == self.police_force_id:
            named = (self.police_contact, self.police_deputy)
        else:
            named = ()
        return [contact for contact in named if contact is not None]


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AgencyInvitationQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        # The invited organisation, and the institution and force that invited it.
        own = user.organisation_id
        return Q(organisation_id=own) | Q(partnership__institution_id=own) | Q(partnership__police_force_id=own)

    def pending(self):
        return self.filter(status=InvitationStatus.PENDING)


class AgencyInvitation(models.Model):
    """An invitation to another local agency to join a partnership. It is a party once it accepts."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agency_invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agency_invitations")
    status = models.CharField(max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField("reason for declining", blank=True)

    objects = AgencyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                "organisation",
                condition=Q(status="pending"),
                name="one_pending_invitation_per_agency",
            )
        ]

    def __str__(self):
        return f"{self.organisation} invited to {self.partnership}"

    def get_absolute_url(self):
        return pk_url("partnerships:invitation_detail", self.pk)
