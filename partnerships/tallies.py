"""Partnerships counted by their stored health light as it changes (``core/tally.py``).
Installed by partnerships' migration 0011; a change here needs a migration."""

from core.tally import Counter

PARTNERSHIPS_BY_HEALTH = Counter("partnerships_by_health", "partnerships_partnership", value="health")
