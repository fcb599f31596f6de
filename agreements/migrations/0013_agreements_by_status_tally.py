"""Triggers that keep the counts of agreements/tallies.py in core's ledger (core/tally.py), and the
rows already there counted into it."""

from django.db import migrations

from agreements.tallies import AGREEMENTS_BY_STATUS
from core.tally import install_operation


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0012_agreement_list_order_index"),
        ("core", "0001_tally"),
    ]

    operations = [install_operation(AGREEMENTS_BY_STATUS)]
