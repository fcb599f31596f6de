"""Invitations to the portal, and the record of every change to an organisation's people.

An invitation holds only the SHA-256 of its token: the token itself is in the emailed link
and nowhere else, so a copy of the database opens no account.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Role
from core.scoping import ScopedQuerySet


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class InvitationState(models.TextChoices):
    OPEN = "open", "Waiting"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ACCEPTED = "accepted", "Accepted"


class InvitationQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(organisation_id=user.organisation_id)

    def unanswered(self):
        """Neither accepted nor withdrawn (an expired one too: it can be sent again)."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)

    def for_token(self, token: str):
        """The invitation whose link carries ``token``, or None."""
        return self.select_related("organisation", "invited_by").filter(token_hash=hash_token(token)).first()


class Invitation(models.Model):
    email = models.EmailField("email address")
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="people_invitations"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_email_ci",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.withdrawn_at:
            return InvitationState.WITHDRAWN
        if self.is_expired:
            return InvitationState.EXPIRED
        return InvitationState.OPEN

    def get_state_display(self) -> str:
        return InvitationState(self.state).label


class ChangeKind(models.TextChoices):
    INVITED = "invited", "Invited"
    RESENT = "resent", "Invitation sent again"
    WITHDRAWN = "withdrawn", "Invitation withdrawn"
    ACCEPTED = "accepted", "Joined the portal"
    ROLE_CHANGED = "role_changed", "Role changed"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"


class PersonChangeQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(organisation_id=user.organisation_id)


class PersonChange(models.Model):
    """One change to an organisation's people: who did what to whom, and when. Never edited."""

    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="changes")
    detail = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = PersonChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self) -> str:
        if self.person_id:
            return str(self.person)
        return self.invitation.name if self.invitation_id else ""
