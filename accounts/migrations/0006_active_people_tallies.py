"""Triggers that keep the counts of accounts/tallies.py in core's ledger (core/tally.py), and the
rows already there counted into it."""

from django.db import migrations

from core.tally import Counter, install_operation

# As they were written (accounts/tallies.py holds the live ones).
ACTIVE_PEOPLE = Counter("active_people", "accounts_user", value="role", condition="is_active")
ACTIVE_PEOPLE_BY_ORGANISATION = Counter(
    "active_people_by_organisation", "accounts_user", value="role", scope="organisation_id", condition="is_active"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_active_people_by_role"),
        ("core", "0001_tally"),
    ]

    operations = [install_operation(ACTIVE_PEOPLE, ACTIVE_PEOPLE_BY_ORGANISATION)]
