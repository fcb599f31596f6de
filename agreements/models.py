"""Memoranda of understanding: templates, agreements, versions, review, approval and signatures.

An agreement's working text is its ``AgreementClause`` rows, editable only while it is a draft.
Submitting it freezes the assembled text in an ``AgreementVersion`` (never changed or deleted),
and review comments, approvals and signatures all point at one exact version. The text a side
signs is identified by the SHA-256 of that version.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.links import pk_url
from core.scoping import ScopedQuerySet, sees_anything, sees_everything
from partnerships.models import Contact, Partnership


class TemplateQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        # Templates hold no partnership's data: every signed-in user may read them.
        return Q()


class AgreementTemplate(models.Model):
    """One version of an MOU template. A new version is a new row; agreements keep theirs."""

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    is_current = models.BooleanField(
        default=True, help_text="Offered for new agreements. Only one version of a template is current."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint("name", "version", name="template_version_unique"),
            models.UniqueConstraint("name", condition=Q(is_current=True), name="one_current_version_per_template"),
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self):
        return pk_url("agreements:template_detail", self.pk)


# What an agreement's clause copies from its template clause (and a template version from the last).
CLAUSE_TEXT_FIELDS = ("section", "section_title", "order", "key", "heading", "body", "required")


def clause_text(clause) -> dict:
    return {name: getattr(clause, name) for name in CLAUSE_TEXT_FIELDS}


class TemplateClause(models.Model):
    template = models.ForeignKey(AgreementTemplate, on_delete=models.CASCADE, related_name="clauses")
    section = models.PositiveSmallIntegerField()
    section_title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    heading = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text. Placeholders such as {institution} are filled in per agreement.")
    guidance = models.TextField(blank=True, help_text="Advice shown to the person drafting.")
    required = models.BooleanField(default=True)
    element = models.CharField(max_length=300, blank=True, help_text="The element of the model MOU it comes from.")

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["section", "order"]
        constraints = [models.UniqueConstraint("template", "key", name="template_clause_key_unique")]

    def __str__(self):
        return self.heading


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved by both sides"
    PARTLY_SIGNED = "partly_signed", "Signed by one side"
    # Signed by both sides before its effective date: in force from that date (tasks.py).
    SIGNED = "signed", "Signed, not yet in force"
    IN_FORCE = "in_force", "In force"
    ENDED = "ended", "Ended"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


A = AgreementStatus
EDITABLE_STATUSES = [A.DRAFT]
# Where an agreement may go next; the services in ``services.py`` are the only way to move it.
TRANSITIONS = {
    A.DRAFT: [A.IN_REVIEW, A.WITHDRAWN],
    A.IN_REVIEW: [A.CHANGES_REQUESTED, A.APPROVED, A.WITHDRAWN],
    A.CHANGES_REQUESTED: [A.DRAFT, A.WITHDRAWN],
    # A signatory who declines sends it back to changes requested.
    A.APPROVED: [A.PARTLY_SIGNED, A.SIGNED, A.IN_FORCE, A.CHANGES_REQUESTED, A.WITHDRAWN],
    A.PARTLY_SIGNED: [A.SIGNED, A.IN_FORCE, A.CHANGES_REQUESTED, A.WITHDRAWN],
    A.SIGNED: [A.IN_FORCE],
    A.IN_FORCE: [A.ENDED, A.SUPERSEDED],
    A.ENDED: [],
    A.SUPERSEDED: [],
    A.WITHDRAWN: [],
}
# Either side may withdraw an agreement in these statuses (before it is signed by both), with a reason.
WITHDRAWABLE_STATUSES = [A.DRAFT, A.IN_REVIEW, A.CHANGES_REQUESTED, A.APPROVED, A.PARTLY_SIGNED]
# Being agreed: at most one per partnership (the constraint on ``Agreement``).
IN_PROGRESS_STATUSES = WITHDRAWABLE_STATUSES
SIGNING_STATUSES = [A.APPROVED, A.PARTLY_SIGNED]
SIGNED_STATUSES = [A.SIGNED, A.IN_FORCE, A.ENDED, A.SUPERSEDED]


class SigningOrder(models.TextChoices):
    PARALLEL = "parallel", "Both sides at once, in either order"
    INSTITUTION_FIRST = "institution_first", "The institution first, then the force"
    POLICE_FIRST = "police_first", "The force first, then the institution"


class Side(models.TextChoices):
    INSTITUTION = "institution", "Institution"
    POLICE = "police", "Police force"


class AgreementQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        # The parties to the partnership: the institution and the force (not other agencies,
        # who are not parties to the memorandum). Their staff members see only what has been
        # signed (README, Roles): never a draft, or an agreement still in review or signing.
        own = user.organisation_id
        parties = Q(partnership__institution_id=own) | Q(partnership__police_force_id=own)
        if user.is_liaison_officer or user.is_senior_sponsor:
            return parties
        return parties & Q(status__in=SIGNED_STATUSES)

    def of_partnership_visible_to(self, partnership, user, *, workings=False):
        """``visible_to(user)`` (``workings_visible_to(user)`` with ``workings``) narrowed to
        ``partnership``, the same rows, without building the scope (``partnership_condition``).
        ``tests/agreements/test_scope.py`` proves the rows equal for every persona."""
        condition = self.partnership_condition(partnership, user, workings=workings)
        return self.none() if condition is None else self.filter(condition, partnership=partnership)

    @staticmethod
    def partnership_condition(partnership, user, *, workings=False, prefix=""):
        """The condition ``visible_to`` (``workings_visible_to`` with ``workings``) puts on one
        partnership's agreements, fields named from ``prefix`` (``"agreement__"`` on their
        events), or None where it keeps none of them. Of one partnership's agreements, the scope
        is a matter of the user's organisation being one of its two parties, and of the role."""
        if not sees_anything(user):
            return None
        if sees_everything(user):
            return Q()
        if user.organisation_id not in (partnership.institution_id, partnership.police_force_id):
            return None
        if user.is_liaison_officer or user.is_senior_sponsor:
            return Q()
        return None if workings else Q(**{f"{prefix}status__in": SIGNED_STATUSES})

    def workings_visible_to(self, user):
        """The agreements whose working papers ``user`` may see: the clauses being drafted, the
        versions, review comments, comparisons and draft PDFs. The parties' liaison officers and
        administrators see them, and senior sponsors (who sign) read them; staff members none,
        not even those of an agreement in force."""
        visible = self.visible_to(user)
        if any(getattr(user, role, False) for role in ("is_liaison_officer", "is_senior_sponsor", "is_administrator")):
            return visible
        return visible.none()


