"""Time the reminder sweep on 100,000 training bookings of which 10,000 are due a reminder.

    createdb -h 127.0.0.1 -U postgres portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python benchmarks/reminder_sweep.py [--runs 3] [--keep] [--count-only]
    dropdb -h 127.0.0.1 -U postgres portal_bench

What it measures: ``notifications.services.send_due_reminders(now)``, its wall time, its SQL
queries (``CaptureQueriesContext`` on the default connection) and the time they took, the
notification rows it created, and the time spent publishing the ``send_notification`` tasks.

The data (seeded with ``bulk_create`` in chunks; one user account per booking):

- an institution, a police force and an active partnership between them, and 4 courses;
- step 1: 10,000 bookings on sessions starting in the next 23 hours, booked (created and last
  changed) 14 days ago, so the ``session_tomorrow`` reminder is due for each, with the log
  rows they already have (booking confirmed, 7 days to go);
- step 2: 90,000 bookings that are not due: 30,000 on past sessions (attended, 45 days to
  10 months ago: too late for feedback requests, too early for refreshers), 45,000 on
  sessions 2 to 7 months away, 10,000 cancelled and 5,000 booked within the last day (both
  on tomorrow's sessions), with their own log rows (about 180,000: confirmations, and the
  reminders and feedback request the past ones were sent).

Booking ids are in the order people booked: past sessions first, then the rest shuffled
together, so the due bookings are not conveniently the first rows of the table. After each
step the tables are vacuumed and analysed, as autovacuum would have done in production.

Each scenario is swept ``--runs`` times (the log rows the sweep created are deleted between
runs) and the run with the median wall time is shown: the sweep after step 1 (10,000 due,
nothing else), the sweep after step 2 (the same 10,000 due among 100,000), and a second
sweep after that (nothing is due any more: every reminder is in the log and queued).

Broker: the tasks are really published, to Redis database 15 on the local server
(``--broker``), which is flushed before and after; the script overrides CELERY_BROKER_URL, so
it never publishes to the broker of the environment. With ``--count-only`` nothing is
published: ``notifications.services.enqueue`` is replaced by a counter that makes the same
UPDATE of ``queued_at``.

Safety: the script refuses to run (exit 2) when DATABASE_URL is not set, when the database
has organisations, users, partnerships, courses, sessions, bookings or notifications that it
did not create, or when the Redis database has keys that are not Celery's, unless ``--force``
is given. With ``--force`` on a database holding real data the sweep also records and queues
(to the benchmark's broker) whatever reminders are due for that data, so use a scratch
database. It deletes what it seeded when it finishes (unless ``--keep``) and what an earlier
run left behind before it starts.
"""

import argparse
import functools
import os
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from random import Random

DEFAULT_BROKER = "redis://127.0.0.1:6379/15"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Read the top of benchmarks/reminder_sweep.py for the set-up and what is measured.",
    )
    parser.add_argument("--due", type=int, default=10_000, help="bookings due a reminder (default 10,000)")
    parser.add_argument("--not-due", type=int, default=90_000, help="bookings not due (default 90,000)")
    parser.add_argument("--runs", type=int, default=3, help="sweeps per scenario; the median is shown (default 3)")
    parser.add_argument(
        "--broker",
        default=DEFAULT_BROKER,
        help=f"Redis URL to publish to; that database is flushed before and after (default {DEFAULT_BROKER})",
    )
    parser.add_argument(
        "--count-only", action="store_true", help="publish nothing: count the tasks instead (no Redis needed)"
    )
    parser.add_argument("--keep", action="store_true", help="leave the seeded data in the database")
    parser.add_argument(
        "--force", action="store_true", help="run even on a database or Redis database with data of others"
    )
    args = parser.parse_args()
    if args.due < 1 or args.not_due < 0 or args.runs < 1:
        parser.error("--due and --runs must be at least 1, --not-due at least 0")
    if not args.broker.startswith(("redis://", "rediss://")):
        parser.error("--broker must be a redis:// URL")
    return args


