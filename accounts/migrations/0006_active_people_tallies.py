"""Triggers that keep the counts of accounts/tallies.py in core's ledger (core/tally.py), and the
rows already there counted into it."""

from django.db import migrations

from accounts.tallies import ACTIVE_PEOPLE, ACTIVE_PEOPLE_BY_ORGANISATION
from core.tally import install_operation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_active_people_by_role"),
        ("core", "0001_tally"),
    ]

    operations = [install_operation(ACTIVE_PEOPLE, ACTIVE_PEOPLE_BY_ORGANISATION)]
