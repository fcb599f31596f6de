"""Counts over whole tables, kept as the rows change instead of counted on every page.

Some pages show counts of everything there is: an administrator's dashboard counts every active
person by role, every partnership by health and every agreement by status, and an institution's
compliance matrix counts its active people by role (19,600 at the largest on the national data
set of ``benchmarks/scale.py``). Counted on each request, that work grows with the data
(6–9 ms a count there). Here a trigger on each counted table writes a row to the ledger
``core.Tally`` (``core/models.py``) whenever a row enters a group (+1) or leaves it (-1), in the
same statement as the change: ``save()``, ``QuerySet.update()``, ``bulk_create()``, raw SQL and
deletes alike, so no code path can forget it. A count is the sum of its group's ledger rows, a
read of a few index entries. ``compact()`` folds each group's rows into one; the nightly task
(``core.tasks.compact_tallies``) runs it so the ledger stays a row or so per group.

Each ``Counter`` names its table's columns; an app installs its counters from a migration with
``install_operation`` (which also counts the rows already there) and reads them with
``counts``. ``tests/core/test_tally.py`` proves every counter equals a count of its table
after every kind of change.
"""

import re
from collections import Counter as Sums
from dataclasses import dataclass

from django.db import connection, migrations, transaction
from django.db.models import Sum

from .models import Tally

ALL = ""  # the scope of a counter that counts the whole table
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Counter:
    """``table``'s rows grouped by the column ``value``, within the column ``scope`` if any
    (an organisation's people), counting only rows whose boolean column ``condition`` is true."""

    name: str
    table: str
    value: str
    scope: str | None = None
    condition: str | None = None

    def __post_init__(self):
        # Written into SQL as they are: names of the code's own, never input; held to identifiers.
        for part in (self.name, self.table, self.value, self.scope, self.condition):
            if part is not None and not IDENTIFIER.fullmatch(part):
                raise ValueError(f"{part!r} is not a plain SQL identifier.")

    def _scope(self, row: str, vendor: str) -> str:
        if self.scope is None:
            return "''"
        text = "text" if vendor == "postgresql" else "TEXT"
        return f"COALESCE(CAST({row}.{self.scope} AS {text}), '')"

    def _holds(self, row: str) -> str:
        return f"{row}.{self.condition}" if self.condition else "TRUE"

    def _value(self, row: str, vendor: str) -> str:
        text = "text" if vendor == "postgresql" else "TEXT"
        return f"CAST({row}.{self.value} AS {text})"

    def _ledger_values(self, row: str, delta: int, vendor: str) -> str:
        return f"'{self.name}', {self._scope(row, vendor)}, {self._value(row, vendor)}, {delta}"

    def _ledger_row(self, row: str, delta: int, vendor: str) -> str:
        values = self._ledger_values(row, delta, vendor)
        return f"INSERT INTO core_tally (counter, scope, value, delta) VALUES ({values})"  # noqa: S608 (identifiers checked)

    def _ledger_row_if(self, row: str, delta: int, vendor: str) -> str:
        """The ledger row, written only if the row is counted (SQLite's triggers have no IF)."""
        values = self._ledger_values(row, delta, vendor)
        return f"INSERT INTO core_tally (counter, scope, value, delta) SELECT {values} WHERE {self._holds(row)}"

    def _unchanged(self) -> str:
        """Whether an update left the row in the same group (SQL, both dialects)."""
        same = [f"OLD.{self.value} IS NOT DISTINCT FROM NEW.{self.value}"]
        if self.scope:
            same.append(f"OLD.{self.scope} IS NOT DISTINCT FROM NEW.{self.scope}")
        if self.condition:
            same.append(f"OLD.{self.condition} = NEW.{self.condition}")
        return " AND ".join(same)

    def install_sql(self, vendor: str) -> list[str]:
        trigger = f"tally_{self.name}"
        if vendor == "postgresql":
            return [
                f"""CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {self._unchanged()} THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND {self._holds("OLD")} THEN
        {self._ledger_row("OLD", -1, vendor)};
    END IF;
    IF TG_OP <> 'DELETE' AND {self._holds("NEW")} THEN
        {self._ledger_row("NEW", 1, vendor)};
    END IF;
    RETURN NULL;
END $$""",
                f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {trigger}()",
                self._backfill_sql(vendor),
            ]
        if vendor == "sqlite":
            unchanged = self._unchanged().replace("IS NOT DISTINCT FROM", "IS")
            return [
                f"CREATE TRIGGER {trigger}_insert AFTER INSERT ON {self.table} FOR EACH ROW "
                f"WHEN {self._holds('NEW')} BEGIN {self._ledger_row('NEW', 1, vendor)}; END",
                f"CREATE TRIGGER {trigger}_delete AFTER DELETE ON {self.table} FOR EACH ROW "
                f"WHEN {self._holds('OLD')} BEGIN {self._ledger_row('OLD', -1, vendor)}; END",
                f"CREATE TRIGGER {trigger}_update AFTER UPDATE ON {self.table} FOR EACH ROW "
                f"WHEN NOT ({unchanged}) BEGIN "
                f"{self._ledger_row_if('OLD', -1, vendor)}; {self._ledger_row_if('NEW', 1, vendor)}; END",
                self._backfill_sql(vendor),
            ]
        raise NotImplementedError(f"Tallies need triggers written for {vendor}.")

    def _backfill_sql(self, vendor: str) -> str:
        """The rows already in the table, counted once into the ledger."""
        where = f" WHERE {self.condition}" if self.condition else ""
        scope, value = self._scope(self.table, vendor), self._value(self.table, vendor)
        return (
            f"INSERT INTO core_tally (counter, scope, value, delta) "  # noqa: S608 (identifiers checked)
            f"SELECT '{self.name}', {scope}, {value}, COUNT(*) FROM {self.table}{where} GROUP BY 2, 3"
        )

    def uninstall_sql(self, vendor: str) -> list[str]:
        trigger = f"tally_{self.name}"
        forget = f"DELETE FROM core_tally WHERE counter = '{self.name}'"  # noqa: S608 (identifiers checked)
        if vendor == "postgresql":
            return [f"DROP TRIGGER IF EXISTS {trigger} ON {self.table}", f"DROP FUNCTION IF EXISTS {trigger}()", forget]
        return [f"DROP TRIGGER IF EXISTS {trigger}_{op}" for op in ("insert", "delete", "update")] + [forget]


