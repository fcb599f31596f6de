"""factory_boy factories for the portal's models."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Role, User
from partnerships.models import (
    Action,
    Contact,
    Direction,
    Engagement,
    EngagementKind,
    FocusArea,
    InformationShare,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipStatus,
    Region,
    ShareCategory,
    Unit,
)

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"University of Testshire {n}")
    kind = OrganisationKind.UNIVERSITY
    region = Region.NORTH_WEST


class PoliceForceFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Testshire Police {n}")
    kind = OrganisationKind.POLICE_FORCE


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(PoliceForceFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name", locale="en_GB")
    job_title = "Liaison officer"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAFF

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class UniversityLiaisonFactory(UserFactory):
    role = Role.UNIVERSITY_LIAISON


class PoliceLiaisonFactory(UserFactory):
    organisation = factory.SubFactory(PoliceForceFactory)
    role = Role.POLICE_LIAISON


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.OTHER, name="Portal Service")
    is_staff = True
    is_superuser = True


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    institution = factory.SubFactory(OrganisationFactory)
    police_force = factory.SubFactory(PoliceForceFactory)
    title = factory.Sequence(lambda n: f"Safer campus partnership {n}")
    status = PartnershipStatus.ACTIVE
    # Accepted by both sides unless a test says otherwise (a proposal: ``police_accepted_at=None``).
    institution_accepted_at = factory.LazyFunction(timezone.now)
    police_accepted_at = factory.LazyFunction(timezone.now)
    focus_areas = factory.LazyFunction(lambda: [FocusArea.SEXUAL_VIOLENCE, FocusArea.HATE_CRIME])
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    partnership = factory.SubFactory(PartnershipFactory)
    kind = EngagementKind.STRATEGIC_MEETING
    title = factory.Sequence(lambda n: f"Quarterly meeting {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(ContactFactory, organisation=factory.SelfAttribute("..partnership.institution"))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class InformationShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationShare

    partnership = factory.SubFactory(PartnershipFactory)
    direction = Direction.TO_POLICE
    category = ShareCategory.VEHICLE
    summary = "An unfamiliar car waits outside the halls late at night; partial registration noted."
    lawful_basis = LawfulBasis.PUBLIC_TASK
    shared_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
