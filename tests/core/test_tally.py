"""Counts kept as rows change (core/tally.py) always equal a count of the table.

Every kind of write is tried on every counter: ``save()`` creating and changing a row (its
group, its scope, its condition), ``bulk_create``, ``QuerySet.update``, raw SQL, ``delete()``
and a queryset's delete; after each, the ledger's sums equal a GROUP BY of the table itself.
The same triggers are installed and exercised on SQLite, the embedded default of ``make run``.
"""

import sqlite3
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.dashboard import users_by_role
from accounts.models import Role, User
from accounts.tallies import ACTIVE_PEOPLE, ACTIVE_PEOPLE_BY_ORGANISATION
from agreements.dashboard import agreements_by_status
from agreements.models import A, Agreement
from agreements.tallies import AGREEMENTS_BY_STATUS
from core import tally
from core.models import Tally
from partnerships.dashboard import partnerships_by_health
from partnerships.health import LEVELS
from partnerships.models import Partnership
from partnerships.tallies import PARTNERSHIPS_BY_HEALTH
from tests import factories

pytestmark = pytest.mark.django_db


def counted(queryset, column, scope=None):
    """{(scope, value as text): n} of ``queryset``, counted the slow way."""
    fields = [scope, column] if scope else [column]
    rows = queryset.order_by().values(*fields).annotate(n=Count("*"))
    result = {}
    for row in rows:
        value = None if row[column] is None else str(row[column])
        key = ("" if row[scope] is None else str(row[scope])) if scope else ""
        result[key, value] = row["n"]
    return result


def kept(counter):
    """{(scope, value): n} of the ledger, all scopes."""
    sums = Counter()
    for scope, value, delta in Tally.objects.filter(counter=counter.name).values_list("scope", "value", "delta"):
        sums[scope, value] += delta
    return {key: n for key, n in sums.items() if n}


def assert_people_counted():
    active = User.objects.filter(is_active=True)
    assert kept(ACTIVE_PEOPLE) == counted(active, "role")
    assert kept(ACTIVE_PEOPLE_BY_ORGANISATION) == counted(active, "role", scope="organisation")


def test_people_are_counted_after_every_kind_of_change(university, police_force):
    assert_people_counted()
    person = factories.UserFactory(organisation=university, role=Role.STAFF)
    assert_people_counted()
    person.role = Role.UNIVERSITY_LIAISON
    person.save()
    assert_people_counted()
    person.organisation = police_force
    person.save()
    assert_people_counted()
    person.is_active = False
    person.save()
    assert_people_counted()
    person.is_active = True
    person.save(update_fields=["is_active"])
    assert_people_counted()
    person.last_login = person.date_joined
    person.save()  # no group changes: nothing written
    before = Tally.objects.count()
    person.first_name = "Renamed"
    person.save()
    assert Tally.objects.count() == before
    User.objects.bulk_create(
        [
            User(username=f"bulk{n}", email=f"bulk{n}@example.ac.uk", organisation=university, role=Role.STAFF)
            for n in range(5)
        ]
    )
    assert_people_counted()
    User.objects.filter(username__startswith="bulk").update(role=Role.SENIOR_SPONSOR)
    assert_people_counted()
    User.objects.filter(username__in=["bulk0", "bulk1"]).update(is_active=False)
    assert_people_counted()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET organisation_id = %s WHERE username = %s", [police_force.pk, "bulk2"])
    assert_people_counted()
    User.objects.get(username="bulk3").delete()
    assert_people_counted()
    User.objects.filter(username__startswith="bulk").delete()
    person.delete()
    assert_people_counted()


def test_a_compacted_ledger_keeps_every_count_in_a_row_per_group(university, police_force):
    for n in range(6):
        person = factories.UserFactory(organisation=university if n % 2 else police_force, role=Role.STAFF)
        person.role = Role.UNIVERSITY_LIAISON
        person.save()
    factories.UserFactory(organisation=university, role=Role.STAFF).delete()
    before = kept(ACTIVE_PEOPLE), kept(ACTIVE_PEOPLE_BY_ORGANISATION)
    rows = Tally.objects.count()
    removed = tally.compact()
    assert removed > 0 and Tally.objects.count() == rows - removed
    assert (kept(ACTIVE_PEOPLE), kept(ACTIVE_PEOPLE_BY_ORGANISATION)) == before
    groups = Tally.objects.values("counter", "scope", "value").distinct().count()
    assert Tally.objects.count() == groups  # one row per group, and none for an empty one
    assert not Tally.objects.filter(delta=0).exists()
    assert tally.compact() == 0
    assert_people_counted()


