"""Organisations, the teams inside them, and the people who act for them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.links import pk_url
from core.scoping import ScopedQuerySet, sees_anything


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", "University"
    COLLEGE = "college", "College"
    POLICE_FORCE = "police_force", "Police force"
    COMMUNITY_GROUP = "community_group", "Community group"
    FAITH_GROUP = "faith_group", "Faith group"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH_BODY = "health_body", "Health body"
    CHARITY = "charity", "Charity"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


def partner_organisations(organisation_id) -> Q:
    """The condition for organisations that share an accepted partnership with ``organisation_id``.

    A proposal opens nothing: until both sides accept, neither learns more of the other than
    the public name, kind and region that the partnership page shows. Other agencies are in
    ``other_agencies`` only once they have accepted their invitation.
    """
    from .partnerships import Partnership

    parties = Partnership.objects.involving(organisation_id).accepted()
    agencies = Partnership.other_agencies.through.objects.filter(partnership__in=parties)
    return (
        Q(pk__in=parties.values("institution_id"))
        | Q(pk__in=parties.values("police_force_id"))
        | Q(pk__in=agencies.values("organisation_id"))
    )


class OrganisationQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        """A user sees their own organisation and those it is in partnership with."""
        return Q(pk=user.organisation_id) | partner_organisations(user.organisation_id)

    def own_of(self, user):
        """The user's own organisation, exactly as ``visible_to(user).filter(pk=<theirs>)`` gives it.

        Every active user sees their own organisation (the first condition of ``scope_for``;
        an administrator sees every one), so the partner conditions are neither built nor
        planned: on the dashboard that was two thirds of the query's time.
        """
        if not sees_anything(user):
            return self.none()
        return self.filter(pk=user.organisation_id)

    def directory_for(self, user):
        """Active organisations a user may name in a form, such as the force to propose a partnership to.

        A directory of public bodies (names and kinds), not their records: pages about an
        organisation still go through ``visible_to``. Staff members propose nothing, so see none.
        """
        if not sees_anything(user):
            return self.none()
        if not (user.is_administrator or user.is_liaison_officer):
            return self.none()
        return self.filter(active=True)

    def police_forces(self):
        return self.filter(kind=OrganisationKind.POLICE_FORCE)

    def institutions(self):
        return self.exclude(kind=OrganisationKind.POLICE_FORCE)


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    address = models.TextField(blank=True)
    website = models.URLField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url("partnerships:organisation_detail", self.pk)

    @property
    def is_police_force(self) -> bool:
        return self.kind == OrganisationKind.POLICE_FORCE


class UnitQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(organisation__in=Organisation.objects.filter(Organisation.objects.scope_for(user)))


class Unit(models.Model):
    """A team inside an organisation, such as a Rape and Serious Crime Unit or student services."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organisation", Lower("name"), name="unit_name_unique_per_organisation"),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class ContactQuerySet(ScopedQuerySet):
    def scope_for(self, user) -> Q:
        return Q(organisation__in=Organisation.objects.filter(Organisation.objects.scope_for(user)))


class Contact(models.Model):
    """A person who acts for an organisation, who may or may not have a portal account."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts")
    user = models.OneToOneField(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="contact"
    )
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.unit_id and self.organisation_id and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": "Choose a unit of the contact's own organisation."})
        if self.user_id and self.organisation_id and self.user.organisation_id != self.organisation_id:
            raise ValidationError({"user": "Link a user account of the contact's own organisation."})