class TextFrozen(Exception):
    """Raised when something tries to change the text of an agreement that is not a draft."""


class Agreement(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agreements")
    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=A.DRAFT)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    area_covered = models.TextField(
        "area covered",
        blank=True,
        help_text="For example: the campus, its halls of residence and the streets around them.",
    )
    meeting_months = models.PositiveSmallIntegerField("meet every (months)", null=True, blank=True)
    statistics_months = models.PositiveSmallIntegerField("share statistics every (months)", null=True, blank=True)
    training_months = models.PositiveSmallIntegerField("joint training every (months)", null=True, blank=True)
    effective_date = models.DateField("effective date", null=True, blank=True)
    term_months = models.PositiveSmallIntegerField("term (months)", null=True, blank=True)
    review_months = models.PositiveSmallIntegerField("review every (months)", null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField("notice period (months)", null=True, blank=True)
    institution_signatory = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signs for the institution",
    )
    police_signatory = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="signs for the force"
    )
    signing_order = models.CharField(
        "order of signing", max_length=20, choices=SigningOrder.choices, default=SigningOrder.PARALLEL
    )

    supersedes = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="superseded_by"
    )
    # A variation is a new version of an agreement in force, agreed and signed as any agreement
    # is: ``varies`` is always the original agreement, and the variations are numbered 1, 2, ...
    # It keeps the original's term; in force, it supersedes the text it varies.
    varies = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="variations", editable=False
    )
    variation_number = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Notice to end, given by either side while it is in force: its last day follows from the
    # notice period (``services.give_notice``), and the daily task ends it the day after.
    notice_given_at = models.DateTimeField(null=True, blank=True, editable=False)
    notice_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    notice_reason = models.TextField(blank=True, editable=False)
    ends_on = models.DateField("last day in force after notice", null=True, blank=True, editable=False, db_index=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(
        "last day of the term",
        null=True,
        blank=True,
        help_text="The day before the effective date plus the term; set when it comes into force.",
    )
    signed_pdf = models.FileField(upload_to="agreements/signed/", blank=True)
    signed_pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["partnership", "status"]),
            # The agreements list's order: without it an administrator's first page sorts all
            # agreements joined to their partnerships (25 ms on 5,000; 0.5 ms with it).
            models.Index(fields=["-updated_at", "-id"], name="agreement_recent_first"),
        ]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                condition=Q(status__in=["draft", "in_review", "changes_requested", "approved", "partly_signed"]),
                name="one_agreement_in_progress_per_partnership",
                violation_error_message="This partnership already has an agreement in progress.",
            )
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return pk_url("agreements:detail", self.pk)

    def get_verification_url(self):
        return reverse("agreements:verify", args=[self.public_id])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_signed(self) -> bool:
        return self.status in SIGNED_STATUSES

    @property
    def original(self):
        """The agreement this one varies, or itself if it is no variation."""
        return self.varies if self.varies_id else self

    @property
    def display_title(self) -> str:
        return f"{self.title} (variation {self.variation_number})" if self.variation_number else self.title

    @property
    def status_label(self) -> str:
        """The status in words; signed but not yet in force, with the date it comes into force."""
        if self.status == A.SIGNED and self.effective_date:
            return f"Signed, in force from {self.effective_date:%-d %B %Y}"
        return self.get_status_display()

    def side_of(self, user):
        if user.organisation_id == self.partnership.institution_id:
            return Side.INSTITUTION
        if user.organisation_id == self.partnership.police_force_id:
            return Side.POLICE
        return None

    def sides_to_sign(self, signed_sides=None) -> list:
        """The sides whose signature is awaited now, in the signing order: both at once, or the
        first side until it has signed. ``signed_sides``: the sides that have signed (queried if
        not given). Empty unless the agreement is approved or signed by one side."""
        if self.status not in SIGNING_STATUSES:
            return []
        if signed_sides is None:
            signed_sides = set(self.signatures.values_list("side", flat=True))
        unsigned = [side for side in Side if side not in signed_sides]
        first = {SigningOrder.INSTITUTION_FIRST: Side.INSTITUTION, SigningOrder.POLICE_FIRST: Side.POLICE}.get(
            self.signing_order
        )
        if first in unsigned:
            return [first]
        return unsigned

    def signatory_for(self, side):
        """The contact who signs for ``side`` (a ``Side``), or None."""
        if side == Side.INSTITUTION:
            return self.institution_signatory
        if side == Side.POLICE:
            return self.police_signatory
        return None


