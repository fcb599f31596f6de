"""People counted as they change (``core/tally.py``): active accounts by role, nationally and
in each organisation. Installed by accounts' migration 0006; a change here needs a migration."""

from core.tally import Counter

ACTIVE_PEOPLE = Counter("active_people", "accounts_user", value="role", condition="is_active")
ACTIVE_PEOPLE_BY_ORGANISATION = Counter(
    "active_people_by_organisation", "accounts_user", value="role", scope="organisation_id", condition="is_active"
)
