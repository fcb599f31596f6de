"""Time the main pages on a national-scale data set beside Django admin, and a worker's memory.

    createdb -h 127.0.0.1 -U postgres portal_scale
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_scale
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=false SECRET_KEY=scale-benchmark-only HTTPS=false ALLOWED_HOSTS=testserver,localhost \\
        .venv/bin/python benchmarks/scale.py [--requests 30] [--warmup 3] [--skip-worker] [--keep]
    dropdb -h 127.0.0.1 -U postgres portal_scale

``--largest N`` gives the largest institution N people instead of 2,000 (the other
institutions keep their 18,000); ``--seed-only`` seeds the data set, leaves it in the database
and stops (benchmarks/bench.py uses it, with ``--largest 20000``).

The script sets DEBUG=false, HTTPS=false, ALLOWED_HOSTS=testserver,localhost and a SECRET_KEY
itself when they are not given, and always uses ``benchmarks.scale_settings`` (the portal's
settings with static files served without the collectstatic manifest, as in the tests).

The data set (``bulk_create`` in chunks of 5,000; one password hash computed once):

- 500 institutions (400 universities, 100 colleges), 45 police forces and the portal team's
  organisation, a unit and a sponsor contact each, and a contact for every liaison officer;
- 20,000 users: 5 administrators (superusers), 4 police liaison officers per force, 4
  university liaison officers and 1,996 staff at the largest institution ("University 001",
  in partnership with all 45 forces), 2 liaison officers and 33 or 34 staff at the others;
- 10,000 partnerships on distinct institution and force pairs (a tenth ended), with their
  creation in the history;
- 5,000 agreements on distinct partnerships: 2,850 in force, 500 ended, 600 drafts, 450 in
  review, 200 each with changes requested, approved and signed by one side; each with the 47
  clauses of the default template, and (past drafting) its submitted version or two with the
  assembled text, approvals, signatures, audit trail and the commitments of those in force;
- 13,080 engagements, 9,540 actions and 9,720 information shares (with history rows): 24, 12
  and 16 for 40 of the largest institution's partnerships, 4, 3 and 3 for 3,000 others;
- 225 courses (5 per force), about 5,000 sessions from two years ago to six months ahead,
  100,000 bookings by the institutions' people (booked 8 to 60 days before the session),
  feedback on a third of the attended ones, and 3 to 6 training needs per institution.

Pages (Django's test ``Client``, in process, ``force_login``): the dashboard (as a university
liaison officer of the largest institution, and as an administrator), the partnerships list,
a partnership's page, an agreement's page, the training session list and the compliance
matrix; list pages also as the administrator. Each is paired with a Django admin change list
viewed by a superuser: Partnership for the partnership pages, Agreement for the agreement
page, Session for the session list, User for the dashboards and the compliance matrix. The
two are requested alternately (``--warmup`` times each, then ``--requests`` times each) so
that the load of the machine falls on both alike;
the wall time is ``time.perf_counter()`` around ``client.get``. One more request of each, under
``CaptureQueriesContext``, counts the queries and their time; the same page for a smaller
subject (a liaison officer of a smaller institution, a quiet partnership, a draft agreement)
is timed and counted too, to show whether the number of queries depends on the data.
Administrators must use a second factor (accounts/two_factor.py): their client gets a
confirmed TOTP device and a session marked as verified by it, as django-otp's login does.

When the server has JIT compilation on (PostgreSQL's default), every pair is measured again
with ``SET jit = off`` on the connection. For each page slower than its admin change list the
script prints EXPLAIN ANALYZE of its slowest query (with JIT as configured, and off;
``--explain`` does it for every page) and a cProfile of one request.

Worker: ``celery -A portal worker --concurrency=1 --pool=prefork`` with Redis database 14 as
the broker (``--broker``; flushed before and after), then ``notifications.tasks.sweep`` (the
first sweep on this data: every reminder that is due is recorded, and up to 20,000 of them
are queued and emailed, to files in a temporary folder) and then
``agreements.tasks.render_signed_pdf`` for one agreement in force (the others were given a
signed PDF's name when seeded, as if rendered long ago). The resident memory of the worker's
processes is sampled every 0.1 s, per phase (idle, the sweep task, its email tasks, the
PDF); the peaks and the kernel's high-water mark (VmHWM) are printed, with each task's run
time from the worker's log.

Safety: the script refuses to run (exit 2) when DATABASE_URL is not set, when the database
has organisations, users, partnerships, agreements, courses, sessions, bookings or
notifications that it did not create, or when the Redis database has keys that are not
Celery's, unless ``--force`` is given. It deletes what it seeded when it finishes (unless
``--keep``) and what an earlier run left behind before it starts.
"""

import argparse
import cProfile
import math
import os
import pstats
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random

DEFAULT_BROKER = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Read the top of benchmarks/scale.py for the set-up and what is measured.",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument(
        "--broker",
        default=DEFAULT_BROKER,
        help=f"Redis URL for the worker; that database is flushed before and after (default {DEFAULT_BROKER})",
    )
    parser.add_argument("--skip-worker", action="store_true", help="do not start a worker (no Redis needed)")
    parser.add_argument(
        "--worker-timeout", type=int, default=1200, help="seconds to wait for the worker's tasks (default 1200)"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of every page")
    parser.add_argument("--keep", action="store_true", help="leave the seeded data in the database")
    parser.add_argument("--force", action="store_true", help="run even on a database or Redis database with data")
    parser.add_argument(
        "--largest",
        type=int,
        default=2_000,
        help="people at the largest institution (default 2,000; the other institutions keep 18,000 in all)",
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed the data set, leave it in the database and stop (for benchmarks/bench.py)",
    )
    args = parser.parse_args()
    if args.requests < 2 or args.warmup < 0:
        parser.error("--requests must be at least 2, --warmup at least 0")
    if args.largest < 100:
        parser.error("--largest must be at least 100")
    if not args.broker.startswith(("redis://", "rediss://")):
        parser.error("--broker must be a redis:// URL")
    return args


ARGS = parse_args()
if not os.environ.get("DATABASE_URL", "").strip():
    print("Set DATABASE_URL to a scratch PostgreSQL database: see the top of benchmarks/scale.py.")
    sys.exit(2)
sys.path.insert(0, str(ROOT))
VAR_DIR = tempfile.mkdtemp(prefix="portal-scale-")  # emails and PDFs of this run, never var/
ENV = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.scale_settings",
    "CELERY_BROKER_URL": ARGS.broker,  # never the broker of the environment
    "VAR_DIR": VAR_DIR,
    "MEDIA_ROOT": str(Path(VAR_DIR) / "media"),
}
os.environ.update(ENV)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("SECRET_KEY", "scale-benchmark-" + secrets.token_urlsafe(40))

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

import psutil  # noqa: E402
from dateutil.relativedelta import relativedelta  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from agreements import text as agreement_text  # noqa: E402
from agreements.models import (  # noqa: E402
    A,
    Agreement,
    AgreementClause,
    AgreementEvent,
    AgreementTemplate,
    AgreementVersion,
    Approval,
    DraftPdf,
    ProposedWording,
    ReviewComment,
    ReviewThread,
    Side,
    Signature,
    SignedWith,
    clause_text,
)
from core import tally  # noqa: E402
from core.models import Tally  # noqa: E402
from notifications.models import Muted, Notification  # noqa: E402
from partnerships.models import (  # noqa: E402
    Action,
    ActionStatus,
    Commitment,
    CommitmentKind,
    Contact,
    Direction,
    Engagement,
    EngagementKind,
    FocusArea,
    InformationShare,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Outcome,
    Partnership,
    PartnershipStatus,
    Region,
    ShareCategory,
    ShareView,
    Unit,
    retention_end,
)
from partnerships.stored_health import check_all as store_health  # noqa: E402
from training.models import (  # noqa: E402
    Booking,
    BookingStatus,
    CalendarFeed,
    Course,
    Feedback,
    Session,
    SessionStatus,
    TrainingNeed,
)

