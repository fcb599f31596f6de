"""Portal users: every user belongs to exactly one organisation and has one role."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.scoping import ScopedQuerySet


class Role(models.TextChoices):
    UNIVERSITY_LIAISON = "university_liaison", "University liaison officer"
    POLICE_LIAISON = "police_liaison", "Police liaison officer"
    STAFF = "staff", "Staff member"
    SENIOR_SPONSOR = "senior_sponsor", "Senior sponsor"
    AGENCY_LIAISON = "agency_liaison", "Agency liaison officer"
    ADMINISTRATOR = "administrator", "Administrator"


# The kinds of organisation whose liaison officers are agency liaison officers: the other local
# agencies a partnership invites (not a university, college or police force).
AGENCY_KINDS = ("community_group", "faith_group", "local_authority", "health_body", "charity", "other")


class UserQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(organisation_id=user.organisation_id)


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_queryset(self):
        # The organisation is needed on every request (scoping, navigation): fetch it with the user.
        return super().get_queryset().select_related("organisation")

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    email = models.EmailField("email address")
    organisation = models.ForeignKey("partnerships.Organisation", on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)
    job_title = models.CharField(max_length=200, blank=True)

    objects = PortalUserManager()

    REQUIRED_FIELDS = ["email", "organisation"]

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        indexes = [
            # The people page in its default order (and the User change list's) reads the first
            # 25 of an organisation's people in order instead of sorting all 20,000 of them.
            models.Index(fields=["organisation", "last_name", "first_name", "username", "id"], name="user_org_name"),
            # The same by role (the people page sorted by role, the dashboard's colleagues).
            models.Index(fields=["organisation", "role", "last_name", "first_name", "id"], name="user_org_role_name"),
            # The administrator's count of active people by role reads this alone.
            models.Index(fields=["role"], condition=Q(is_active=True), name="user_active_role"),
            # The compliance matrix counts an institution's active people by role from this alone.
            models.Index(fields=["organisation", "role"], condition=Q(is_active=True), name="user_org_active_role"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if not self.organisation_id:
            return
        police = self.organisation.is_police_force
        if self.role == Role.POLICE_LIAISON and not police:
            raise ValidationError({"role": "A police liaison officer must belong to a police force."})
        if self.role in (Role.UNIVERSITY_LIAISON, Role.STAFF) and police:
            raise ValidationError(
                {"role": "University liaison officers and staff members belong to an institution, not a police force."}
            )
        if self.role == Role.AGENCY_LIAISON and self.organisation.kind not in AGENCY_KINDS:
            raise ValidationError(
                {
                    "role": "An agency liaison officer belongs to another local agency (a local authority, health "
                    "body, charity, faith or community group), not a university, college or police force."
                }
            )

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser

    @property
    def is_university_liaison(self) -> bool:
        return self.role == Role.UNIVERSITY_LIAISON

    @property
    def is_police_liaison(self) -> bool:
        return self.role == Role.POLICE_LIAISON

    @property
    def is_staff_member(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_liaison_officer(self) -> bool:
        """A liaison officer of one of a partnership's two sides (institution or force)."""
        return self.role in (Role.UNIVERSITY_LIAISON, Role.POLICE_LIAISON)

    @property
    def is_senior_sponsor(self) -> bool:
        return self.role == Role.SENIOR_SPONSOR

    @property
    def is_agency_liaison(self) -> bool:
        return self.role == Role.AGENCY_LIAISON


def liaison_officers(organisation_ids, *, with_sponsors=False) -> dict[int, list]:
    """Active liaison officers of each organisation (and its senior sponsors, if asked), in one
    query: who is told what an organisation needs to know."""
    roles = [Role.UNIVERSITY_LIAISON, Role.POLICE_LIAISON]
    if with_sponsors:
        roles.append(Role.SENIOR_SPONSOR)
    people: dict[int, list] = {}
    for user in User.objects.filter(organisation_id__in=set(organisation_ids), role__in=roles, is_active=True).order_by(
        "pk"
    ):
        people.setdefault(user.organisation_id, []).append(user)
    return people