class AgreementClause(models.Model):
    """The agreement's own working copy of one clause: edited while a draft, frozen after."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="clauses")
    template_clause = models.ForeignKey(TemplateClause, on_delete=models.SET_NULL, null=True, related_name="+")
    section = models.PositiveSmallIntegerField()
    section_title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    heading = models.CharField(max_length=200)
    body = models.TextField()
    required = models.BooleanField(default=True)
    included = models.BooleanField(default=True)

    class Meta:
        ordering = ["section", "order"]
        constraints = [
            models.UniqueConstraint("agreement", "key", name="agreement_clause_key_unique"),
            models.CheckConstraint(condition=Q(required=False) | Q(included=True), name="required_clause_included"),
        ]

    def __str__(self):
        return self.heading

    def save(self, *args, **kwargs):
        # The model layer guards the text: only a draft's clauses change.
        if (
            self.pk is not None
            and not Agreement.objects.filter(pk=self.agreement_id, status__in=EDITABLE_STATUSES).exists()
        ):
            raise TextFrozen("The text of an agreement can change only while it is a draft.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TextFrozen("Clauses are left out of an agreement, not deleted.")


class AgreementVersion(models.Model):
    """The full text as submitted: immutable. ``text`` is the assembled clauses with placeholders filled."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint("agreement", "number", name="agreement_version_number_unique")]

    def __str__(self):
        return f"{self.agreement} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TextFrozen("A submitted version never changes; submit a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TextFrozen("Submitted versions are kept.")

    @property
    def clauses(self) -> list[dict]:
        return self.text["clauses"]


