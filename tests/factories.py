"""factory_boy factories for the portal's models."""

import factory

from accounts.models import Role, User
from partnerships.models import Contact, Organisation, OrganisationKind, Region, Unit

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