def test_partnerships_are_counted_by_health_as_it_changes(university, police_force):
    partnership = factories.PartnershipFactory(institution=university, police_force=police_force)
    assert kept(PARTNERSHIPS_BY_HEALTH) == counted(Partnership.objects.all(), "health")
    Partnership.objects.filter(pk=partnership.pk).update(health=2)
    assert kept(PARTNERSHIPS_BY_HEALTH) == counted(Partnership.objects.all(), "health")
    Partnership.objects.filter(pk=partnership.pk).update(health=None)
    assert kept(PARTNERSHIPS_BY_HEALTH) == counted(Partnership.objects.all(), "health")
    partnership.delete()
    assert kept(PARTNERSHIPS_BY_HEALTH) == counted(Partnership.objects.all(), "health")


def test_agreements_are_counted_by_status_as_it_changes(draft):
    agreement = draft
    assert kept(AGREEMENTS_BY_STATUS) == counted(Agreement.objects.all(), "status")
    Agreement.objects.filter(pk=agreement.pk).update(status=A.IN_REVIEW)
    assert kept(AGREEMENTS_BY_STATUS) == counted(Agreement.objects.all(), "status")
    agreement.delete()
    assert kept(AGREEMENTS_BY_STATUS) == counted(Agreement.objects.all(), "status")


def test_the_administrators_dashboard_counts_equal_counting_what_they_see(
    administrator, university_liaison, police_liaison, staff_member, partnership, draft
):
    """Read from the ledger for an administrator; counted through visible_to for anyone else."""
    Partnership.objects.filter(pk=partnership.pk).update(health=1)
    people = User.objects.visible_to(administrator).filter(is_active=True)
    roles = dict(Role.choices)
    assert users_by_role(administrator) == [
        (roles[row["role"]], row["n"]) for row in people.values("role").annotate(n=Count("*")).order_by("role")
    ]
    agreements = Agreement.objects.visible_to(administrator).values("status").annotate(n=Count("*"))
    assert dict(agreements_by_status(administrator)) == {A(row["status"]).label: row["n"] for row in agreements}
    assert partnerships_by_health(administrator) == [(LEVELS[1], LEVELS[1], 1)]
    # A liaison officer's counts are not the national ones.
    assert sum(n for _, n in users_by_role(university_liaison)) < User.objects.filter(is_active=True).count()


def test_a_counter_is_held_to_plain_identifiers():
    with pytest.raises(ValueError):
        tally.Counter("people; DROP TABLE accounts_user", "accounts_user", value="role")
    with pytest.raises(ValueError):
        tally.Counter("people", "accounts_user", value="role", condition="is_active OR TRUE")


