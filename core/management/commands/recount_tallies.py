"""Put the counts' triggers in place and count their tables afresh (core/tally.py): after
``loaddata`` or a restore that bypassed the triggers. ``migrate`` and ``flush`` do it already."""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from core import tally


class Command(BaseCommand):
    help = "Recount the counts kept by triggers (core/tally.py) from their tables."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        names = tally.ensure(database)
        self.stdout.write(f"Recounted {len(names)} counts: {', '.join(names) or 'none (not migrated yet)'}.")