ORG = "Scale benchmark "  # every organisation the script creates starts with this
USERNAME = "scale-bench-"
CHUNK = 5000
logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise
NOW = timezone.now()
TODAY = timezone.localdate(NOW)
RNG = Random(2026)

BIG_SIZE = ARGS.largest  # people at the largest institution
INSTITUTIONS, FORCES, PARTNERSHIPS, AGREEMENTS, BOOKINGS, USERS = 500, 45, 10_000, 5_000, 100_000, 18_000 + BIG_SIZE
ADMINISTRATORS, POLICE_LIAISONS, BIG_LIAISONS, OTHER_LIAISONS = 5, 4, 4, 2
BUSY, QUIET = 40, 5  # of the largest institution's 45 partnerships: with much activity, with none
SOME = 3_000  # other partnerships with a little activity
ACTIVITY = {"busy": (24, 12, 16), "some": (4, 3, 3)}  # engagements, actions, shares each
AGREEMENT_MIX = {
    A.IN_FORCE: 2_850,
    A.DRAFT: 600,
    A.IN_REVIEW: 450,
    A.CHANGES_REQUESTED: 200,
    A.APPROVED: 200,
    A.PARTLY_SIGNED: 200,
    A.ENDED: 500,
}
# The workflow each status went through (with one round of changes for some in force).
HISTORY = {
    A.DRAFT: [A.DRAFT],
    A.IN_REVIEW: [A.DRAFT, A.IN_REVIEW],
    A.CHANGES_REQUESTED: [A.DRAFT, A.IN_REVIEW, A.CHANGES_REQUESTED],
    A.APPROVED: [A.DRAFT, A.IN_REVIEW, A.APPROVED],
    A.PARTLY_SIGNED: [A.DRAFT, A.IN_REVIEW, A.APPROVED, A.PARTLY_SIGNED],
    A.IN_FORCE: [A.DRAFT, A.IN_REVIEW, A.APPROVED, A.PARTLY_SIGNED, A.IN_FORCE],
    A.ENDED: [A.DRAFT, A.IN_REVIEW, A.APPROVED, A.PARTLY_SIGNED, A.IN_FORCE, A.ENDED],
}
REVISED = [A.DRAFT, A.IN_REVIEW, A.CHANGES_REQUESTED, A.DRAFT, A.IN_REVIEW, A.APPROVED, A.PARTLY_SIGNED, A.IN_FORCE]
FIELDS = {
    "meeting_months": 3,
    "statistics_months": 6,
    "training_months": 12,
    "term_months": 36,
    "review_months": 12,
    "notice_months": 3,
}
COURSES = [
    ("Responding to disclosures of sexual violence", 12),
    ("County lines awareness", 24),
    ("Hate crime reporting", None),
    ("Spiking: prevention and response", 12),
    ("First response to a missing student", None),
]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ellen", "Farid", "Grace", "Hugo", "Isla", "Jonah", "Kira", "Liam"]
LAST = ["Shah", "Okafor", "Hughes", "Marsh", "Patel", "Nowak", "Evans", "Byrne", "Kaur", "Reid", "Walsh", "Young"]
TX = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def out(text=""):
    print(text, flush=True)


def elapsed(start):
    return f"{time.perf_counter() - start:.1f} s"


def chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert(model, rows, history=False) -> list:
    start, created = time.perf_counter(), []
    for chunk in chunks(rows):
        if history:
            created += bulk_create_with_history(chunk, model, batch_size=CHUNK)
        else:
            created += model.objects.bulk_create(chunk)
        reset_queries()  # in case DEBUG is on: it keeps every query's SQL otherwise
    if time.perf_counter() - start > 5:
        out(f"    {len(rows):,} {model._meta.verbose_name_plural}: {elapsed(start)}")
    return created


def local(day, hour=10) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def weighted(choices: dict):
    return RNG.choices(list(choices), weights=list(choices.values()))[0]


def quote(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- safety ------------------------------------------------------------------------------------


def ours():
    return Organisation.objects.filter(name__startswith=ORG)


def foreign_data() -> dict[str, int]:
    """Rows of the tables the benchmark uses that it did not create."""
    mine = ours()
    others = {
        "organisations": Organisation.objects.exclude(name__startswith=ORG),
        "users": User.objects.exclude(organisation__in=mine),
        "partnerships": Partnership.objects.exclude(institution__in=mine),
        "agreements": Agreement.objects.exclude(partnership__institution__in=mine),
        "courses": Course.objects.exclude(provider__in=mine),
        "sessions": Session.objects.exclude(course__provider__in=mine),
        "bookings": Booking.objects.exclude(session__course__provider__in=mine),
        "notifications": Notification.objects.exclude(recipient__organisation__in=mine).exclude(recipient=None),
    }
    return {label: rows.count() for label, rows in others.items() if rows.exists()}


def check_redis():
    import redis

    client = redis.Redis.from_url(ARGS.broker)
    try:
        client.ping()
    except redis.RedisError as error:
        sys.exit(f"Cannot reach Redis at {ARGS.broker} ({error}); start it or use --skip-worker.")
    celery_keys = (b"celery", b"_kombu.", b"unacked", b"_celery")
    foreign = next((key for key in client.scan_iter(count=1000) if not key.startswith(celery_keys)), None)
    if foreign is not None and not ARGS.force:
        out(f"Refusing to flush {ARGS.broker}: it holds keys that are not Celery's, such as {foreign!r}.")
        out("Choose another database number with --broker, or use --force.")
        sys.exit(2)
    client.flushdb()
    return client


def delete(rows) -> int:
    """DELETE ... WHERE id IN (the query): no objects loaded, no cascades (the FKs still hold)."""
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    pk = connection.ops.quote_name(rows.model._meta.pk.column)  # history rows: history_id
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(rows.model)} WHERE {pk} IN ({sql})", params)  # noqa: S608 (model names)
        return cursor.rowcount


def remove_own_data(alone: bool) -> None:
    """Delete what the benchmark seeded, and only that (``alone``: nothing else is in the database)."""
    orgs = ours()
    if not orgs.exists():
        return
    start = time.perf_counter()
    ps = Partnership.objects.filter(institution__in=orgs)
    agreements = Agreement.objects.filter(partnership__in=ps)
    users = User.objects.filter(organisation__in=orgs)
    with transaction.atomic():
        delete(Notification.objects.filter(recipient__in=users))
        if alone:  # "nobody to tell" markers of the sweep: ours when the database holds nothing else
            delete(Notification.objects.filter(recipient=None))
        delete(Muted.objects.filter(user__in=users))
        delete(ShareView.objects.filter(share__partnership__in=ps))
        for model in (InformationShare, Action, Engagement):
            delete(model.history.filter(partnership_id__in=ps.values("pk")))
        delete(InformationShare.objects.filter(partnership__in=ps))
        delete(Action.objects.filter(partnership__in=ps))
        delete(Engagement.attendees.through.objects.filter(engagement__partnership__in=ps))
        delete(Engagement.objects.filter(partnership__in=ps))
        delete(Commitment.objects.filter(partnership__in=ps))
        delete(Signature.objects.filter(agreement__in=agreements))
        delete(Approval.acknowledged_threads.through.objects.filter(approval__version__agreement__in=agreements))
        delete(Approval.objects.filter(version__agreement__in=agreements))
        delete(ReviewComment.objects.filter(version__agreement__in=agreements))
        delete(ProposedWording.objects.filter(thread__agreement__in=agreements))
        delete(ReviewThread.objects.filter(agreement__in=agreements))
        delete(AgreementEvent.objects.filter(agreement__in=agreements))
        delete(DraftPdf.objects.filter(agreement__in=agreements))
        delete(AgreementVersion.objects.filter(agreement__in=agreements))
        delete(AgreementClause.objects.filter(agreement__in=agreements))
        delete(agreements)
        delete(Feedback.objects.filter(booking__session__course__provider__in=orgs))
        delete(Booking.objects.filter(session__course__provider__in=orgs))
        delete(Session.objects.filter(course__provider__in=orgs))
        delete(TrainingNeed.objects.filter(institution__in=orgs))
        delete(Course.objects.filter(provider__in=orgs))
        delete(CalendarFeed.objects.filter(user__in=users))
        if "django_otp" in settings.INSTALLED_APPS:
            from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
            from django_otp.plugins.otp_totp.models import TOTPDevice

            delete(StaticToken.objects.filter(device__user__in=users))
            delete(StaticDevice.objects.filter(user__in=users))
            delete(TOTPDevice.objects.filter(user__in=users))
        delete(Partnership.other_agencies.through.objects.filter(partnership__in=ps))
        delete(Partnership.history.filter(id__in=ps.values("pk")))
        delete(ps)
        delete(Contact.objects.filter(organisation__in=orgs))
        delete(Unit.objects.filter(organisation__in=orgs))
        delete(users)
        delete(orgs)
    out(f"Deleted the benchmark's data ({elapsed(start)})")