ARGS = parse_args()
if not os.environ.get("DATABASE_URL", "").strip():
    print("Set DATABASE_URL to a scratch PostgreSQL database: see the top of benchmarks/reminder_sweep.py.")
    sys.exit(2)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["CELERY_BROKER_URL"] = ARGS.broker  # never the broker of the environment

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from notifications import services  # noqa: E402
from notifications.models import Delivery, Notification  # noqa: E402
from partnerships.models import Organisation, OrganisationKind, Partnership, PartnershipStatus  # noqa: E402
from training.models import Booking, BookingStatus, Course, Session, SessionStatus  # noqa: E402

INSTITUTION = "Reminder Sweep Benchmark University"
FORCE = "Reminder Sweep Benchmark Police"
PREFIX = "reminder-sweep-bench"
CHUNK = 5000
PER_SESSION = 100
# The most one sweep records of one kind, and queues.
SWEEP_LIMIT = services.BATCH_SIZE * services.MAX_BATCHES

DUE, LATE, CANCELLED, FUTURE, PAST = "due", "late", "cancelled", "future", "past"
# Transaction control that CaptureQueriesContext records along with the queries.
TX = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
NOW = timezone.now()


def out(text=""):
    print(text, flush=True)


@functools.cache
def unusable_password() -> str:
    return make_password(None)  # "!" and a random string: one value for every benchmark user


def elapsed(start):
    return f"{time.perf_counter() - start:.1f} s"


# --- safety ------------------------------------------------------------------------------------


def foreign_data() -> dict[str, int]:
    """Rows of the tables the benchmark uses that it did not create."""
    ours = [INSTITUTION, FORCE]
    others = {
        "organisations": Organisation.objects.exclude(name__in=ours),
        "users": User.objects.exclude(organisation__name__in=ours),
        "partnerships": Partnership.objects.exclude(institution__name=INSTITUTION, police_force__name=FORCE),
        "courses": Course.objects.exclude(provider__name=FORCE),
        "sessions": Session.objects.exclude(course__provider__name=FORCE),
        "bookings": Booking.objects.exclude(session__course__provider__name=FORCE),
        "notifications": Notification.objects.exclude(recipient__organisation__name=INSTITUTION),
    }
    return {label: rows.count() for label, rows in others.items() if rows.exists()}


class Broker:
    """The Redis database the sweep publishes to, or a counter in its place (``--count-only``)."""

    def __init__(self, count_only: bool):
        self.count_only = count_only
        self.client = None
        self.real_enqueue = services.enqueue
        self.seconds = self.sql = 0.0
        services.enqueue = self.enqueue  # the sweep looks it up in the module on every call

    def describe(self) -> str:
        if self.count_only:
            return "none: notifications.services.enqueue replaced by a counter (same UPDATE of queued_at)"
        return f"real publish to Redis {ARGS.broker} (CELERY_BROKER_URL overridden)"

    def connect(self) -> None:
        if self.count_only:
            return
        import redis

        self.client = redis.Redis.from_url(ARGS.broker)
        try:
            self.client.ping()
        except redis.RedisError as error:
            sys.exit(f"Cannot reach Redis at {ARGS.broker} ({error}); start it or use --count-only.")
        celery_keys = (b"celery", b"_kombu.", b"unacked")
        foreign = next((key for key in self.client.scan_iter(count=1000) if not key.startswith(celery_keys)), None)
        if foreign is not None and not ARGS.force:
            out(f"Refusing to flush {ARGS.broker}: it holds keys that are not Celery's, such as {foreign!r}.")
            out("Choose another database number with --broker, or use --force.")
            sys.exit(2)
        self.flush()
        from notifications.tasks import send_notification

        with send_notification.app.producer_or_acquire() as producer:  # connect before the first sweep
            producer.connection.ensure_connection(max_retries=1)

    def flush(self) -> None:
        if self.client is not None:
            self.client.flushdb()

    def waiting(self) -> int | None:
        """Messages in the default queue, or None when nothing is published."""
        return None if self.client is None else self.client.llen("celery")

    def enqueue(self, pks) -> int:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            queued = self.count(pks) if self.count_only else self.real_enqueue(pks)
            self.seconds += time.perf_counter() - start
        self.sql += sum(float(q["time"]) for q in queries.captured_queries)
        return queued

    @staticmethod
    def count(pks) -> int:
        pks = list(pks)
        if pks:
            Notification.objects.filter(pk__in=pks).update(queued_at=timezone.now())
        return len(pks)


