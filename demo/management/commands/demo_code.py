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
        try:
            user = User.objects.filter(username=username).first()
        except DatabaseError:  # no tables yet: nothing has been set up in this checkout
            user = None
        if user is None:
            raise CommandError(
                "There is no demo data here yet. Run `make run` first (it sets up the database and loads "
                "the demo data), then run this command in another terminal."
            )
        try:
            self.stdout.write(demo_two_factor.current_code(user))
        except TOTPDevice.DoesNotExist:
            raise CommandError(f"{username} does not use two-factor authentication.") from None
