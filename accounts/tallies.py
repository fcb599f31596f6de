"""People counted as they change (``core/tally.py``): active accounts by role, nationally and
in each organisation. Installed by accounts' migration 0006; after a change here, the next
``migrate`` brings an existing database up to it (``core.tally.ensure``)."""

from core.tally import Counter, register

ACTIVE_PEOPLE = register(Counter("active_people", "accounts_user", value="role", condition="is_active"))
ACTIVE_PEOPLE_BY_ORGANISATION = register(
    Counter(
        "active_people_by_organisation", "accounts_user", value="role", scope="organisation_id", condition="is_active"
    )
)