# --- seeding -----------------------------------------------------------------------------------


@dataclass
class World:
    forces: list = field(default_factory=list)
    institutions: list = field(default_factory=list)
    team: Organisation | None = None
    members: dict = field(default_factory=lambda: defaultdict(list))  # org id -> active institution people
    liaisons: dict = field(default_factory=lambda: defaultdict(list))  # org id -> liaison officers
    administrators: list = field(default_factory=list)
    contacts: dict = field(default_factory=dict)  # org id -> (sponsor, [liaison contacts])
    partnerships: list = field(default_factory=list)
    big: list = field(default_factory=list)  # the largest institution's partnerships, force order
    agreements: dict = field(default_factory=dict)  # partnership id -> agreement
    courses: dict = field(default_factory=lambda: defaultdict(list))  # force id -> courses
    last_meeting: dict = field(default_factory=dict)  # partnership id -> date
    units: dict = field(default_factory=dict)  # organisation id -> unit
    agreement_plan: dict = field(default_factory=dict)  # id(partnership) -> (status, effective date)
    counts: Counter = field(default_factory=Counter)
    timings: list = field(default_factory=list)
    seconds: float = 0.0


def step(world: World, label: str):
    """Time one seeding step (a context manager)."""

    class Step:
        def __enter__(self):
            self.start = time.perf_counter()

        def __exit__(self, *exc):
            if exc[0] is None:
                seconds = time.perf_counter() - self.start
                world.timings.append((label, seconds))
                out(f"  {label}: {seconds:.1f} s")

    return Step()


def seed_organisations(world: World) -> None:
    regions = list(Region.values)
    forces = [
        Organisation(name=f"{ORG}Police {n:02d}", kind=OrganisationKind.POLICE_FORCE, region=regions[n % len(regions)])
        for n in range(1, FORCES + 1)
    ]
    institutions = [
        Organisation(
            name=f"{ORG}{'College' if n % 5 == 0 else 'University'} {n:03d}",
            kind=OrganisationKind.COLLEGE if n % 5 == 0 else OrganisationKind.UNIVERSITY,
            region=regions[n % len(regions)],
        )
        for n in range(1, INSTITUTIONS + 1)
    ]
    team = Organisation(name=f"{ORG}Portal Team", kind=OrganisationKind.OTHER)
    created = insert(Organisation, [*forces, *institutions, team])
    world.forces, world.institutions, world.team = created[:FORCES], created[FORCES:-1], created[-1]
    units = [
        Unit(organisation=org, name="Public Protection Unit" if org.is_police_force else "Student Services")
        for org in created
    ]
    insert(Unit, units)
    world.units = {unit.organisation_id: unit for unit in units}
    world.counts.update(organisations=len(created), units=len(units))


def seed_users(world: World) -> None:
    password = make_password(secrets.token_urlsafe(24))  # one hash for every benchmark user
    plan = [(world.team, Role.ADMINISTRATOR, ADMINISTRATORS)]
    plan += [(force, Role.POLICE_LIAISON, POLICE_LIAISONS) for force in world.forces]
    big, others = world.institutions[0], world.institutions[1:]
    plan += [(big, Role.UNIVERSITY_LIAISON, BIG_LIAISONS), (big, Role.STAFF, BIG_SIZE - BIG_LIAISONS)]
    remaining = USERS - sum(n for _, _, n in plan) - OTHER_LIAISONS * len(others)
    for k, org in enumerate(others):
        staff = remaining // len(others) + (1 if k < remaining % len(others) else 0)
        plan += [(org, Role.UNIVERSITY_LIAISON, OTHER_LIAISONS), (org, Role.STAFF, staff)]
    rows, n = [], 0
    for org, role, count in plan:
        for _ in range(count):
            n += 1
            administrator = role == Role.ADMINISTRATOR
            rows.append(
                User(
                    username=f"{USERNAME}{n:05d}",
                    email=f"{USERNAME}{n:05d}@example.invalid",
                    password=password,
                    first_name=FIRST[n % len(FIRST)],
                    last_name=f"{LAST[n // len(FIRST) % len(LAST)]}-{n:05d}",
                    organisation=org,
                    role=role,
                    job_title="Head of Student Safety" if role == Role.UNIVERSITY_LIAISON else "",
                    # 2% of staff have left: inactive accounts.
                    is_active=not (role == Role.STAFF and n % 50 == 0),
                    is_staff=administrator,
                    is_superuser=administrator,
                )
            )
    users = insert(User, rows)
    for user in users:
        if user.role == Role.ADMINISTRATOR:
            world.administrators.append(user)
        elif user.is_liaison_officer:
            world.liaisons[user.organisation_id].append(user)
        if user.role in (Role.STAFF, Role.UNIVERSITY_LIAISON) and user.is_active:
            world.members[user.organisation_id].append(user.pk)
    world.counts.update(users=len(users))
    # The people who act for each organisation: a sponsor, and every liaison officer.
    contacts, by_org = [], {}
    for org in [*world.forces, *world.institutions]:
        sponsor = Contact(organisation=org, name=f"Sponsor of {org.name}", job_title="Pro-Vice-Chancellor")
        people = [
            Contact(organisation=org, user=u, name=u.get_full_name(), job_title="Liaison officer", email=u.email)
            for u in world.liaisons[org.pk]
        ]
        by_org[org.pk] = (sponsor, people)
        contacts += [sponsor, *people]
    insert(Contact, contacts)
    world.contacts = by_org
    world.counts.update(contacts=len(contacts))


def seed_partnerships(world: World) -> None:
    big = world.institutions[0]
    pairs = [(0, f) for f in range(FORCES)]
    others = [(i, f) for i in range(1, INSTITUTIONS) for f in range(FORCES)]
    pairs += sorted(RNG.sample(others, PARTNERSHIPS - FORCES))
    mix = {
        PartnershipStatus.ACTIVE: 60,
        PartnershipStatus.UNDER_REVIEW: 8,
        PartnershipStatus.PAUSED: 5,
        PartnershipStatus.EXPLORING: 10,
        PartnershipStatus.PROPOSED: 7,
        PartnershipStatus.ENDED: 10,
    }
    quiet = [PartnershipStatus.ACTIVE, PartnershipStatus.EXPLORING, PartnershipStatus.PROPOSED]
    rows = []
    for i, f in pairs:
        institution, force = world.institutions[i], world.forces[f]
        status = weighted(mix)
        if i == 0:  # the largest institution: 40 active and busy, 5 quiet
            status = PartnershipStatus.ACTIVE if f < BUSY else quiet[(f - BUSY) % len(quiet)]
        start = end = None
        if status not in (PartnershipStatus.PROPOSED, PartnershipStatus.EXPLORING):
            start = TODAY - timedelta(days=RNG.randint(400 if i == 0 else 60, 2200))
        if status == PartnershipStatus.ENDED:
            end = min(start + timedelta(days=RNG.randint(200, 1500)), TODAY - timedelta(days=1))
        i_sponsor, i_people = world.contacts[institution.pk]
        p_sponsor, p_people = world.contacts[force.pk]
        rows.append(
            Partnership(
                institution=institution,
                police_force=force,
                title=f"{institution.name} and {force.name}: safer campus partnership",
                status=status,
                focus_areas=RNG.sample(list(FocusArea.values[:-1]), RNG.randint(1, 3)),
                aims="Prevent and respond to sexual violence, harassment and hate crime on and around campus.",
                institution_sponsor=i_sponsor,
                institution_contact=i_people[0],
                police_sponsor=p_sponsor,
                police_contact=p_people[f % len(p_people)] if p_people else None,
                start_date=start,
                end_date=end,
                next_review_date=None if end else TODAY + timedelta(days=RNG.randint(-60, 365)),
                institution_accepted_at=timezone.now(),
                police_accepted_at=timezone.now(),
            )
        )
    plan_agreements(world, rows)
    world.partnerships = insert(Partnership, rows, history=True)
    world.big = [p for p in world.partnerships if p.institution_id == big.pk]
    world.counts.update(partnerships=len(world.partnerships))


