import io

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from demo import two_factor as demo_two_factor
from demo import world as demo


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (demo data only)."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=[u.username for u in demo.USERS])

    def handle(self, *args, username, **options):
        user = self._demo_user(username)
        if user is None:
            # Nothing set up in this checkout yet (run before `make run`): set up the database and
            # the demo data as `make run` does, so the command works as the README prints it.
            self.stderr.write("No demo data here yet: setting up the database and the demo data (as `make run` does).")
            call_command("migrate", interactive=False, verbosity=0)
            call_command("seed_demo", stdout=io.StringIO())
            user = self._demo_user(username)
        if user is None:
            raise CommandError(f"{username} is not in the demo data.")
        try:
            self.stdout.write(demo_two_factor.current_code(user))
        except TOTPDevice.DoesNotExist:
            raise CommandError(f"{username} does not use two-factor authentication.") from None

    @staticmethod
    def _demo_user(username):
        try:
            return User.objects.filter(username=username).first()
        except DatabaseError:  # no tables yet: nothing has been set up in this checkout
            return None
