from django.conf import settings
from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Load fictional demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        created = demo.seed()
        summary = ", ".join(f"{n} {what}" for what, n in created.items())
        self.stdout.write(f"Demo data ready (created now: {summary}).")
        self.stdout.write("")
        self.stdout.write(f"Open {settings.SITE_URL}/ and log in with password '{demo.DEMO_PASSWORD}' as:")
        for user in demo.USERS:
            self.stdout.write(f"  {user.username:<18} {user.role.label}, {user.organisation}")