def plan_agreements(world: World, partnerships: list) -> None:
    """Which partnership gets which agreement (decided before they are inserted, for agreement_in_force_since)."""
    big = partnerships[:FORCES]
    established = [PartnershipStatus.ACTIVE, PartnershipStatus.UNDER_REVIEW, PartnershipStatus.PAUSED]
    mix = Counter(AGREEMENT_MIX)
    plan = {}
    # The largest institution: 25 in force and one of each status in progress.
    for k, status in enumerate([A.IN_FORCE] * 25 + [A.DRAFT, A.IN_REVIEW, A.CHANGES_REQUESTED, A.APPROVED]):
        plan[id(big[k])] = status
        mix[status] -= 1
    plan[id(big[BUSY + 1])] = A.DRAFT  # a quiet one (exploring) with a draft: the small agreement page
    mix[A.DRAFT] -= 1
    plan[id(big[29])] = A.PARTLY_SIGNED
    mix[A.PARTLY_SIGNED] -= 1
    rest = partnerships[FORCES:]
    ended = [p for p in rest if p.status == PartnershipStatus.ENDED]
    settled = [p for p in rest if p.status in established]
    RNG.shuffle(ended)
    RNG.shuffle(settled)
    for p in ended[: mix.pop(A.ENDED)]:
        plan[id(p)] = A.ENDED
    for p in settled[: mix.pop(A.IN_FORCE)]:
        plan[id(p)] = A.IN_FORCE
    live = [p for p in rest if p.status != PartnershipStatus.ENDED and id(p) not in plan]
    RNG.shuffle(live)
    pending = [status for status, n in mix.items() for _ in range(n)]
    for p, status in zip(live, pending, strict=False):
        plan[id(p)] = status
    world.agreement_plan = {}
    for p in partnerships:
        status = plan.get(id(p))
        if status is None:
            continue
        if status in (A.IN_FORCE, A.ENDED):
            if status == A.IN_FORCE:
                effective = TODAY - timedelta(days=RNG.randint(0, 34 * 30))
            else:
                effective = p.start_date + timedelta(days=RNG.randint(0, 60))
            p.start_date = min(p.start_date, effective)
            if status == A.IN_FORCE:
                p.agreement_in_force_since = effective
        else:
            effective = TODAY + timedelta(days=RNG.randint(10, 120))
        world.agreement_plan[id(p)] = (status, effective)


def assembled(agreement, clauses) -> dict:
    """``agreements.text.assemble`` from clauses in memory (no query)."""
    values = agreement_text.placeholder_values(agreement)
    rows, numbers = [], {}
    for clause in clauses:
        if not clause.included:
            continue
        numbers[clause.section] = numbers.get(clause.section, 0) + 1
        rows.append(
            {
                "key": clause.key,
                "section": clause.section,
                "section_title": clause.section_title,
                "number": f"{clause.section}.{numbers[clause.section]}",
                "heading": clause.heading,
                "text": agreement_text.fill(clause.body, values),
            }
        )
    return {
        "title": agreement.title,
        "institution": values["institution"],
        "police_force": values["police_force"],
        "clauses": rows,
    }


def seed_agreements(world: World) -> None:
    template = AgreementTemplate.objects.filter(is_current=True).order_by("pk").first()
    if template is None:
        sys.exit("No current agreement template: run `manage.py migrate` first (agreements 0002 creates it).")
    template_clauses = list(template.clauses.all())
    by_id = {id(p): p for p in world.partnerships}
    agreements = []
    for key, (status, effective) in world.agreement_plan.items():
        p = by_id[key]
        i_people, p_people = world.liaisons[p.institution_id], world.liaisons[p.police_force_id]
        signed = status in (A.IN_FORCE, A.ENDED)
        agreement = Agreement(
            partnership=p,
            template=template,
            title=f"Memorandum of understanding: {p.title}",
            status=status,
            area_covered="The campus, its halls of residence and the streets around them",
            effective_date=effective,
            institution_signatory=p.institution_sponsor,
            police_signatory=p.police_sponsor,
            signed_at=local(effective - timedelta(days=3)) if signed else None,
            created_by=i_people[0],
            **FIELDS,
        )
        if signed:
            agreement.expires_on = effective + relativedelta(months=FIELDS["term_months"]) - timedelta(days=1)
            # Rendered long ago in real use: without a file here the sweep would render thousands.
            agreement.signed_pdf = f"agreements/signed/seeded-{len(agreements)}.pdf"
            agreement.signed_pdf_sha256 = "0" * 64
        agreement._people = (i_people[0], p_people[0])
        agreements.append(agreement)
    insert(Agreement, agreements)
    clauses, versions, events, approvals, signatures, commitments = [], [], [], [], [], []
    for agreement in agreements:
        status, (by_institution, by_police) = agreement.status, agreement._people
        signed = status in (A.IN_FORCE, A.ENDED)
        own = [
            AgreementClause(
                agreement=agreement,
                template_clause=clause,
                included=clause.required or (signed and clause.order % 2 == 0),
                **clause_text(clause),
            )
            for clause in template_clauses
        ]
        clauses += own
        revised = status == A.IN_FORCE and agreement.pk % 5 == 0
        steps = REVISED if revised else HISTORY[status]
        for before, after in zip(["", *steps], steps, strict=False):
            by = by_police if after in (A.CHANGES_REQUESTED, A.APPROVED, A.IN_FORCE) else by_institution
            events.append(AgreementEvent(agreement=agreement, from_status=before, to_status=after, by=by))
        submitted = steps.count(A.IN_REVIEW)
        if submitted:
            text = assembled(agreement, own)
            sha = agreement_text.text_hash(text)
            for number in range(1, submitted + 1):
                versions.append(
                    AgreementVersion(
                        agreement=agreement, number=number, text=text, sha256=sha, created_by=by_institution
                    )
                )
            agreement._latest = versions[-1]
        if status == A.IN_FORCE:
            for kind, months in [
                (CommitmentKind.MEETINGS, FIELDS["meeting_months"]),
                (CommitmentKind.STATISTICS, FIELDS["statistics_months"]),
                (CommitmentKind.TRAINING, FIELDS["training_months"]),
                (CommitmentKind.REVIEW, FIELDS["review_months"]),
            ]:
                met = world.last_meeting.get(agreement.partnership_id) if kind == CommitmentKind.MEETINGS else None
                met = met if met and met >= agreement.effective_date else None
                commitment = Commitment(
                    partnership_id=agreement.partnership_id,
                    kind=kind,
                    every_months=months,
                    since=agreement.effective_date,
                    source=agreement.title,
                    source_url=agreement.get_absolute_url(),
                    last_met_on=met,
                )
                commitment.set_due_date()
                commitments.append(commitment)
    insert(AgreementClause, clauses)
    insert(AgreementVersion, versions)
    insert(AgreementEvent, events)
    insert(Commitment, commitments)
    for agreement in agreements:
        latest = getattr(agreement, "_latest", None)
        if latest is None:
            continue
        by_institution, by_police = agreement._people
        status = agreement.status
        approvals.append(Approval(version=latest, side=Side.INSTITUTION, approved_by=by_institution))
        if status != A.IN_REVIEW and status != A.CHANGES_REQUESTED:
            approvals.append(Approval(version=latest, side=Side.POLICE, approved_by=by_police))
        signers = {A.PARTLY_SIGNED: [Side.POLICE], A.IN_FORCE: list(Side), A.ENDED: list(Side)}.get(status, [])
        for side in signers:
            person = by_police if side == Side.POLICE else by_institution
            signatures.append(
                Signature(
                    agreement=agreement,
                    version=latest,
                    side=side,
                    signer=person,
                    full_name=person.get_full_name() or person.username,
                    position="Liaison officer",
                    organisation_name=person.organisation.name,
                    institution_name=latest.text["institution"],
                    police_force_name=latest.text["police_force"],
                    authentication=SignedWith.PASSWORD_AND_APP if side == Side.POLICE else SignedWith.PASSWORD,
                    text_sha256=latest.sha256,
                )
            )
    insert(Approval, approvals)
    insert(Signature, signatures)
    world.agreements = {a.partnership_id: a for a in agreements}
    world.counts.update(
        agreements=len(agreements),
        agreement_clauses=len(clauses),
        agreement_versions=len(versions),
        agreement_events=len(events),
        approvals=len(approvals),
        signatures=len(signatures),
        commitments=len(commitments),
    )


