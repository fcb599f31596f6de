"""Partnerships counted by their stored health light as it changes (``core/tally.py``).
Installed by partnerships' migration 0011; after a change here, the next ``migrate`` brings an
existing database up to it (``core.tally.ensure``)."""

from core.tally import Counter, register

PARTNERSHIPS_BY_HEALTH = register(Counter("partnerships_by_health", "partnerships_partnership", value="health"))