NEGOTIATING_STATUSES = [A.IN_REVIEW, A.CHANGES_REQUESTED, A.DRAFT]


class ThreadQuerySet(ScopedQuerySet):
    """Threads of the agreements whose working papers a user sees; an internal thread only within
    the organisation that raised it, for administrators too (it is that organisation's own review)."""

    def visible_to(self, user):
        visible = super().visible_to(user)
        if getattr(user, "is_administrator", False):
            return visible.filter(Q(internal=False) | Q(organisation_id=user.organisation_id))
        return visible

    def scope_for(self, user) -> Q:
        agreements = Agreement.objects.workings_visible_to(user).values("pk")
        return Q(agreement__in=agreements) & (Q(internal=False) | Q(organisation_id=user.organisation_id))

    def open(self):
        return self.filter(resolved_at__isnull=True)

    def shared(self):
        return self.filter(internal=False)


class ReviewThread(models.Model):
    """A conversation about one clause of an agreement, by the clause's key: it follows the clause
    from version to version until the side that raised it resolves it.

    A shared thread is seen by both parties; an internal one only by the organisation that raised
    it (a force's legal or data protection review). A thread may carry a proposed wording
    (``ProposedWording``).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="threads")
    clause_key = models.SlugField(max_length=60)
    raised_on = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="threads_raised")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation of the person who raised it: its side resolves it, and an internal thread "
        "is seen only there.",
    )
    internal = models.BooleanField(
        default=False, help_text="Seen only by the organisation that raised it, never by the other side."
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["agreement", "clause_key"])]

    def __str__(self):
        return f"Thread on {self.clause_key} by {self.raised_by}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(thread__in=ReviewThread.objects.visible_to(user))


class ReviewComment(models.Model):
    """One message of a thread: the first raises it, the others reply. ``version`` is the version
    that was the latest when it was written."""

    thread = models.ForeignKey(ReviewThread, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment by {self.author}"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class ProposedWording(models.Model):
    """Replacement text for a clause, proposed by the reviewing side in a thread of its own.

    ``replaces`` is the clause's working text when it was proposed, so the redline stays what the
    proposer saw. Accepted, it goes into the draft (``applied_at``) and so into the next version.
    """

    thread = models.OneToOneField(ReviewThread, on_delete=models.CASCADE, related_name="proposal")
    replaces = models.TextField()
    text = models.TextField()
    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    applied_at = models.DateTimeField(
        null=True, blank=True, help_text="When the accepted wording went into the draft's text."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="declined_wording_has_a_reason"
            )
        ]

    def __str__(self):
        return f"Proposed wording for {self.thread.clause_key}"

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN


class Approval(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="approvals")
    side = models.CharField(max_length=20, choices=Side.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)
    acknowledged_threads = models.ManyToManyField(
        ReviewThread,
        blank=True,
        related_name="acknowledged_in",
        help_text="The shared threads still open when this side approved, which it acknowledged.",
    )

    class Meta:
        constraints = [models.UniqueConstraint("version", "side", name="one_approval_per_side_per_version")]

    def __str__(self):
        return f"{self.get_side_display()} approved {self.version}"


class SignedWith(models.TextChoices):
    """How a signer proved, when signing, that they were the account holder.

    The values and labels are those of ``accounts/reauth.py`` (``ReauthenticationForm.method``);
    they are repeated here because models cannot import it while the apps load.
    """

    PASSWORD = "password", "Password"
    PASSWORD_AND_APP = "password_and_app", "Password and authenticator app code"
    PASSWORD_AND_RECOVERY_CODE = "password_and_recovery_code", "Password and recovery code"


class Signature(models.Model):
    """One signing party's signature on one exact version: the signed-in account, signing as itself.

    The name and organisation are the account's, copied when it signed; only the position is
    typed (by that account). Signatures made before the portal recorded how the signer
    authenticated and the parties' names hold a typed name and leave those fields blank.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    side = models.CharField(max_length=20, choices=Side.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(
        "name", max_length=200, help_text="The signing account's full name (or username) when it signed."
    )
    position = models.CharField(max_length=200, help_text="As typed by the signer.")
    organisation_name = models.CharField(max_length=200)
    institution_name = models.CharField(
        "institution's name at signing", max_length=200, blank=True, help_text="Blank for older signatures."
    )
    police_force_name = models.CharField(
        "police force's name at signing", max_length=200, blank=True, help_text="Blank for older signatures."
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    authentication = models.CharField(
        "authenticated with",
        max_length=40,
        choices=SignedWith.choices,
        blank=True,
        help_text="What the signer gave again to sign. Blank for older signatures: not recorded.",
    )
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint("agreement", "side", name="one_signature_per_side")]

    def __str__(self):
        return f"{self.full_name} for {self.organisation_name}"


