from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User
from demo import two_factor as demo_two_factor
from demo import world as demo
from notifications.services import send_due_reminders


class Command(BaseCommand):
    help = "Load fictional demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        created = demo.seed()
        created["authenticators"] = demo_two_factor.seed_devices(
            User.objects.filter(username__in=[u.username for u in demo.USERS])
        )
        # Record the reminders the demo data is due now, so the bell has them at once; the
        # worker emails them (to var/mail/ with make run). Beat's sweep keeps them coming.
        report = send_due_reminders()
        created["reminders"] = report.total
        summary = ", ".join(f"{n} {what}" for what, n in created.items())
        self.stdout.write(f"Demo data ready (created now: {summary}).")
        self.stdout.write("")
        self.stdout.write(f"Open {settings.SITE_URL}/ and log in with password '{demo.DEMO_PASSWORD}' as:")
        for user in demo.USERS:
            self.stdout.write(f"  {user.username:<18} {user.role.label}, {user.organisation}")
        self.stdout.write("")
        self.stdout.write("Administrators, police liaison officers and senior sponsors are asked for a two-factor code")
        self.stdout.write("after the password. Print the demo code with:")
        self.stdout.write("  DEBUG=true .venv/bin/python manage.py demo_code police.liaison")
