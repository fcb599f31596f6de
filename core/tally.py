"""Counts over whole tables, kept as the rows change instead of counted on every page.

Some pages show counts of everything there is: an administrator's dashboard counts every active
person by role, every partnership by health and every agreement by status, and an institution's
compliance matrix counts its active people by role (19,600 at the largest on the national data
set of ``benchmarks/scale.py``). Counted on each request, that work grows with the data
(4–8 ms a count there). Here a trigger on each counted table writes a row to the ledger
``core.Tally`` (``core/models.py``) whenever a row enters a group (+1) or leaves it (-1), in the
same statement as the change: ``save()``, ``QuerySet.update()``, ``bulk_create()``, raw SQL and
deletes alike, so no code path can forget it (a TRUNCATE empties the counter's rows). A count is
the sum of its group's ledger rows, a read of a few index entries. ``compact()`` folds each
group's rows into one; the nightly task (``core.tasks.compact_tallies``) runs it.

Each app declares its counters with ``register`` in its ``tallies.py`` (imported by its
``AppConfig.ready``), installs them from a migration with ``install_operation`` and reads them
with ``counts``. After every ``migrate`` and ``flush`` (Django's ``post_migrate``, connected in
``core/apps.py``), ``ensure`` puts every registered counter's triggers back and counts its
table afresh: SQLite drops a table's triggers when a migration rebuilds the table, and its
flush deletes table by table, writing -1s into a ledger already emptied.
``manage.py recount_tallies`` does the same by hand (after ``loaddata``, say).
``tests/core/test_tally.py`` proves every counter equals a count of its table after every kind
of change.
"""

import re
from collections import Counter as Sums
from dataclasses import dataclass

from django.db import connections, migrations, transaction
from django.db.models import Sum

from .models import Tally

ALL = ""  # the scope of a counter that counts the whole table
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,40}")

_registry: dict[str, "Counter"] = {}


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

    @property
    def columns(self) -> list[str]:
        return [column for column in (self.value, self.scope, self.condition) if column]

    def _text(self, expression: str, vendor: str) -> str:
        return f"CAST({expression} AS {'text' if vendor == 'postgresql' else 'TEXT'})"

    def _scope(self, row: str, vendor: str) -> str:
        return f"COALESCE({self._text(f'{row}.{self.scope}', vendor)}, '')" if self.scope else "''"

    def _holds(self, row: str) -> str:
        return f"{row}.{self.condition}" if self.condition else "TRUE"

    def _ledger_values(self, row: str, delta: int, vendor: str) -> str:
        value = self._text(f"{row}.{self.value}", vendor)
        return f"'{self.name}', {self._scope(row, vendor)}, {value}, {delta}"

    def _ledger_row(self, row: str, delta: int, vendor: str) -> str:
        values = self._ledger_values(row, delta, vendor)
        return f"INSERT INTO core_tally (counter, scope, value, delta) VALUES ({values})"  # noqa: S608 (identifiers)

    def _ledger_row_if(self, row: str, delta: int, vendor: str) -> str:
        """The ledger row, written only if the row is counted (SQLite's triggers have no IF)."""
        values = self._ledger_values(row, delta, vendor)
        return f"INSERT INTO core_tally (counter, scope, value, delta) SELECT {values} WHERE {self._holds(row)}"

    def _moved(self) -> str:
        """Whether an update moved the row to another group (SQL, both dialects)."""
        return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in self.columns)

    def install_sql(self, vendor: str) -> list[str]:
        """The triggers, put in place afresh, and the table counted into the ledger afresh."""
        trigger, columns = f"tally_{self.name}", ", ".join(self.columns)
        if vendor == "postgresql":
            # SET search_path FROM CURRENT: the ledger is found whatever path the writer has.
            function = "RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$"
            return [
                *self.uninstall_sql(vendor, forget=False),
                f"""CREATE FUNCTION {trigger}() {function}
BEGIN
    IF TG_OP <> 'INSERT' AND {self._holds("OLD")} THEN
        {self._ledger_row("OLD", -1, vendor)};
    END IF;
    IF TG_OP <> 'DELETE' AND {self._holds("NEW")} THEN
        {self._ledger_row("NEW", 1, vendor)};
    END IF;
    RETURN NULL;
END $$""",
                f"""CREATE FUNCTION {trigger}_truncate() {function}
BEGIN
    DELETE FROM core_tally WHERE counter = '{self.name}';
    RETURN NULL;
END $$""",  # noqa: S608 (identifiers checked)
                f"CREATE TRIGGER {trigger} AFTER INSERT OR DELETE ON {self.table} "
                f"FOR EACH ROW EXECUTE FUNCTION {trigger}()",
                # Only an update of a counted column that moves the row: not a log-in's last_login.
                f"CREATE TRIGGER {trigger}_update AFTER UPDATE OF {columns} ON {self.table} "
                f"FOR EACH ROW WHEN ({self._moved()}) EXECUTE FUNCTION {trigger}()",
                f"CREATE TRIGGER {trigger}_truncate AFTER TRUNCATE ON {self.table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {trigger}_truncate()",
                *self.recount_sql(vendor),
            ]
        if vendor == "sqlite":
            moved = self._moved().replace("IS DISTINCT FROM", "IS NOT")
            return [
                *self.uninstall_sql(vendor, forget=False),
                f"CREATE TRIGGER {trigger}_insert AFTER INSERT ON {self.table} FOR EACH ROW "
                f"WHEN {self._holds('NEW')} BEGIN {self._ledger_row('NEW', 1, vendor)}; END",
                f"CREATE TRIGGER {trigger}_delete AFTER DELETE ON {self.table} FOR EACH ROW "
                f"WHEN {self._holds('OLD')} BEGIN {self._ledger_row('OLD', -1, vendor)}; END",
                f"CREATE TRIGGER {trigger}_update AFTER UPDATE OF {columns} ON {self.table} FOR EACH ROW "
                f"WHEN {moved} BEGIN "
                f"{self._ledger_row_if('OLD', -1, vendor)}; {self._ledger_row_if('NEW', 1, vendor)}; END",
                *self.recount_sql(vendor),
            ]
        raise NotImplementedError(f"Tallies need triggers written for {vendor}.")

    def recount_sql(self, vendor: str) -> list[str]:
        """The counter's ledger rows replaced by a count of the table as it is."""
        where = f" WHERE {self.condition}" if self.condition else ""
        scope, value = self._scope(self.table, vendor), self._text(f"{self.table}.{self.value}", vendor)
        return [
            f"DELETE FROM core_tally WHERE counter = '{self.name}'",  # noqa: S608 (identifiers checked)
            f"INSERT INTO core_tally (counter, scope, value, delta) "  # noqa: S608 (identifiers checked)
            f"SELECT '{self.name}', {scope}, {value}, COUNT(*) FROM {self.table}{where} GROUP BY 2, 3",
        ]

    def uninstall_sql(self, vendor: str, forget=True) -> list[str]:
        trigger = f"tally_{self.name}"
        statements = []
        if vendor == "postgresql":
            statements += [
                f"DROP TRIGGER IF EXISTS {trigger}{end} ON {self.table}" for end in ("", "_update", "_truncate")
            ]
            statements += [f"DROP FUNCTION IF EXISTS {trigger}{end}()" for end in ("", "_truncate")]
        else:
            statements += [f"DROP TRIGGER IF EXISTS {trigger}_{op}" for op in ("insert", "delete", "update")]
        if forget:
            statements.append(f"DELETE FROM core_tally WHERE counter = '{self.name}'")  # noqa: S608 (identifiers)
        return statements