def parties_at_signing(signatures) -> tuple[str, str]:
    """The institution's and the force's names as the last of ``signatures`` recorded them.

    Signatures older than that record fall back on the names in the signed text (as they were
    when the version was submitted), never on the organisations' names today.
    """
    latest = sorted(signatures, key=lambda signature: signature.signed_at, reverse=True)
    for signature in latest:
        if signature.institution_name and signature.police_force_name:
            return signature.institution_name, signature.police_force_name
    text = latest[0].version.text
    return text["institution"], text["police_force"]


class DraftPdf(models.Model):
    """A rendered draft PDF of one exact text, kept so the same text is rendered only once.

    Rendering runs in Celery (``tasks.render_draft_pdf``); the download page waits for it.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="draft_pdfs")
    text_sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="agreements/drafts/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("agreement", "text_sha256", name="one_draft_pdf_per_text")]

    def __str__(self):
        return f"Draft PDF of {self.agreement} ({self.text_sha256[:12]})"


class AgreementEvent(models.Model):
    """The audit trail: every change of status, who made it, when, and what they said."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=AgreementStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["agreement", "-at"])]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"


class ReviewConfirmation(models.Model):
    """One side's answer to a scheduled review of an agreement in force: "reviewed, no change".

    ``due_on`` names the review (the due date of the partnership's review commitment when it
    was answered); when both sides have answered the same review, it is done and the next one
    is due a review interval later. Either side may instead start a variation or give notice.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="review_confirmations")
    due_on = models.DateField()
    side = models.CharField(max_length=20, choices=Side.choices)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "confirmed_at"]
        constraints = [
            models.UniqueConstraint("agreement", "due_on", "side", name="one_review_answer_per_side"),
        ]

    def __str__(self):
        return f"{self.agreement}: review due {self.due_on}, {self.get_side_display()}"


# Who may be chosen to sign: a person of that side with an active account who is its senior
# sponsor or one of its liaison officers.
SIGNATORY_ROLES = ("senior_sponsor", "university_liaison", "police_liaison")


def validate_signatory(agreement, field, side_org_id):
    contact = getattr(agreement, field)
    if contact is not None and contact.organisation_id != side_org_id:
        raise ValidationError({field: "Choose a contact of that side's own organisation."})


def _months_text(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def date_errors(*, effective_date, term_months, review_months, notice_months, today=None) -> dict[str, str]:
    """The agreement's dates checked together, as {field: message}; each message names both
    fields that disagree. ``today`` given, an effective date before it is refused too (a draft
    not yet submitted cannot take effect in the past)."""
    errors = {}
    if today is not None and effective_date is not None and effective_date < today:
        errors["effective_date"] = (
            f"The effective date ({effective_date:%-d %B %Y}) is before today ({today:%-d %B %Y}): "
            "choose a date not before today."
        )
    if term_months and review_months and term_months < review_months:
        term, review = _months_text(term_months), _months_text(review_months)
        errors["term_months"] = (
            f"The term ({term}) is shorter than the review interval ({review}): "
            f"make the term at least the review interval ({review}) or review more often."
        )
        errors["review_months"] = (
            f"The review interval ({review}) is longer than the term ({term}): review at least once within the term."
        )
    if term_months and notice_months and notice_months >= term_months:
        term, notice = _months_text(term_months), _months_text(notice_months)
        errors.setdefault(
            "term_months",
            f"The notice period ({notice}) is not shorter than the term ({term}): make the term longer than "
            f"the notice period ({notice}).",
        )
        errors["notice_months"] = (
            f"The notice period ({notice}) is not shorter than the term ({term}): "
            f"give a notice period shorter than the term ({term})."
        )
    return errors
