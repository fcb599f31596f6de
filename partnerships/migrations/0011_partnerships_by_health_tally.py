"""Triggers that keep the counts of partnerships/tallies.py in core's ledger (core/tally.py), and the
rows already there counted into it."""

from django.db import migrations

from core.tally import install_operation
from partnerships.tallies import PARTNERSHIPS_BY_HEALTH


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0010_list_order_indexes"),
        ("core", "0001_tally"),
    ]

    operations = [install_operation(PARTNERSHIPS_BY_HEALTH)]
