"""Agreements counted by status as it changes (``core/tally.py``). Installed by agreements'
migration 0013; a change here needs a migration."""

from core.tally import Counter

AGREEMENTS_BY_STATUS = Counter("agreements_by_status", "agreements_agreement", value="status")
