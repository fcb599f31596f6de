"""Triggers that keep the counts of agreements/tallies.py in core's ledger (core/tally.py), and the
rows already there counted into it."""

from django.db import migrations

from core.tally import Counter, install_operation

# As it was written (agreements/tallies.py holds the live one).
AGREEMENTS_BY_STATUS = Counter("agreements_by_status", "agreements_agreement", value="status")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0012_agreement_list_order_index"),
        ("core", "0001_tally"),
    ]

    operations = [install_operation(AGREEMENTS_BY_STATUS)]