def seed_activity(world: World) -> None:
    """Engagements, actions and shares (with their history rows) for the busy and some other partnerships."""
    busy = [(p, "busy") for p in world.big[:BUSY]]
    live = [p for p in world.partnerships[FORCES:] if p.status != PartnershipStatus.ENDED]
    some = [(p, "some") for p in RNG.sample(live, SOME)]
    engagements, actions, shares = [], [], []
    for p, level in busy + some:
        n_engagements, n_actions, n_shares = ACTIVITY[level]
        i_people, p_people = world.liaisons[p.institution_id], world.liaisons[p.police_force_id]
        owners = [c for org in (p.institution_id, p.police_force_id) for c in world.contacts[org][1]]
        for k in range(n_engagements):
            day = TODAY - timedelta(days=RNG.randint(0, 730 if level == "busy" else 540))
            kind = EngagementKind.STRATEGIC_MEETING if k % 3 == 0 else RNG.choice(list(EngagementKind.values))
            engagements.append(
                Engagement(
                    partnership=p,
                    kind=kind,
                    title=f"{EngagementKind(kind).label} {k + 1}",
                    date=day,
                    location="Students' Union, Room 2",
                    notes="Reviewed the term's incidents and the training plan.",
                    created_by=i_people[0],
                )
            )
            if kind == EngagementKind.STRATEGIC_MEETING and day > world.last_meeting.get(p.pk, day.min):
                world.last_meeting[p.pk] = day
        for _ in range(n_actions):
            due = TODAY + timedelta(days=RNG.randint(-180, 60))
            status = ActionStatus.OPEN if due >= TODAY else weighted({"done": 80, "cancelled": 5, "open": 15})
            if status == "open":
                status = RNG.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
            actions.append(
                Action(
                    partnership=p,
                    title="Agree a shared reporting route for spiking incidents",
                    owner=RNG.choice(owners),
                    due_date=due,
                    status=status,
                    completed_on=min(due, TODAY) if status == ActionStatus.DONE else None,
                    created_by=i_people[0],
                )
            )
        for _ in range(n_shares):
            shared = TODAY - timedelta(days=RNG.randint(0, 540))
            direction = RNG.choice(list(Direction.values))
            answered = (TODAY - shared).days > 30 and RNG.random() < 0.85
            outcome_on = min(shared + timedelta(days=RNG.randint(1, 30)), TODAY) if answered else None
            shares.append(
                InformationShare(
                    partnership=p,
                    direction=direction,
                    category=RNG.choice(list(ShareCategory.values)),
                    summary="A car seen repeatedly outside the halls late at night; registration supplied.",
                    lawful_basis=RNG.choice([LawfulBasis.PUBLIC_TASK, LawfulBasis.CRIME_PREVENTION]),
                    shared_on=shared,
                    shared_by=(p_people if direction == Direction.TO_INSTITUTION else i_people)[0],
                    outcome=RNG.choice(list(Outcome.values)) if answered else "",
                    outcome_on=outcome_on,
                    outcome_by=(i_people if direction == Direction.TO_INSTITUTION else p_people)[0]
                    if answered
                    else None,
                    retain_until=retention_end(shared, outcome_on),
                )
            )
    insert(Engagement, engagements, history=True)
    insert(Action, actions, history=True)
    insert(InformationShare, shares, history=True)
    world.counts.update(engagements=len(engagements), actions=len(actions), shares=len(shares))