def register(counter: Counter) -> Counter:
    """Declare ``counter`` (in an app's ``tallies.py``), so that ``ensure`` keeps it."""
    _registry[counter.name] = counter
    return counter


def install_operation(*counters: Counter) -> migrations.RunPython:
    """A migration operation that installs ``counters``' triggers and counts the rows there.

    A migration writes its counters out in full (not imported), so that it installs what it
    installed when it was written; ``ensure`` brings them up to the code's after ``migrate``.
    """

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


def ensure(using="default") -> list[str]:
    """Put every registered counter's triggers in place and count its table afresh, where its
    table and the ledger exist; return the names of the counters ensured.

    The counted tables are locked against writes meanwhile (on PostgreSQL), so no change falls
    between the old ledger rows' removal and the count.
    """
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if Tally._meta.db_table not in tables:
        return []
    counters = [counter for counter in _registry.values() if counter.table in tables]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for counter in counters:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {counter.table} IN SHARE ROW EXCLUSIVE MODE")
            for statement in counter.install_sql(connection.vendor):
                cursor.execute(statement)
    return [counter.name for counter in counters]


def counts(counter: Counter, scope=ALL) -> dict:
    """{value: count} of ``counter`` within ``scope`` (an id, for a scoped counter), one query;
    groups that are empty are left out. Values are text (None for a null column)."""
    return {value: n for value, n in counts_query(counter, scope).values_list("value", "n") if n}


def counts_query(counter: Counter, scope=ALL):
    """The query ``counts`` runs, as ``value`` and ``n`` per group, to join to another (a union)."""
    return (
        Tally.objects.filter(counter=counter.name, scope=str(scope)).order_by().values("value").annotate(n=Sum("delta"))
    )


def compact(using="default") -> int:
    """Fold the ledger into one row per group; return the rows removed.

    On PostgreSQL one statement deletes the rows and writes back their sums, so a change
    written meanwhile by another transaction is neither lost nor counted twice. SQLite has one
    writer at a time: the rows up to the highest id read are summed, deleted and written back.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        before = Tally.objects.using(using).count()
        if connection.vendor == "postgresql":
            cursor.execute(
                "WITH gone AS (DELETE FROM core_tally RETURNING counter, scope, value, delta) "
                "INSERT INTO core_tally (counter, scope, value, delta) "
                "SELECT counter, scope, value, SUM(delta) FROM gone GROUP BY 1, 2, 3 HAVING SUM(delta) <> 0"
            )
        else:
            cursor.execute("SELECT MAX(id) FROM core_tally")
            last = cursor.fetchone()[0] or 0
            sums = Sums()
            rows = Tally.objects.using(using).filter(id__lte=last).values_list("counter", "scope", "value", "delta")
            for counter, scope, value, delta in rows:
                sums[counter, scope, value] += delta
            Tally.objects.using(using).filter(id__lte=last).delete()
            kept = [Tally(counter=c, scope=scope, value=value, delta=n) for (c, scope, value), n in sums.items() if n]
            Tally.objects.using(using).bulk_create(kept, batch_size=1000)
        return before - Tally.objects.using(using).count()