def test_the_triggers_keep_the_same_counts_on_sqlite():
    """The SQLite triggers (``make run``'s embedded default), on a table of the same shape."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE core_tally (id INTEGER PRIMARY KEY AUTOINCREMENT, counter, scope, value, delta)")
    db.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, role TEXT, organisation_id INTEGER, is_active BOOL)")
    db.execute("INSERT INTO people VALUES (1, 'staff', 1, 1), (2, 'staff', NULL, 1), (3, 'staff', 2, 0)")
    by_organisation = tally.Counter("p", "people", value="role", scope="organisation_id", condition="is_active")
    for statement in by_organisation.install_sql("sqlite"):
        db.execute(statement)

    def sums():
        rows = db.execute("SELECT scope, value, SUM(delta) FROM core_tally GROUP BY 1, 2 HAVING SUM(delta) <> 0")
        return {(scope, value): n for scope, value, n in rows}

    def truth():
        scope = "COALESCE(CAST(organisation_id AS TEXT), '')"
        rows = db.execute(f"SELECT {scope}, role, COUNT(*) FROM people WHERE is_active GROUP BY 1, 2")  # noqa: S608
        return {(scope, value): n for scope, value, n in rows}

    assert sums() == truth() == {("1", "staff"): 1, ("", "staff"): 1}
    for statement in (
        "INSERT INTO people VALUES (4, 'police_liaison', 2, 1)",
        "UPDATE people SET is_active = 1 WHERE id = 3",
        "UPDATE people SET role = 'senior_sponsor' WHERE id = 1",
        "UPDATE people SET organisation_id = 2 WHERE id = 2",
        "UPDATE people SET is_active = 0 WHERE organisation_id = 2 AND role = 'staff'",
        "DELETE FROM people WHERE id = 4",
    ):
        rows_before = db.execute("SELECT COUNT(*) FROM core_tally").fetchone()[0]
        db.execute(statement)
        assert sums() == truth(), statement
        assert db.execute("SELECT COUNT(*) FROM core_tally").fetchone()[0] > rows_before, statement
    rows_before = db.execute("SELECT COUNT(*) FROM core_tally").fetchone()[0]
    db.execute("UPDATE people SET role = role")  # no row changes group: nothing written
    assert db.execute("SELECT COUNT(*) FROM core_tally").fetchone()[0] == rows_before
    # SQLite's flush deletes table by table: the ledger first, then the people, whose delete
    # triggers write -1s into it. Installing again (``ensure`` does, after every flush) recounts.
    db.execute("DELETE FROM core_tally")
    db.execute("DELETE FROM people WHERE id = 1")
    assert sums() != truth()
    for statement in by_organisation.install_sql("sqlite"):
        db.execute(statement)
    assert sums() == truth()
    triggers = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
    assert db.execute(triggers).fetchone()[0] == 3  # installed afresh, not twice
    for statement in by_organisation.uninstall_sql("sqlite"):
        db.execute(statement)
    assert db.execute(triggers).fetchone()[0] == 0
    db.execute("INSERT INTO people VALUES (5, 'staff', 1, 1)")
    assert db.execute("SELECT COUNT(*) FROM core_tally").fetchone()[0] == 0


def test_ensure_puts_the_triggers_back_and_recounts(university, staff_member):
    """What ``migrate`` and ``flush`` run after (post_migrate), and ``recount_tallies`` by hand."""
    Tally.objects.filter(counter=ACTIVE_PEOPLE.name).delete()
    Tally.objects.create(counter=AGREEMENTS_BY_STATUS.name, scope="", value="draft", delta=-3)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER tally_active_people ON accounts_user")
        else:
            cursor.execute("DROP TRIGGER tally_active_people_insert")
    out = StringIO()
    call_command("recount_tallies", stdout=out)
    assert "Recounted 4 counts" in out.getvalue()
    assert_people_counted()
    assert kept(AGREEMENTS_BY_STATUS) == counted(Agreement.objects.all(), "status")
    factories.UserFactory(organisation=university, role=Role.STAFF)  # the trigger is back
    assert_people_counted()
    assert sorted(tally.ensure()) == sorted(
        [ACTIVE_PEOPLE.name, ACTIVE_PEOPLE_BY_ORGANISATION.name, PARTNERSHIPS_BY_HEALTH.name, AGREEMENTS_BY_STATUS.name]
    )


def test_a_log_in_writes_nothing_to_the_ledger(staff_member):
    before = Tally.objects.count()
    User.objects.filter(pk=staff_member.pk).update(last_login=timezone.now())
    staff_member.first_name = "Renamed"
    staff_member.save()
    assert Tally.objects.count() == before


def test_an_emptied_table_has_no_count(draft):
    assert tally.counts(AGREEMENTS_BY_STATUS) == {A.DRAFT: 1}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # TRUNCATE fires no row trigger: its own empties the count
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction: checks now, not at commit
            cursor.execute("TRUNCATE agreements_agreement CASCADE")
        else:  # SQLite has no TRUNCATE: the whole table deleted (with what refers to it)
            Agreement.objects.all().delete()
    assert tally.counts(AGREEMENTS_BY_STATUS) == {}