def seed_training(world: World) -> None:
    courses = []
    for force in world.forces:
        for title, months in COURSES:
            courses.append(
                Course(
                    provider=force,
                    provider_unit=world.units[force.pk],
                    title=title,
                    audience="Hall wardens, security and student support staff",
                    duration_minutes=120,
                    refresher_months=months,
                )
            )
    insert(Course, courses)
    for course in courses:
        world.courses[course.provider_id].append(course)
    # Who may book: an institution's people; a session offered to every partner, anyone at them.
    partners = defaultdict(list)  # force id -> live partnerships
    for p in world.partnerships:
        if p.status != PartnershipStatus.ENDED:
            partners[p.police_force_id].append(p)
    pools = {
        force.pk: [pk for p in partners[force.pk] for pk in world.members[p.institution_id]] for force in world.forces
    }
    weights = [len(partners[force.pk]) for force in world.forces]
    big_by_force = {p.police_force_id: p for p in world.big if p.status != PartnershipStatus.ENDED}
    sessions, attendees, planned = [], [], 0
    while planned < BOOKINGS:
        force = RNG.choices(world.forces, weights=weights)[0]
        r = RNG.random()
        if r < 0.15 and force.pk in big_by_force:
            offered = big_by_force[force.pk]
        elif r < 0.70:
            offered = RNG.choice(partners[force.pk])
        else:
            offered = None
        pool = world.members[offered.institution_id] if offered else pools[force.pk]
        capacity = RNG.randint(20, 40)
        n = min(RNG.randint(8, 32), capacity, len(pool), BOOKINGS - planned)
        day = TODAY + timedelta(days=RNG.randint(-730, 180))
        starts = local(day, RNG.choice([9, 10, 13, 14]))
        ends = starts + timedelta(hours=RNG.choice([2, 3]))
        if ends <= NOW:
            status = SessionStatus.CANCELLED if RNG.random() < 0.03 else SessionStatus.COMPLETED
        else:
            status = SessionStatus.CANCELLED if RNG.random() < 0.03 else SessionStatus.SCHEDULED
        sessions.append(
            Session(
                course=RNG.choice(world.courses[force.pk]),
                starts_at=starts,
                ends_at=ends,
                venue="Students' Union, Room 2",
                capacity=capacity,
                trainers="PC Claire Hughes",
                status=status,
                offered_to=offered,
            )
        )
        attendees.append(RNG.sample(pool, n))
        planned += n
    insert(Session, sessions)
    bookings = []
    for session, people in zip(sessions, attendees, strict=True):
        for attendee in people:
            if session.status == SessionStatus.CANCELLED:
                status = BookingStatus.CANCELLED
            elif session.status == SessionStatus.COMPLETED:
                status = weighted({BookingStatus.ATTENDED: 85, BookingStatus.NO_SHOW: 10, BookingStatus.CANCELLED: 5})
            else:
                status = weighted({BookingStatus.BOOKED: 92, BookingStatus.WAITLISTED: 3, BookingStatus.CANCELLED: 5})
            bookings.append(Booking(session=session, attendee_id=attendee, status=status))
    insert(Booking, bookings)
    # Booked 8 to 60 days before the session (or now, if that is later): auto_now(_add) set both
    # to the time of the insert, which would make every reminder before a session not due.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH booked AS (
                SELECT b.id, LEAST(s.starts_at - interval '1 day' * (8 + (b.id * 7919) %% 53), now()) AS at
                FROM {quote(Booking)} b JOIN {quote(Session)} s ON s.id = b.session_id
                WHERE b.id BETWEEN %s AND %s
            )
            UPDATE {quote(Booking)} SET created_at = booked.at, updated_at = booked.at
            FROM booked WHERE {quote(Booking)}.id = booked.id
            """,  # noqa: S608 (table names from the models)
            [bookings[0].pk, bookings[-1].pk],
        )
    attended = [b for b in bookings if b.status == BookingStatus.ATTENDED]
    feedback = [
        Feedback(booking=b, rating=RNG.randint(3, 5), confidence=RNG.randint(2, 5), comments="Useful and practical.")
        for b in attended
        if RNG.random() < 0.33
    ]
    insert(Feedback, feedback)
    # Training needs: courses of the institution's partner forces, 6 at the largest, 3 elsewhere.
    forces_of = defaultdict(list)
    for p in world.partnerships:
        if p.status != PartnershipStatus.ENDED:
            forces_of[p.institution_id].append(p.police_force_id)
    needs = []
    for k, institution in enumerate(world.institutions):
        roles = ["all", "staff", "university_liaison"] * (2 if k == 0 else 1)
        chosen = set()
        for role in roles:
            if not forces_of[institution.pk]:
                break
            course = RNG.choice(world.courses[RNG.choice(forces_of[institution.pk])])
            if (role, course.pk) not in chosen:
                chosen.add((role, course.pk))
                needs.append(TrainingNeed(institution=institution, role=role, course=course))
    insert(TrainingNeed, needs)
    world.counts.update(
        courses=len(courses), sessions=len(sessions), bookings=len(bookings), feedback=len(feedback), needs=len(needs)
    )


def vacuum() -> None:
    """What autovacuum would have done by now: visibility maps and planner statistics."""
    models = [
        Organisation,
        User,
        Contact,
        Unit,
        Partnership,
        Partnership.history.model,
        Agreement,
        AgreementClause,
        AgreementVersion,
        AgreementEvent,
        Approval,
        Signature,
        Commitment,
        Engagement,
        Engagement.history.model,
        Action,
        Action.history.model,
        InformationShare,
        InformationShare.history.model,
        Course,
        Session,
        Booking,
        Feedback,
        TrainingNeed,
        Notification,
        Tally,
    ]
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {quote(model)}")


def seed() -> World:
    world = World()
    out("Seeding:")
    start = time.perf_counter()
    with step(world, "organisations, units"), transaction.atomic():
        seed_organisations(world)
    with step(world, "users, contacts"), transaction.atomic():
        seed_users(world)
    with step(world, "partnerships (with history)"), transaction.atomic():
        seed_partnerships(world)
    with step(world, "engagements, actions, shares (with history)"), transaction.atomic():
        seed_activity(world)
    with step(world, "agreements, clauses, versions, events, signatures, commitments"), transaction.atomic():
        seed_agreements(world)
    with step(world, "courses, sessions, bookings, feedback, needs"), transaction.atomic():
        seed_training(world)
    with step(world, "stored health (bulk_create saves no row, so the nightly check fills it)"):
        store_health(log_drift=False)
    with step(world, "the counts' ledger folded, as the nightly task does (core/tally.py)"):
        tally.compact()
    with step(world, "VACUUM ANALYZE"):
        vacuum()
    world.seconds = time.perf_counter() - start
    out(f"Seeded in {world.seconds:.0f} s")
    return world


# --- pages -------------------------------------------------------------------------------------


@dataclass
class Sample:
    times: list
    queries: int
    tx: int
    sql_ms: float
    status: int
    size: int
    slowest: list

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


def login(user) -> Client:
    """A client signed in as ``user``; with a second factor verified if the portal asks for one."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("portal:dashboard"))
    if response.status_code == 302:
        location = response.get("Location", "")
        if not any(word in location.lower() for word in ("otp", "two-factor", "two_factor", "2fa")):
            sys.exit(f"The dashboard redirects {user.username} to {location}.")
        verify_second_factor(client, user)
        response = client.get(reverse("portal:dashboard"))
        if response.status_code != 200:
            sys.exit(f"{user.username} is still sent to {response.get('Location', '')} after a verified second factor.")
        SECOND_FACTOR.add(user.role)
    return client


SECOND_FACTOR = set()  # the roles for which a verified second factor was needed


def verify_second_factor(client, user) -> None:
    """A confirmed TOTP device, and the session marked as verified by it (what django-otp's login does)."""
    if "django_otp" not in settings.INSTALLED_APPS:
        sys.exit(f"The portal redirects {user.username} to a second-factor page, and django_otp is not installed.")
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Scale benchmark", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["two_factor_has_device"] = True  # accounts.two_factor.HAS_DEVICE_KEY
    session.save()


def timed_get(client, url) -> float:
    start = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code} {response.get('Location', '')}")
    return seconds * 1000


def counted_get(client, url) -> tuple:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    captured = queries.captured_queries
    tx = sum(1 for q in captured if q["sql"].split(" ", 1)[0].upper() in TX)
    slowest = sorted(((float(q["time"]) * 1000, q["sql"]) for q in captured), reverse=True)[:3]
    sql_ms = sum(float(q["time"]) for q in captured) * 1000
    return len(captured), tx, sql_ms, response.status_code, len(response.content), slowest


def measure_pair(portal, admin) -> tuple[Sample, Sample]:
    """Alternate the portal page and the admin page, so load on the machine falls on both alike."""
    (p_client, p_url), (a_client, a_url) = portal, admin
    for _ in range(ARGS.warmup):
        timed_get(p_client, p_url)
        timed_get(a_client, a_url)
    p_times, a_times = [], []
    for _ in range(ARGS.requests):
        p_times.append(timed_get(p_client, p_url))
        a_times.append(timed_get(a_client, a_url))
    portal, admin = Sample(p_times, *counted_get(p_client, p_url)), Sample(a_times, *counted_get(a_client, a_url))
    for sample, url in ((portal, p_url), (admin, a_url)):
        if sample.status != 200:
            raise RuntimeError(f"GET {url} answered {sample.status} when its queries were counted")
    return portal, admin


def admin_url(model: str) -> tuple[str, str]:
    """The change list of ``app_model``."""
    return model, reverse(f"admin:{model}_changelist")


def pages(world: World) -> list[dict]:
    big, small = world.institutions[0], world.institutions[1]
    liaison, small_liaison = world.liaisons[big.pk][0], world.liaisons[small.pk][0]
    administrator = world.administrators[0]
    busy, quiet = world.big[0], world.big[BUSY]
    in_force = [world.agreements[p.pk] for p in world.big[:25]]
    in_force = next((a for a in in_force if a.pk % 5 == 0), in_force[0])  # revised once: 2 versions
    draft = world.agreements[world.big[BUSY + 1].pk]
    clients = {user.pk: login(user) for user in (liaison, small_liaison, administrator)}
    compliance = reverse("training:compliance")
    n_small = Partnership.objects.filter(institution=small).count()
    n_people = User.objects.filter(organisation=small, is_active=True).count()
    rows = [
        ("Dashboard, liaison", liaison, "/", "accounts_user", (small_liaison, "/", f"liaison, {n_small} p'ships")),
        ("Dashboard, administrator", administrator, "/", "accounts_user", None),
        (
            "Partnerships list, liaison",
            liaison,
            reverse("partnerships:partnership_list"),
            "partnerships_partnership",
            (small_liaison, reverse("partnerships:partnership_list"), f"liaison, {n_small} p'ships"),
        ),
        (
            "Partnerships list, administrator",
            administrator,
            reverse("partnerships:partnership_list"),
            "partnerships_partnership",
            None,
        ),
        (
            "Partnership page",
            liaison,
            busy.get_absolute_url(),
            "partnerships_partnership",
            (liaison, quiet.get_absolute_url(), "a partnership with no activity"),
        ),
        (
            "Agreement page",
            liaison,
            in_force.get_absolute_url(),
            "agreements_agreement",
            (liaison, draft.get_absolute_url(), "a draft"),
        ),
        (
            "Training sessions, liaison",
            liaison,
            reverse("training:session_list"),
            "training_session",
            (small_liaison, reverse("training:session_list"), f"liaison, {n_small} p'ships"),
        ),
        ("Training sessions, administrator", administrator, reverse("training:session_list"), "training_session", None),
        (
            f"Compliance, liaison ({BIG_SIZE:,} people)",
            liaison,
            compliance,
            "accounts_user",
            (small_liaison, compliance, f"{n_people} people"),
        ),
        (
            "Compliance, administrator",
            administrator,
            f"{compliance}?institution={big.pk}",
            "accounts_user",
            (administrator, f"{compliance}?institution={small.pk}", f"{n_people} people"),
        ),
    ]
    results = []
    for label, user, url, model, other in rows:
        model, a_url = admin_url(model)
        start = time.perf_counter()
        portal, admin = measure_pair((clients[user.pk], url), (clients[administrator.pk], a_url))
        check = None
        if other is not None:  # the same page for a smaller subject: its queries and time
            other_user, other_url, what = other
            check = {"what": what, "sample": measure_one(clients[other_user.pk], other_url, SMALL_REQUESTS)}
        out(
            f"  {label}: {portal.median:.0f} ms vs admin {model} {admin.median:.0f} ms "
            f"({elapsed(start)}, load {os.getloadavg()[0]:.2f})"
        )
        results.append(
            {
                "label": label,
                "url": url,
                "client": clients[user.pk],
                "portal": portal,
                "model": model,
                "admin_url": a_url,
                "admin": admin,
                "check": check,
            }
        )
    if jit_setting() == "on":
        out()
        out("The same pairs with JIT compilation off for this connection (SET jit = off):")
        set_jit("off")
        try:
            for r in results:
                r["no_jit"] = measure_pair((r["client"], r["url"]), (clients[administrator.pk], r["admin_url"]))
                out(f"  {r['label']}: {r['no_jit'][0].median:.0f} ms vs admin {r['no_jit'][1].median:.0f} ms")
        finally:
            set_jit("on")
    for r in results:
        slower = r["portal"].median > r["admin"].median
        r["plans"] = plans(r) if ARGS.explain or slower else None
        r["profile"] = profile(r["client"], r["url"]) if slower else None
    for client in clients.values():
        client.logout()
    return results


