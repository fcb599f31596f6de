"""Agreements counted by status as it changes (``core/tally.py``). Installed by agreements'
migration 0013; after a change here, the next ``migrate`` brings an existing database up to it
(``core.tally.ensure``)."""

from core.tally import Counter, register

AGREEMENTS_BY_STATUS = register(Counter("agreements_by_status", "agreements_agreement", value="status"))
