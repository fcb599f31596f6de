"""Triggers that keep the counts of partnerships/tallies.py in core's ledger (core/tally.py), and the
rows already there counted into it."""

from django.db import migrations

from core.tally import Counter, install_operation

# As it was written (partnerships/tallies.py holds the live one).
PARTNERSHIPS_BY_HEALTH = Counter("partnerships_by_health", "partnerships_partnership", value="health")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0010_list_order_indexes"),
        ("core", "0001_tally"),
    ]

    operations = [install_operation(PARTNERSHIPS_BY_HEALTH)]