SMALL_REQUESTS = max(5, ARGS.requests // 3)


def measure_one(client, url, n) -> Sample:
    for _ in range(min(ARGS.warmup, 1)):
        timed_get(client, url)
    sample = Sample([timed_get(client, url) for _ in range(n)], *counted_get(client, url))
    if sample.status != 200:
        raise RuntimeError(f"GET {url} answered {sample.status} when its queries were counted")
    return sample


def jit_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def set_jit(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {'on' if value == 'on' else 'off'}")


def explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def summary(lines: list[str]) -> list[str]:
    """The top of the plan, the planner's estimate against the rows, JIT and the times."""
    keep = lines[:2]
    keep += [
        line for line in lines if line.lstrip().startswith(("Functions:", "Timing:", "Planning Time", "Execution"))
    ]
    return [line.strip() for line in keep]


def plans(result: dict) -> dict:
    """EXPLAIN ANALYZE of the page's slowest SELECT, with JIT as the server has it and with JIT off."""
    ms, sql = next(((ms, sql) for ms, sql in result["portal"].slowest if sql.lstrip().startswith("SELECT")), (0, ""))
    if not sql:
        return {}
    found = {"ms": ms, "sql": sql, "default": summary(explain(sql))}
    if jit_setting() == "on":
        set_jit("off")
        try:
            found["no_jit"] = summary(explain(sql))
        finally:
            set_jit("on")
    return found


def profile(client, url) -> tuple[float, list]:
    """One request under cProfile: the portal's own functions (and template rendering) by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_, _, _, cumulative, _) in stats.stats.items():
        mine = filename.startswith(str(ROOT)) and not any(x in filename for x in ("/.venv/", "/benchmarks/"))
        if mine and not filename.endswith("middleware.py"):  # the middleware only wraps the view
            rows.append((cumulative * 1000, f"{Path(filename).relative_to(ROOT)}:{line} {name}"))
        elif filename.endswith("django/template/backends/django.py") and name == "render":
            rows.append((cumulative * 1000, "(Django template rendering)"))
        elif filename.endswith("django/db/backends/utils.py") and name == "_execute_with_wrappers":
            rows.append((cumulative * 1000, "(all SQL queries)"))
    return stats.total_tt * 1000, sorted(rows, reverse=True)[:10]


def page_table(results: list[dict]) -> None:
    out()
    out(f"Server time per page (median and 95th percentile of {ARGS.requests} requests after {ARGS.warmup} warm-up)")
    header = (
        f"{'page':36} {'median':>7} {'p95':>6} {'queries':>7} {'SQL':>5} {'admin change list':>25} {'median':>7} "
        f"{'p95':>6} {'queries':>7} {'SQL':>5} {'ratio':>6}"
    )
    out(header)
    out("-" * len(header))
    for r in results:
        p, a = r["portal"], r["admin"]
        out(
            f"{r['label']:36} {p.median:>7.0f} {p.p95:>6.0f} {p.queries:>7} {p.sql_ms:>5.0f} {r['model']:>25} "
            f"{a.median:>7.0f} {a.p95:>6.0f} {a.queries:>7} {a.sql_ms:>5.0f} {p.median / a.median:>6.2f}"
        )
    out("ms; queries and SQL (ms): what CaptureQueriesContext saw in one more request (with the session's UPDATE).")
    out()
    measured_without_jit = any("no_jit" in r for r in results)  # only when the server has JIT on
    jit_columns = f" {'jit=off':>8} {'admin':>6} {'ratio':>6}" if measured_without_jit else ""
    header = f"{'page':36}{jit_columns}   smaller subject: queries, median ms"
    out(header)
    out("-" * len(header))
    for r in results:
        p = r["portal"]
        no_jit = ""
        if "no_jit" in r:
            np, na = r["no_jit"]
            no_jit = f" {np.median:>8.0f} {na.median:>6.0f} {np.median / na.median:>6.2f}"
        elif measured_without_jit:
            no_jit = f" {'-':>8} {'-':>6} {'-':>6}"
        check = "-"
        if r["check"]:
            c = r["check"]["sample"]
            same = "same" if c.queries == p.queries else f"{c.queries - p.queries:+d}"
            check = f"{c.queries} ({same}), {c.median:.0f} ms ({r['check']['what']}, {SMALL_REQUESTS} requests)"
        out(f"{r['label']:36}{no_jit}   {check}")
    out()
    out("SQL time of the captured request, and its slowest queries:")
    for r in results:
        p = r["portal"]
        out(f"  {r['label']}: {p.sql_ms:.0f} ms of SQL in {p.queries} queries, {p.size / 1024:.0f} KiB of HTML")
        for ms, sql in p.slowest[:2]:
            out(f"    {ms:7.1f} ms  {sql[:150]}")
        a = r["admin"]
        out(f"    admin {r['model']}: {a.sql_ms:.0f} ms of SQL in {a.queries} queries, {a.size / 1024:.0f} KiB")
    for r in results:
        found = r.get("plans")
        if not found:
            continue
        out()
        out(f"EXPLAIN ANALYZE of the slowest query of {r['label']} ({found['ms']:.1f} ms when captured):")
        out(f"  {found['sql'][:300]}{'...' if len(found['sql']) > 300 else ''}")
        for line in found["default"]:
            out(f"    {line[:200]}")
        if "no_jit" in found:
            out("  with jit = off:")
            for line in found["no_jit"]:
                out(f"    {line[:200]}")
    for r in results:
        if not r.get("profile"):
            continue
        total, rows = r["profile"]
        out()
        out(f"Where the time of {r['label']} goes (one request under cProfile: {total:.0f} ms with its overhead):")
        for ms, where in rows:
            out(f"  {ms:7.0f} ms  {where}")


# --- the worker --------------------------------------------------------------------------------


class Sampler(threading.Thread):
    """Resident memory of a process and its children, every 0.1 s; peaks per phase."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.phase = "start"
        self.peaks = defaultdict(lambda: {"total": 0, "main": 0, "child": 0})
        self.pids = {pid}

    def run(self):
        while not self.stop_event.is_set():
            try:
                children = self.root.children(recursive=True)
                main = self.root.memory_info().rss
                kids = []
                for child in children:
                    try:
                        kids.append(child.memory_info().rss)
                        self.pids.add(child.pid)
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            with self.lock:
                peak = self.peaks[self.phase]
                peak["total"] = max(peak["total"], main + sum(kids))
                peak["main"] = max(peak["main"], main)
                peak["child"] = max([peak["child"], *kids])
            time.sleep(0.1)

    def set_phase(self, phase):
        with self.lock:
            self.phase = phase


def high_water_marks(pids) -> dict[int, int]:
    marks = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    marks[pid] = int(line.split()[1]) * 1024
        except OSError:
            pass
    return marks


def idle(client) -> bool:
    waiting = sum(client.llen(key) for key in client.scan_iter(match="celery*") if client.type(key) == b"list")
    return waiting == 0 and client.hlen("unacked") == 0


def wait_idle(client, deadline, proc, sampler) -> bool:
    """Wait until no message waits or is being worked on; the sweep's own phase ends with its task."""
    calm = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"The worker exited with {proc.returncode}; see {VAR_DIR}/worker.log")
        if sampler.phase == "sweep" and "notifications.tasks.sweep" in task_times():
            sampler.set_phase("emails")  # the sweep task is done; its send_notifications tasks run now
        calm = calm + 1 if idle(client) else 0
        if calm >= 3:
            return True
        time.sleep(0.5)
    return False


def run_worker(world: World) -> dict:
    from agreements.tasks import render_signed_pdf
    from notifications.tasks import sweep
    from portal.celery import app

    client = check_redis()
    started = timezone.now()
    target = world.agreements[world.big[0].pk]  # in force; its PDF is the one rendered
    Agreement.objects.filter(pk=target.pk).update(signed_pdf="", signed_pdf_sha256="", signed_at=timezone.now())
    node = f"scale-bench-{os.getpid()}@localhost"
    env = {**os.environ, **ENV, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "portal",
        "worker",
        "--concurrency=1",
        "--pool=prefork",
        "--loglevel=INFO",  # a line per task, with its run time
        "-n",
        node,
    ]
    log = open(Path(VAR_DIR) / "worker.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    result = {"command": " ".join(command[1:])}
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=1.0):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The worker did not start; see {VAR_DIR}/worker.log")
        sampler = Sampler(proc.pid)
        sampler.start()
        time.sleep(2)
        sampler.set_phase("sweep")
        start = time.perf_counter()
        sweep.delay()
        done = wait_idle(client, time.monotonic() + ARGS.worker_timeout, proc, sampler)
        result["sweep_seconds"] = time.perf_counter() - start
        result["sweep_done"] = done
        sampler.set_phase("pdf")
        start = time.perf_counter()
        render_signed_pdf.delay(target.pk)
        result["pdf_done"] = wait_idle(client, time.monotonic() + 300, proc, sampler)
        result["pdf_seconds"] = time.perf_counter() - start
        time.sleep(0.5)
        result["marks"] = high_water_marks(sampler.pids)
        result["main_pid"] = proc.pid
        sampler.stop_event.set()
        sampler.join()
        result["peaks"] = {phase: dict(values) for phase, values in sampler.peaks.items()}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # warm shutdown of the worker we started
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        client.flushdb()
    created = Notification.objects.filter(created_at__gte=started)
    result["notifications"] = created.count()
    result["by_delivery"] = dict(Counter(created.values_list("delivery", flat=True)))
    result["by_kind"] = dict(Counter(created.values_list("kind", flat=True)))
    target.refresh_from_db(fields=["signed_pdf", "signed_pdf_sha256"])
    result["pdf"] = target.signed_pdf.name
    if target.signed_pdf:
        result["pdf_bytes"] = target.signed_pdf.size
    result["tasks"] = task_times()
    return result


TASK_LINE = re.compile(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([\d.]+)s")


def task_times() -> dict[str, list[float]]:
    """Run time of each task the worker finished, from its log (``--loglevel=INFO``)."""
    times = defaultdict(list)
    for name, seconds in TASK_LINE.findall((Path(VAR_DIR) / "worker.log").read_text(errors="replace")):
        times[name].append(float(seconds))
    return times


def worker_report(result: dict) -> None:
    mib = 1024 * 1024
    out()
    out(f"Worker: {result['command']} (broker {ARGS.broker})")
    out(
        f"  sweep and its email tasks: {result['sweep_seconds']:.0f} s"
        f"{'' if result['sweep_done'] else ' (TIMED OUT)'}; "
        f"{result['notifications']:,} notifications recorded, by delivery {result['by_delivery']}"
    )
    out(f"  by kind: {result['by_kind']}")
    for name, times in sorted(result["tasks"].items()):
        out(
            f"  task {name}: {len(times)} run(s), {sum(times):.1f} s in all, "
            f"median {statistics.median(times):.2f} s, longest {max(times):.2f} s"
        )
    out(
        f"  signed PDF: {result['pdf_seconds']:.1f} s{'' if result['pdf_done'] else ' (TIMED OUT)'}, "
        f"{result.get('pdf_bytes', 0) / 1024:.0f} KiB ({result['pdf'] or 'not rendered'})"
    )
    for phase, peak in result["peaks"].items():
        out(
            f"  RSS peak, {phase:6}: main process {peak['main'] / mib:.0f} MiB, pool process {peak['child'] / mib:.0f} "
            f"MiB, together {peak['total'] / mib:.0f} MiB"
        )
    for pid, mark in result["marks"].items():
        role = "main process" if pid == result["main_pid"] else "pool process"
        out(f"  VmHWM (kernel's high-water mark), {role} {pid}: {mark / mib:.0f} MiB")


# --- main --------------------------------------------------------------------------------------


def main() -> int:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        out(f"Warning: the database is {connection.vendor}, not PostgreSQL; the figures are not comparable.")
    foreign = foreign_data()
    if foreign and not ARGS.force:
        found = ", ".join(f"{count:,} {label}" for label, count in foreign.items())
        out(f"Refusing to run: database {db['NAME']!r} has data this script did not create ({found}).")
        out("Use a scratch database (see the top of benchmarks/scale.py), or --force.")
        return 2
    if not ARGS.skip_worker and not ARGS.seed_only:
        check_redis()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    out(f"Database: {db['NAME']} on {db.get('HOST') or 'localhost'} (PostgreSQL {version})")
    with connection.cursor() as cursor:
        jit = []
        for name in ("jit", "jit_above_cost", "jit_optimize_above_cost", "jit_inline_above_cost"):
            cursor.execute(f"SHOW {name}")
            jit.append(f"{name}={cursor.fetchone()[0]}")
    out(f"JIT: {', '.join(jit)}")
    out(f"Machine: {os.cpu_count()} CPUs, load average {load} at the start")
    out(f"Settings: {settings.SETTINGS_MODULE}, DEBUG={settings.DEBUG}, VAR_DIR={VAR_DIR}")
    if settings.DEBUG:
        out("Warning: DEBUG is on, so the page times include the debug overhead; run with DEBUG=false.")
    if foreign:
        out(f"--force: the database also holds data of others: {foreign}")
    remove_own_data(alone=not foreign)  # what an interrupted or --keep run left
    if ARGS.seed_only:
        world = seed()
        out("Data set: " + ", ".join(f"{n:,} {label.replace('_', ' ')}" for label, n in world.counts.items()))
        shutil.rmtree(VAR_DIR, ignore_errors=True)
        return 0

    try:
        world = seed()
        out()
        out("Data set: " + ", ".join(f"{n:,} {label.replace('_', ' ')}" for label, n in world.counts.items()))
        out()
        out("Pages (each beside its admin change list, alternately):")
        results = pages(world)
        page_table(results)
        if not ARGS.skip_worker:
            out()
            out("Worker (this takes a while: the first sweep emails everything that is due):")
            worker_report(run_worker(world))
    finally:
        if not ARGS.keep:
            remove_own_data(alone=not foreign)
        shutil.rmtree(VAR_DIR, ignore_errors=True)
    out()
    out("Seeding steps: " + "; ".join(f"{label} {seconds:.0f} s" for label, seconds in world.timings))
    out(f"Load average at the end: {', '.join(f'{n:.2f}' for n in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