def install_operation(*counters: Counter) -> migrations.RunPython:
    """A migration operation that installs ``counters``' triggers and counts the rows there."""

    def run(sql_of):
        def operation(apps, schema_editor):
            vendor = schema_editor.connection.vendor
            for counter in counters:
                for statement in sql_of(counter, vendor):
                    schema_editor.execute(statement, params=None)

        return operation

    return migrations.RunPython(
        run(lambda counter, vendor: counter.install_sql(vendor)),
        run(lambda counter, vendor: counter.uninstall_sql(vendor)),
    )


def counts(counter: Counter, scope=ALL) -> dict:
    """{value: count} of ``counter`` within ``scope`` (an id, for a scoped counter), one query;
    groups that are empty are left out. Values are text (None for a null column)."""
    rows = (
        Tally.objects.filter(counter=counter.name, scope=str(scope))
        .order_by()
        .values_list("value")
        .annotate(n=Sum("delta"))
    )
    return {value: n for value, n in rows if n}


def counts_query(counter: Counter, scope=ALL):
    """The query ``counts`` runs, as ``(value, n)`` rows, to join to another (a union)."""
    return (
        Tally.objects.filter(counter=counter.name, scope=str(scope)).order_by().values("value").annotate(n=Sum("delta"))
    )


def compact() -> int:
    """Fold the ledger into one row per group; return the rows removed.

    The delete returns exactly the rows it removed, so a change written meanwhile by another
    transaction is neither lost nor counted twice.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_tally RETURNING counter, scope, value, delta")
        gone = cursor.fetchall()
        sums = Sums()
        for counter, scope, value, delta in gone:
            sums[counter, scope, value] += delta
        kept = [
            Tally(counter=counter, scope=scope, value=value, delta=n)
            for (counter, scope, value), n in sums.items()
            if n
        ]
        Tally.objects.bulk_create(kept, batch_size=1000)
    return len(gone) - len(kept)