# --- seeding -----------------------------------------------------------------------------------


def chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert(model, rows) -> list:
    created = []
    for chunk in chunks(rows):
        created += model.objects.bulk_create(chunk)
        reset_queries()  # DEBUG keeps every query's SQL otherwise
    return created


def plan(due: int, not_due: int) -> list[tuple[int, str, int]]:
    """(booking id, category, index in its category) in the order people booked."""
    past, future, cancelled = not_due // 3, not_due // 2, not_due // 9
    late = not_due - past - future - cancelled
    rest = [DUE] * due + [LATE] * late + [CANCELLED] * cancelled + [FUTURE] * future
    Random(2026).shuffle(rest)
    first_id = (Booking.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    counters = dict.fromkeys([DUE, LATE, CANCELLED, FUTURE, PAST], 0)
    entries = []
    for offset, category in enumerate([PAST] * past + rest):
        entries.append((first_id + offset, category, counters[category]))
        counters[category] += 1
    return entries


@dataclass
class World:
    institution: Organisation
    partnership: Partnership
    courses: list
    sessions: dict
    users: int = 0


def seed_world() -> World:
    institution = Organisation.objects.create(name=INSTITUTION, kind=OrganisationKind.UNIVERSITY)
    force = Organisation.objects.create(name=FORCE, kind=OrganisationKind.POLICE_FORCE)
    # bulk_create: no history row (deleting it at the end writes one, which is removed too).
    [partnership] = Partnership.objects.bulk_create(
        [
            Partnership(
                institution=institution,
                police_force=force,
                title="Reminder sweep benchmark partnership",
                status=PartnershipStatus.ACTIVE,
                start_date=timezone.localdate(NOW) - timedelta(days=700),
                institution_accepted_at=NOW,
                police_accepted_at=NOW,
            )
        ]
    )
    courses = Course.objects.bulk_create(
        [
            Course(provider=force, title=title, duration_minutes=120, refresher_months=months)
            for title, months in [
                ("Responding to disclosures of sexual violence", 12),
                ("County lines awareness", 24),
                ("Hate crime reporting", None),
                ("Spiking: prevention and response", None),
            ]
        ]
    )
    return World(institution, partnership, courses, {})


def seed_sessions(world: World, category: str, bookings: int) -> None:
    count = max(1, -(-bookings // PER_SESSION))
    rows = []
    for k in range(count):
        if category == DUE:  # tomorrow's: the late and cancelled bookings of step 2 share them
            starts, status = NOW + timedelta(hours=1) + k * timedelta(hours=22) / count, SessionStatus.SCHEDULED
        elif category == FUTURE:
            starts, status = NOW + timedelta(days=60) + k * timedelta(days=150) / count, SessionStatus.SCHEDULED
        else:
            starts, status = NOW - timedelta(days=45) - k * timedelta(days=250) / count, SessionStatus.COMPLETED
        rows.append(
            Session(
                course=world.courses[k % len(world.courses)],
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                venue="Students' Union, Room 2",
                capacity=3 * PER_SESSION,
                status=status,
                offered_to=world.partnership,
            )
        )
    world.sessions[category] = insert(Session, rows)


def seed_users(world: World, count: int) -> list[int]:
    password = unusable_password()
    first = world.users
    world.users += count
    rows = [
        User(
            username=f"{PREFIX}-{n:06d}",
            email=f"{PREFIX}-{n:06d}@example.invalid",
            password=password,
            organisation=world.institution,
            role=Role.STAFF,
            first_name="Attendee",
            last_name=f"{n:06d}",
        )
        for n in range(first + 1, first + count + 1)
    ]
    return [user.pk for user in insert(User, rows)]


STATUS = {
    DUE: lambda i: BookingStatus.BOOKED,
    LATE: lambda i: BookingStatus.BOOKED,
    CANCELLED: lambda i: BookingStatus.CANCELLED,
    FUTURE: lambda i: BookingStatus.WAITLISTED if i % 20 == 19 else BookingStatus.BOOKED,
    PAST: lambda i: BookingStatus.NO_SHOW if i % 10 == 9 else BookingStatus.ATTENDED,
}
# When they were booked: created_at and updated_at are set to the time of the insert by
# Django (auto_now_add, auto_now), then moved back by an UPDATE. Late bookings keep theirs.
BOOKED_AGO = {DUE: 14, CANCELLED: 10, FUTURE: 10, PAST: 400}


def session_of(world: World, category: str, index: int) -> Session:
    sessions = world.sessions[DUE if category in (DUE, LATE, CANCELLED) else category]
    return sessions[index % len(sessions)]


def seed_bookings(world: World, entries) -> list[Booking]:
    attendees = seed_users(world, len(entries))
    rows = [
        Booking(pk=pk, session=session_of(world, category, i), attendee_id=attendee, status=STATUS[category](i))
        for (pk, category, i), attendee in zip(entries, attendees, strict=True)
    ]
    bookings = insert(Booking, rows)
    for sql in connection.ops.sequence_reset_sql(no_style(), [Booking]):  # ids were given explicitly
        with connection.cursor() as cursor:
            cursor.execute(sql)
    for category in {category for _, category, _ in entries}:
        if category in BOOKED_AGO:
            ids = [pk for pk, c, _ in entries if c == category]
            for chunk in chunks(ids, 20_000):
                booked = NOW - timedelta(days=BOOKED_AGO[category])
                Booking.objects.filter(pk__in=chunk).update(created_at=booked, updated_at=booked)
    return bookings


def log_row(kind: str, booking: Booking, occasion, title: str) -> Notification:
    return Notification(
        kind=kind,
        object_id=booking.pk,
        recipient_id=booking.attendee_id,
        occasion=occasion,
        title=title,
        url=f"/training/sessions/{booking.session_id}/",
        delivery=Delivery.SENT,
        queued_at=NOW - timedelta(days=1),
        sent_at=NOW - timedelta(days=1),
    )


def seed_log(entries, bookings: list[Booking]) -> int:
    """The rows the log already holds for these bookings: what they were told before ``NOW``."""
    rows = []
    for (_, category, _), booking in zip(entries, bookings, strict=True):
        day = timezone.localdate(booking.session.starts_at)
        booked_on = timezone.localdate(NOW - timedelta(days=BOOKED_AGO.get(category, 0)))
        rows.append(log_row("booking_confirmed", booking, booked_on, "Booking confirmed"))
        if category in (DUE, PAST):  # booked more than 7 days before the session
            rows.append(log_row("session_in_7_days", booking, day, "In a week"))
        if category == PAST:
            rows.append(log_row("session_tomorrow", booking, day, "Tomorrow"))
            if booking.status == BookingStatus.ATTENDED:
                rows.append(log_row("training_feedback_request", booking, day, "How was it? Give feedback"))
    insert(Notification, rows)
    return len(rows)


def vacuum() -> None:
    """What autovacuum would have done by now: visibility maps and planner statistics."""
    with connection.cursor() as cursor:
        for model in (User, Session, Booking, Notification):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed_step(world: World, label: str, entries, sessions: dict[str, int]) -> None:
    """Sessions (``PER_SESSION`` bookings of each category each), then the bookings, users and log."""
    start = time.perf_counter()
    with transaction.atomic():
        for category, bookings in sessions.items():
            seed_sessions(world, category, bookings)
        bookings = seed_bookings(world, entries)
        logged = seed_log(entries, bookings)
    vacuum()
    out(f"Seeded {label}: {len(entries):,} bookings and users, {logged:,} log rows ({elapsed(start)})")


def delete(rows) -> None:
    """DELETE ... WHERE id IN (the query): no objects loaded, no cascades (the FKs still hold)."""
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    table = connection.ops.quote_name(rows.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({sql})", params)  # noqa: S608 (names from the models)


def remove_own_data() -> None:
    """Delete what the benchmark seeded, and only that, children first."""
    orgs = Organisation.objects.filter(name__in=[INSTITUTION, FORCE])
    if not orgs.exists():
        return
    start = time.perf_counter()
    partnerships = list(Partnership.objects.filter(institution__in=orgs).values_list("pk", flat=True))
    with transaction.atomic():
        delete(Notification.objects.filter(recipient__organisation__in=orgs))
        delete(Booking.objects.filter(session__course__provider__in=orgs))
        delete(Session.objects.filter(course__provider__in=orgs))
        delete(Course.objects.filter(provider__in=orgs))
        Partnership.objects.filter(pk__in=partnerships).delete()
        Partnership.history.filter(id__in=partnerships).delete()
        # Anything else that points at these users (it should not) makes the commit fail.
        delete(User.objects.filter(organisation__in=orgs))
        orgs.delete()
    out(f"Deleted the benchmark's data ({elapsed(start)})")


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    sql: float
    queries: int
    tx: int
    publish: float
    recorded: int
    tomorrow: int
    queued: int
    created: int
    in_broker: int | None
    slowest: list
    batches: list


def sweep(broker: Broker) -> Run:
    broker.flush()  # so that the queue holds this sweep's messages only
    before = Notification.objects.count()
    broker.seconds = broker.sql = 0.0
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        report = services.send_due_reminders(NOW)
        wall = time.perf_counter() - start
    captured = queries.captured_queries
    return Run(
        wall=wall,
        sql=sum(float(q["time"]) for q in captured),
        queries=len(captured),
        tx=sum(1 for q in captured if q["sql"].split(" ", 1)[0].upper() in TX),
        publish=broker.seconds - broker.sql,
        recorded=report.total,
        tomorrow=report.recorded.get("session_tomorrow", 0),
        queued=report.queued,
        created=Notification.objects.count() - before,
        in_broker=broker.waiting(),
        slowest=sorted(((float(q["time"]), q["sql"]) for q in captured), reverse=True)[:3],
        # The session_tomorrow source's query, once per batch.
        batches=[
            float(q["time"])
            for q in captured
            if q["sql"].startswith('SELECT "training_booking"') and "'session_tomorrow'" in q["sql"]
        ],
    )


def forget_sweep(broker: Broker) -> None:
    """Undo a sweep: delete the rows it recorded (the seeded log is all sent) and its messages."""
    Notification.objects.filter(recipient__organisation__name=INSTITUTION, delivery=Delivery.PENDING).delete()
    broker.flush()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Notification._meta.db_table)}")


def measure(broker: Broker, label: str, due: int, not_due: int, *, repeat_fresh: bool) -> dict:
    runs = []
    for n in range(ARGS.runs):
        if n and repeat_fresh:
            forget_sweep(broker)
        runs.append(sweep(broker))
    median = sorted(runs, key=lambda r: r.wall)[(len(runs) - 1) // 2]
    out(f"  swept: {label} ({', '.join(f'{r.wall * 1000:.0f}' for r in runs)} ms)")
    return {"label": label, "due": due, "not_due": not_due, "runs": runs, "median": median}


def check(row: dict, expected: int) -> list[str]:
    problems = []
    for run in row["runs"]:
        for name, value in [("recorded", run.recorded), ("queued", run.queued), ("created", run.created)]:
            if value != expected:
                problems.append(f"{row['label']}: {name} {value:,}, expected {expected:,}")
        if run.tomorrow != run.recorded:
            problems.append(f"{row['label']}: reminders of other kinds were recorded: {run.recorded - run.tomorrow}")
        messages = -(-expected // services.CHUNK)  # one send task per chunk of ids
        if run.in_broker is not None and run.in_broker != messages:
            problems.append(f"{row['label']}: {run.in_broker:,} messages in Redis, expected {messages:,}")
    return problems


def table(rows: list[dict]) -> None:
    out()
    out(f"Sweep at now = {timezone.localtime(NOW):%Y-%m-%d %H:%M %Z}, median of {ARGS.runs} run(s) per row")
    header = (
        f"{'scenario':34} {'due':>7} {'not due':>8} {'queries':>8} {'tx':>4} {'wall ms':>8} {'(min-max)':>12} "
        f"{'SQL ms':>7} {'publish ms':>11} {'Python ms':>10} {'recorded':>9} {'queued':>7} {'rows':>7}"
    )
    out(header)
    out("-" * len(header))
    for row in rows:
        m, walls = row["median"], [r.wall * 1000 for r in row["runs"]]
        spread = f"({min(walls):.0f}-{max(walls):.0f})"
        out(
            f"{row['label']:34} {row['due']:>7,} {row['not_due']:>8,} {m.queries:>8} {m.tx:>4} {m.wall * 1000:>8.0f} "
            f"{spread:>12} {m.sql * 1000:>7.0f} {m.publish * 1000:>11.0f} {(m.wall - m.sql - m.publish) * 1000:>10.0f} "
            f"{m.recorded:>9,} {m.queued:>7,} "
            f"{m.created:>7,}"
        )
    out("queries: all that CaptureQueriesContext saw; tx: of them BEGIN and COMMIT (a transaction per batch).")
    out("SQL: the time of the queries; publish: enqueue() less its SQL; Python: the rest. rows: log rows created.")


def main() -> int:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        out(f"Warning: the database is {connection.vendor}, not PostgreSQL; the figures are not comparable.")
    foreign = foreign_data()
    if foreign and not ARGS.force:
        found = ", ".join(f"{count:,} {label}" for label, count in foreign.items())
        out(f"Refusing to run: database {db['NAME']!r} has data this script did not create ({found}).")
        out("Use a scratch database (see the top of benchmarks/reminder_sweep.py), or --force.")
        return 2
    broker = Broker(ARGS.count_only)
    broker.connect()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0] if connection.vendor == "postgresql" else "?"
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    out(f"Database: {db['NAME']} on {db.get('HOST') or 'localhost'} (PostgreSQL {version})")
    out(f"Machine: {os.cpu_count()} CPUs, load average {load} at the start")
    out(f"Broker: {broker.describe()}")
    if foreign:
        out(f"--force: the database also holds data of others: {foreign}")
    remove_own_data()  # what an interrupted or --keep run left

    expected = min(ARGS.due, SWEEP_LIMIT)
    entries = plan(ARGS.due, ARGS.not_due)
    rows = [measure(broker, "before seeding (warm-up)", 0, 0, repeat_fresh=False)]
    try:
        world = seed_world()
        seed_step(world, "step 1, due", [e for e in entries if e[1] == DUE], {DUE: ARGS.due})
        rows.append(measure(broker, f"{ARGS.due:,} due + 0 not due", ARGS.due, 0, repeat_fresh=True))
        forget_sweep(broker)
        not_due = [e for e in entries if e[1] != DUE]
        counts = {category: sum(1 for e in not_due if e[1] == category) for category in (FUTURE, PAST)}
        seed_step(world, "step 2, not due", not_due, {c: n for c, n in counts.items() if n})
        rows.append(
            measure(broker, f"{ARGS.due:,} due + {ARGS.not_due:,} not due", ARGS.due, ARGS.not_due, repeat_fresh=True)
        )
        rows.append(measure(broker, "second sweep (nothing due)", ARGS.due, ARGS.not_due, repeat_fresh=False))
    finally:
        broker.flush()
        if not ARGS.keep:
            remove_own_data()

    table(rows)
    alone, among = rows[1]["median"], rows[2]["median"]
    out()
    same = "the same" if alone.queries == among.queries else "DIFFERENT"
    out(
        f"Queries with {ARGS.not_due:,} bookings not due: {among.queries} vs {alone.queries} without ({same}; "
        f"{among.queries - among.tx} statements and {among.tx} BEGIN/COMMIT); "
        f"wall time {among.wall / alone.wall:.2f}x."
    )
    out(
        f"Publishing {among.queued:,} tasks: {among.publish * 1000:.0f} ms "
        f"({among.publish / max(among.queued, 1) * 1e6:.0f} us each), "
        f"{among.publish / among.wall:.0%} of the sweep."
    )
    for row in rows[1:]:
        batches = ", ".join(f"{seconds * 1000:.0f}" for seconds in row["median"].batches)
        out(f"session_tomorrow query per batch of {services.BATCH_SIZE:,}, {row['label']}: {batches} ms")
    for row in rows[2:]:
        out(f"Slowest queries, {row['label']}:")
        for seconds, sql in row["median"].slowest:
            out(f"  {seconds * 1000:6.1f} ms  {sql[:110]}")
    if not broker.count_only:
        out(f"Messages found in Redis after each sweep: {[r.in_broker for row in rows for r in row['runs']]}")

    problems = check(rows[0], 0) + check(rows[1], expected) + check(rows[2], expected) + check(rows[3], 0)
    for problem in problems:
        out(f"UNEXPECTED: {problem}")
    if problems and foreign:
        out("(The database holds data of others, so other reminders may have been due too.)")
        return 0
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
