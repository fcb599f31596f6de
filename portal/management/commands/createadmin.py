import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from partnerships.models import Organisation, OrganisationKind


class Command(BaseCommand):
    help = (
        "Create a portal administrator, and the organisation that runs the portal if it does not exist. "
        "The password comes from ADMIN_PASSWORD or is asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument("--organisation", default="Partnership Portal Service")

    @transaction.atomic
    def handle(self, *args, username, email, organisation, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} exists already.")
        password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password: ")
        org, _ = Organisation.objects.get_or_create(name=organisation, defaults={"kind": OrganisationKind.OTHER})
        user = User(username=username, email=email, organisation=org, role=Role.ADMINISTRATOR)
        user.is_staff = user.is_superuser = True
        try:
            validate_password(password, user)
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        self.stdout.write(f"Administrator {username} created in {org}.")
