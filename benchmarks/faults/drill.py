"""Fault drills: the broker stopped, the database restarted, a Celery worker killed mid-task.

    .venv/bin/python benchmarks/faults/drill.py                      # all three drills
    .venv/bin/python benchmarks/faults/drill.py --only redis,worker  # some of them
    .venv/bin/python benchmarks/faults/drill.py --bookings 3000 --keep

Run from the repository root (as root, or as a user who may run initdb). Everything the drill
touches is its own and is removed at the end (``--keep`` leaves the scratch folder and prints
where it is, after stopping every process):

- a private Redis (``redis-server --port 6390 --save ''``, no persistence) as the broker;
- a private PostgreSQL 15 cluster (``initdb`` + ``pg_ctl`` on port 5440, in a scratch folder,
  run as the ``postgres`` user when the drill runs as root), database ``portal_drill``,
  migrated and seeded with ``seed_demo``;
- gunicorn (2 workers, 127.0.0.1:8056), a Celery worker (concurrency 2) and Celery beat, with
  DEBUG=false, HTTPS=false, the settings of ``benchmarks/load/settings.py`` (collectstatic into
  the scratch folder) and VAR_DIR in the scratch folder, so the emails are files in
  ``<scratch>/var/mail``.

The drills (each prints what it did and what it saw, as ``[time] text`` lines):

redis     Book a session (baseline), stop Redis, load pages and book another session as
          ``staff.member``, look at the notification row, start Redis again, book a third,
          run the sweep, wait for the confirmation emails.
postgres  Two clients load the dashboard in a loop while ``pg_ctl restart -m fast`` runs;
          count what failed and when; then book a session to see the worker reach the
          database again.
worker    Seed ``--bookings`` bookings of a session tomorrow (made 14 days ago, so the
          ``session_tomorrow`` reminder is due), run the sweep, ``kill -9`` the worker (its
          main process and its pool processes) once a fifth of the emails are sent, start a new
          worker, wait, then age the leftover rows' ``claimed_at`` by 11 minutes and
          ``queued_at`` by 16 minutes (the lease is 10 minutes and the sweep re-queues a row
          queued more than 15 minutes ago), run the sweep again and count rows and emails.
worker-child  The same, but ``kill -9`` only the pool process running the task; the
          worker's main process stays and starts a new pool process.
smtp-window  The one case the lease cannot cover: a worker (concurrency 1) sends through the
          drill's own small SMTP server, which ``kill -9``s the pool process as soon as it has
          answered 250 to the email of a booking, before the row is marked sent; then the
          row's lease is aged and the sweep run, and the SMTP server counts what it received.
"""

# ruff: noqa: S603, S607
# (the drill starts the programs it names: redis-server, pg_ctl, gunicorn, celery, ps)

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv/bin/python")
REDIS_PORT = int(os.environ.get("DRILL_REDIS_PORT", 6390))
PG_PORT = int(os.environ.get("DRILL_PG_PORT", 5440))
WEB_PORT = int(os.environ.get("DRILL_WEB_PORT", 8056))
DB = "portal_drill"
PASSWORD = "partnership-demo-2026"  # noqa: S105 - the demo users' published password
T0 = time.monotonic()


def say(text):
    print(f"[{time.monotonic() - T0:7.2f}s {time.strftime('%H:%M:%S')}] {text}", flush=True)


def loadavg():
    return Path("/proc/loadavg").read_text().split()[:3]


def port_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, timeout, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def pg_bin(name):
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} not found under /usr/lib/postgresql/*/bin")
    return str(found[-1])


class Stack:
    """The private services and the portal's processes, and their clean-up."""

    def __init__(self, keep=False):
        self.keep = keep
        self.dir = Path(tempfile.mkdtemp(prefix="portal_drill."))
        self.dir.chmod(0o755)
        self.procs = {}  # name -> Popen
        self.worker = "worker"  # the name of the Celery worker running now
        self.logs = {}
        self.pgdata = self.dir / "pg" / "data"
        self.server_log = self.dir / "pg" / "server.log"
        self.as_postgres = os.geteuid() == 0
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="benchmarks.load.settings",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB}",
            CELERY_BROKER_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
            DEBUG="false",
            HTTPS="false",
            ALLOWED_HOSTS="127.0.0.1",
            SECRET_KEY="fault-drill-only-not-a-secret",  # noqa: S106 - a scratch portal
            SITE_URL=f"http://127.0.0.1:{WEB_PORT}",
            VAR_DIR=str(self.dir / "var"),
            BENCH_STATIC_ROOT=str(self.dir / "static"),
            RATE_LIMIT_TWO_FACTOR="100000",
        )
        self.env.pop("CACHE_URL", None)
        self.env.pop("EMAIL_URL", None)
        self.mail = self.dir / "var" / "mail"

    # -- processes ---------------------------------------------------------------------------

    def start(self, name, argv, env=None, **kwargs):
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
        self.logs[name] = log
        self.procs[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        return self.procs[name]

    def stop(self, name, sig=signal.SIGTERM, timeout=20):
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.logs.pop(name).close()

    def log_text(self, name):
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def manage(self, *args, check=True):
        result = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        if check and result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def sweep(self):
        code = "from notifications.services import send_due_reminders; print(send_due_reminders())"
        started = time.monotonic()
        out = self.manage("shell", "--no-imports", "-c", code).stdout.strip()
        return out, time.monotonic() - started

    # -- Redis -------------------------------------------------------------------------------

    def start_redis(self):
        if port_open(REDIS_PORT):
            raise SystemExit(f"port {REDIS_PORT} is already in use: set DRILL_REDIS_PORT")
        self.start(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.dir),
            ],
        )
        wait_for(lambda: port_open(REDIS_PORT), 10, what="redis")

    def redis(self, *args):
        result = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), *args], capture_output=True, text=True, check=False, timeout=10
        )
        return result.stdout.strip()

    # -- PostgreSQL --------------------------------------------------------------------------

    def pg(self, *argv, check=True, detach=False):
        """Run a PostgreSQL program (as postgres when we are root).

        ``detach`` for pg_ctl start and restart: the server it leaves running inherits the
        output, so that goes to a file; a pipe would never reach its end.
        """
        if self.as_postgres:
            argv = ("runuser", "-u", "postgres", "--", *argv)
        if detach:
            with open(self.dir / "pg_ctl.log", "a") as log:
                result = subprocess.run(argv, stdout=log, stderr=log, check=check, stdin=subprocess.DEVNULL)
            result.stdout = (self.dir / "pg_ctl.log").read_text()
            return result
        return subprocess.run(argv, capture_output=True, text=True, check=check)

    def start_postgres(self):
        if port_open(PG_PORT):
            raise SystemExit(f"port {PG_PORT} is already in use: set DRILL_PG_PORT")
        (self.dir / "pg").mkdir()
        if self.as_postgres:
            shutil.chown(self.dir / "pg", "postgres", "postgres")
        self.pg(pg_bin("initdb"), "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-p {PG_PORT} -k {self.dir / 'pg'} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg(
            pg_bin("pg_ctl"),
            "-D",
            str(self.pgdata),
            "-l",
            str(self.dir / "pg" / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        self.pg(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DB)

    def restart_postgres(self):
        started = time.monotonic()
        result = self.pg(
            pg_bin("pg_ctl"),
            "-D",
            str(self.pgdata),
            "-l",
            str(self.server_log),
            "-m",
            "fast",
            "-w",
            "restart",
            detach=True,
        )
        return started, time.monotonic(), result.stdout.strip()

    # -- the portal --------------------------------------------------------------------------

    def start_web(self):
        self.start(
            "gunicorn",
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "portal.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                # gunicorn 27 otherwise binds ~/.gunicorn/gunicorn.ctl, shared by every gunicorn of the user.
                "--no-control-socket",
            ],
        )
        wait_for(lambda: port_open(WEB_PORT), 30, what="gunicorn")

    def start_worker(self, name="worker", concurrency=2, env=None):
        self.start(
            name,
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "portal",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "-n",
                f"{name}@drill",
            ],
            env=env,
        )
        wait_for(lambda: " ready." in self.log_text(name), 60, what=f"{name} to be ready")
        self.worker = name

    def start_beat(self):
        self.start(
            "beat",
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "portal",
                "beat",
                "--loglevel=INFO",
                "--pidfile=",
                "-s",
                str(self.dir / "beat-schedule"),
            ],
        )

    def cleanup(self):
        for name in list(self.procs):
            if name != "redis":
                self.stop(name)
        self.stop("redis")
        if self.pgdata.exists():
            self.pg(pg_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop", check=False)
        if self.keep:
            say(f"kept {self.dir} (logs, mail, the stopped cluster)")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class Browser:
    """A logged-in person: a requests session with the CSRF cookie sent back on POSTs."""

    def __init__(self, username):
        import requests

        self.base = f"http://127.0.0.1:{WEB_PORT}"
        self.http = requests.Session()
        self.username = username
        form = self.http.get(self.base + "/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        response = self.http.post(
            self.base + "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            timeout=30,
        )
        if response.status_code != 200 or "/accounts/login/" in response.url:
            raise RuntimeError(f"could not log in as {username}: {response.status_code} {response.url}")

    def get(self, path, timeout=30):
        started = time.monotonic()
        response = self.http.get(self.base + path, timeout=timeout)
        return response, (time.monotonic() - started) * 1000

    def post(self, path, data=None, timeout=30):
        data = {"csrfmiddlewaretoken": self.http.cookies.get("csrftoken"), **(data or {})}
        started = time.monotonic()
        response = self.http.post(self.base + path, data=data, timeout=timeout, allow_redirects=False)
        return response, (time.monotonic() - started) * 1000


# -- database access from the drill itself (Django set up on the drill's environment) ---------


def django_setup(stack):
    os.environ.update(stack.env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def db():
    """Fresh connections each time: the drill restarts PostgreSQL under its own feet."""
    from django.db import connections

    connections.close_all()


def notification_of(booking_pk, kind="booking_confirmed"):
    from notifications.models import Notification

    db()
    row = Notification.objects.filter(kind=kind, object_id=booking_pk).values(
        "pk", "delivery", "queued_at", "claimed_at", "sent_at", "attempts", "reason"
    )
    return row.first()


def create_sessions(count, *, starts_in, capacity=50, title_note="drill"):
    """Sessions of a Northbridge Police course offered to its partnership with the University of Northbridge."""
    from django.utils import timezone

    from partnerships.models import Partnership
    from training.models import Course, Session

    db()
    partnership = Partnership.objects.get(
        institution__name="University of Northbridge", police_force__name="Northbridge Police", status="active"
    )
    course = Course.objects.filter(provider=partnership.police_force).order_by("pk").first()
    start = timezone.now() + starts_in
    sessions = [
        Session.objects.create(
            course=course,
            starts_at=start + timedelta(minutes=i),
            ends_at=start + timedelta(hours=2, minutes=i),
            venue=f"Fault drill room ({title_note} {i + 1})",
            capacity=capacity,
            offered_to=partnership,
        )
        for i in range(count)
    ]
    return [s.pk for s in sessions]


def mail_ids(stack):
    """Every Message-ID header in the mail folder, with the file it is in."""
    found = []
    if not stack.mail.exists():
        return found
    for path in sorted(stack.mail.iterdir()):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("Message-ID: "):
                found.append((line.split(": ", 1)[1].strip(), path.name))
    return found


def message_id(pk, kind):
    return f"<notification-{pk}-{kind}@localhost>"


# -- drill a: Redis stopped ------------------------------------------------------------------


def drill_redis(stack, down=20):
    say(f"== Drill a: Redis stopped (load average {' '.join(loadavg())})")
    from training.models import Booking

    a, b, c = create_sessions(3, starts_in=timedelta(days=10), title_note="broker")
    staff = Browser("staff.member")

    def book(session_pk, label):
        response, ms = staff.post(f"/training/sessions/{session_pk}/book/")
        page, _ = staff.get(response.headers.get("Location", f"/training/sessions/{session_pk}/"))
        confirmed = "A confirmation email is on its way" in page.text
        db()
        booking = Booking.objects.filter(session_id=session_pk, attendee__username="staff.member").first()
        say(
            f"{label}: POST /training/sessions/{session_pk}/book/ -> HTTP {response.status_code} in {ms:.0f} ms "
            f"(redirect to {response.headers.get('Location')}; page says the email is on its way: {confirmed}); "
            f"booking {booking and booking.pk} {booking and booking.status}"
        )
        return booking.pk if booking else None

    def show(booking_pk, label):
        row = notification_of(booking_pk)
        say(
            f"{label}: notification {row['pk']} delivery={row['delivery']} queued_at={row['queued_at']} "
            f"claimed_at={row['claimed_at']} sent_at={row['sent_at']} attempts={row['attempts']}"
        )
        return row

    first = book(a, "before the outage")
    wait_for(lambda: notification_of(first)["delivery"] == "sent", 30, what="the first confirmation")
    show(first, "before the outage")

    say("stopping Redis (redis-cli shutdown nosave)")
    stop_at = time.monotonic()
    stack.redis("shutdown", "nosave")
    stack.procs["redis"].wait(10)
    stack.stop("redis")
    say(f"Redis is down: port {REDIS_PORT} open = {port_open(REDIS_PORT)}")

    for path in ["/", "/training/", "/notifications/", f"/training/sessions/{b}/"]:
        response, ms = staff.get(path)
        say(f"during the outage: GET {path} -> HTTP {response.status_code} in {ms:.0f} ms")
    during = book(b, "during the outage")
    row = show(during, "during the outage")
    outage_ok = row["delivery"] == "pending" and row["queued_at"] is None

    time.sleep(max(down - (time.monotonic() - stop_at), 0))
    say(
        f"worker alive: {stack.procs[stack.worker].poll() is None}, beat alive: {stack.procs['beat'].poll() is None}; "
        f"worker log lines about the broker since the stop: "
        f"{len(re.findall(r'(?i)cannot connect|connection.*(lost|refused)|Error 111', stack.log_text(stack.worker)))}"
    )

    say("starting Redis again")
    stack.start_redis()
    say(f"Redis was down for {time.monotonic() - stop_at:.1f} s")
    try:
        wait_for(
            lambda: stack.log_text(stack.worker).count("Connected to redis://") >= 2, 60, what="the worker to reconnect"
        )
        say("the worker logged 'Connected to redis://' again")
    except TimeoutError as error:
        say(f"PROBLEM: {error}")

    after = book(c, "right after Redis is back")
    time.sleep(1)
    show(after, "right after Redis is back (1 s later)")

    out, seconds = stack.sweep()
    say(f"sweep (manage.py shell -c send_due_reminders()) in {seconds:.1f} s: {out}")
    for pk, label in [(during, "booked during the outage"), (after, "booked right after")]:
        try:
            wait_for(lambda pk=pk: notification_of(pk)["delivery"] == "sent", 60, what=label)
        except TimeoutError as error:
            say(f"PROBLEM: {error}")
        row = show(pk, label)
        ids = [name for mid, name in mail_ids(stack) if mid == message_id(row["pk"], "booking_confirmed")]
        say(f"{label}: email files with its Message-ID: {len(ids)} {ids}")
    return outage_ok


# -- drill b: PostgreSQL restarted -----------------------------------------------------------


def drill_postgres(stack, clients=2, before=3.0, after=10.0):
    say(f"== Drill b: PostgreSQL restarted (load average {' '.join(loadavg())})")
    from training.models import Booking

    browsers = [Browser("uni.liaison") for _ in range(clients)]
    staff = Browser("staff.member")
    (session_pk,) = create_sessions(1, starts_in=timedelta(days=12), title_note="database")
    db()
    from django.db import connections

    connections.close_all()  # the drill's own connection must not hold the restart up

    samples = []  # (start, end, status or exception name)
    stop = threading.Event()

    def probe(browser):
        while not stop.is_set():
            started = time.monotonic()
            try:
                response, _ = browser.get("/", timeout=15)
                outcome = response.status_code
            except Exception as error:  # noqa: BLE001 - a refused or reset connection is an outcome
                outcome = type(error).__name__
            samples.append((started, time.monotonic(), outcome))
            time.sleep(0.05)

    threads = [threading.Thread(target=probe, args=(b,), daemon=True) for b in browsers]
    for thread in threads:
        thread.start()
    time.sleep(before)
    say("pg_ctl restart -m fast")
    r_start, r_end, out = stack.restart_postgres()
    say(f"pg_ctl restart took {r_end - r_start:.2f} s: {out.splitlines()[-1] if out else ''}")
    time.sleep(after)
    stop.set()
    for thread in threads:
        thread.join(20)

    failed = [s for s in samples if s[2] != 200]
    by_outcome = Counter(s[2] for s in samples)
    say(
        f"{len(samples)} requests from {clients} clients over {before + after + r_end - r_start:.1f} s: "
        f"{dict(by_outcome)}"
    )
    if failed:
        say(
            f"failed requests started between {failed[0][0] - r_start:+.2f} s and {failed[-1][0] - r_start:+.2f} s "
            f"relative to the start of the restart (the restart took {r_end - r_start:.2f} s)"
        )
    late = [s for s in failed if s[0] > r_end]
    say(f"failed requests that started after pg_ctl restart returned: {len(late)}")
    ok_after = [s for s in samples if s[0] > r_end and s[2] == 200]
    if ok_after:
        say(f"first 200 after the restart: request started {ok_after[0][0] - r_end:+.2f} s after pg_ctl returned")
    tracebacks = stack.log_text("gunicorn").count("Traceback")
    say(
        f"gunicorn log: {tracebacks} tracebacks in all; workers restarted by gunicorn: "
        f"{stack.log_text('gunicorn').count('Booting worker') - 2}"
    )

    response, ms = staff.post(f"/training/sessions/{session_pk}/book/")
    say(f"after the restart: staff.member books session {session_pk} -> HTTP {response.status_code} in {ms:.0f} ms")
    db()
    booking = Booking.objects.get(session_id=session_pk, attendee__username="staff.member")
    try:
        wait_for(lambda: notification_of(booking.pk)["delivery"] == "sent", 60, what="the worker to send it")
        say("the worker (which had database connections before the restart) sent the confirmation")
    except TimeoutError as error:
        say(f"PROBLEM: {error}; worker log tail:\n{stack.log_text(stack.worker)[-3000:]}")
    say(
        f"worker alive: {stack.procs[stack.worker].poll() is None}, beat alive: {stack.procs['beat'].poll() is None}, "
        f"beat log tracebacks/errors: {len(re.findall(r'Traceback|ERROR', stack.log_text('beat')))}"
    )
    return {"requests": len(samples), "failed": len(failed), "failed_after_restart": len(late), "by": dict(by_outcome)}


# -- drill c: a worker killed mid-task --------------------------------------------------------


def seed_due_bookings(count, tag):
    """``count`` staff of the University of Northbridge booked 14 days ago on a session tomorrow."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Role, User
    from partnerships.models import Organisation
    from training.models import Booking, BookingStatus

    (session_pk,) = create_sessions(1, starts_in=timedelta(hours=20), capacity=count, title_note=tag)
    db()
    university = Organisation.objects.get(name="University of Northbridge")
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"drill-{tag}-{n:05d}",
                email=f"drill-{tag}-{n:05d}@example.invalid",
                password=password,
                organisation=university,
                role=Role.STAFF,
                first_name="Drill",
                last_name=f"{tag} {n:05d}",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    Booking.objects.bulk_create(
        [Booking(session_id=session_pk, attendee=u, status=BookingStatus.BOOKED) for u in users], batch_size=2000
    )
    long_ago = timezone.now() - timedelta(days=14)
    Booking.objects.filter(session_id=session_pk).update(created_at=long_ago, updated_at=long_ago)
    return session_pk


def drill_counts(session_pk):
    from notifications.models import Notification
    from training.models import Booking

    db()
    ids = Booking.objects.filter(session_id=session_pk).values("pk")
    rows = Notification.objects.filter(kind="session_tomorrow", object_id__in=ids)
    counts = Counter(rows.values_list("delivery", flat=True))
    claimed = list(rows.filter(delivery="pending", claimed_at__isnull=False).values_list("pk", flat=True))
    return rows, counts, claimed


def worker_pids(proc):
    """The worker's main process and its pool processes."""
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True).stdout
    return proc.pid, [int(p) for p in children.split()]


def drill_worker(stack, count, *, child_only=False, kill_at=0.2):
    tag = "child" if child_only else "whole"
    say(
        f"== Drill c ({'kill -9 a pool process' if child_only else 'kill -9 the whole worker'}): "
        f"{count} reminders (load average {' '.join(loadavg())})"
    )
    from django.utils import timezone

    session_pk = seed_due_bookings(count, tag)
    rows, counts, _ = drill_counts(session_pk)
    say(
        f"seeded {count} bookings on session {session_pk} (tomorrow, booked 14 days ago); "
        f"log rows so far: {dict(counts)}"
    )
    mail_before = len(mail_ids(stack))

    out, seconds = stack.sweep()
    say(f"sweep in {seconds:.1f} s: {out}")
    sweep_done = time.monotonic()
    worker = stack.procs[stack.worker]
    target = max(1, int(count * kill_at))
    sent = wait_for(
        lambda: (n := drill_counts(session_pk)[1]["sent"]) >= target and n, 300, interval=0.05, what="sending"
    )
    main, pool = worker_pids(worker)
    # One pool process (both are running a task, with concurrency 2 and a deep queue), or all.
    victims = pool[:1] if child_only else [main, *pool]
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    say(
        f"kill -9 {victims} (main {main}, pool {pool}) {killed_at - sweep_done:.1f} s after the sweep, "
        f"with {sent} of {count} sent"
    )
    if not child_only:
        worker.wait(10)
        for pid in pool:
            wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), 10, what=f"pool process {pid} to go")
        stack.stop(stack.worker)
    time.sleep(1)
    _, counts, claimed = drill_counts(session_pk)
    queue = stack.redis("llen", "celery")
    unacked = stack.redis("hlen", "unacked")
    say(
        f"just after the kill: {dict(counts)}; claimed and not sent: {claimed}; "
        f"Redis: {queue} messages in the queue, {unacked} delivered and not acknowledged"
    )

    if not child_only:
        stack.start_worker(f"worker-after-{tag}")
        say(f"started a new worker ({stack.worker})")

    def settled():
        history = []

        def check():
            history.append(drill_counts(session_pk)[1]["sent"])
            return len(history) >= 25 and history[-1] == history[-25] and stack.redis("llen", "celery") == "0"

        wait_for(check, 600, interval=0.2, what="the queue to drain")

    settled()
    _, counts, claimed = drill_counts(session_pk)
    say(
        f"queue drained: {dict(counts)}; claimed and not sent: {claimed}; "
        f"Redis unacked: {stack.redis('hlen', 'unacked')}"
    )
    if child_only:
        log = stack.log_text(stack.worker)
        say(
            f"worker log: WorkerLostError {log.count('WorkerLostError')}, "
            f"'Process ... exited' {len(re.findall(r'Process .* exited', log))}"
        )

    from notifications.models import Notification

    in_mail = {mid for mid, _ in mail_ids(stack)}
    for pk in claimed:
        say(
            f"row {pk} (claimed by the killed process): its email is already in the mail folder: "
            f"{message_id(pk, 'session_tomorrow') in in_mail}"
        )

    out, seconds = stack.sweep()
    say(f"sweep straight away, leases not expired ({seconds:.1f} s): {out}")
    db()
    pending = Notification.objects.filter(pk__in=rows.values("pk"), delivery="pending")
    now = timezone.now()
    aged_claims = pending.filter(claimed_at__isnull=False).update(claimed_at=now - timedelta(minutes=11))
    aged_queue = pending.update(queued_at=now - timedelta(minutes=16))
    say(
        f"aged the leftovers: claimed_at -11 min on {aged_claims} rows, queued_at -16 min on {aged_queue} rows "
        f"(in place of waiting 15 minutes)"
    )
    out, seconds = stack.sweep()
    say(f"sweep after the lease ({seconds:.1f} s): {out}")
    settled()

    rows, counts, claimed = drill_counts(session_pk)
    pks = set(rows.values_list("pk", flat=True))
    wanted = {message_id(pk, "session_tomorrow"): pk for pk in pks}
    found = [(mid, name) for mid, name in mail_ids(stack) if mid in wanted]
    per_id = Counter(mid for mid, _ in found)
    duplicates = {mid: n for mid, n in per_id.items() if n > 1}
    files = {name for _, name in found}
    say(
        f"final: rows by delivery {dict(counts)} (of {count}); "
        f"emails for these rows: {len(found)} in {len(files)} files, {len(per_id)} distinct Message-IDs, "
        f"duplicates {len(duplicates)} {list(duplicates.items())[:5]}; rows sent without an email: "
        f"{len(set(wanted) - set(per_id))}; mail folder grew by {len(mail_ids(stack)) - mail_before}"
    )
    return {"rows": dict(counts), "emails": len(found), "distinct": len(per_id), "duplicates": len(duplicates)}


# -- drill d: the worker dies after the mail server accepted the email -----------------------


class SMTPServer(threading.Thread):
    """A minimal SMTP server that keeps what it receives and calls ``on_message`` after its 250."""

    def __init__(self, on_message=None):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.messages = []
        self.on_message = on_message

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def session(self, conn):
        stream = conn.makefile("rb")

        def send(line):
            conn.sendall(line.encode() + b"\r\n")

        try:
            send("220 drill ESMTP")
            while line := stream.readline():
                verb = line[:4].decode(errors="replace").upper()
                if verb in ("EHLO", "HELO"):
                    send("250-drill")
                    send("250 8BITMIME")
                elif verb == "DATA":
                    send("354 go ahead")
                    data = []
                    while (chunk := stream.readline()) not in (b".\r\n", b""):
                        data.append(chunk)
                    self.messages.append(b"".join(data).decode(errors="replace"))
                    send("250 OK: queued")
                    if self.on_message:
                        self.on_message(self.messages[-1])
                elif verb == "QUIT":
                    send("221 bye")
                    return
                else:  # MAIL, RCPT, RSET, NOOP
                    send("250 OK")
        except OSError:
            return
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def drill_smtp_window(stack):
    """kill -9 the pool process right after the mail server answered 250, before the row is marked sent."""
    say(f"== Drill d: the worker dies after the mail server accepted the email (load average {' '.join(loadavg())})")
    from django.utils import timezone

    from notifications.models import Notification
    from training.models import Booking

    victims = []

    def kill_sender(_message):
        if victims:
            return
        _, pool = worker_pids(stack.procs[stack.worker])
        victims.extend(pool)
        for pid in pool:
            os.kill(pid, signal.SIGKILL)

    server = SMTPServer(on_message=kill_sender)
    server.start()
    stack.stop(stack.worker)  # a warm shutdown: it finishes what it runs
    stack.start_worker("worker-smtp", concurrency=1, env={"EMAIL_URL": f"smtp://127.0.0.1:{server.port}"})
    say(
        f"{stack.worker} started with --concurrency=1 and EMAIL_URL=smtp://127.0.0.1:{server.port} "
        "(the drill's SMTP server)"
    )

    (session_pk,) = create_sessions(1, starts_in=timedelta(days=14), title_note="smtp")
    staff = Browser("staff.member")
    response, ms = staff.post(f"/training/sessions/{session_pk}/book/")
    db()
    booking = Booking.objects.get(session_id=session_pk, attendee__username="staff.member")
    say(f"staff.member books session {session_pk} -> HTTP {response.status_code} in {ms:.0f} ms")
    wait_for(lambda: victims, 60, what="the email to reach the SMTP server")
    say(f"the SMTP server answered 250 and the drill killed the pool process {victims} at once")
    time.sleep(3)
    row = notification_of(booking.pk)
    say(
        f"row {row['pk']}: delivery={row['delivery']} claimed_at={row['claimed_at']} attempts={row['attempts']}; "
        f"messages the SMTP server holds: {len(server.messages)}"
    )
    wait_for(lambda: "WorkerLostError" in stack.log_text(stack.worker), 30, what="the worker to notice")
    time.sleep(3)  # the requeued message runs again in the new pool process: "not mine" (the claim holds)
    row = notification_of(booking.pk)
    say(f"after the redelivery of the task: delivery={row['delivery']}, SMTP messages {len(server.messages)}")
    db()
    now = timezone.now()
    Notification.objects.filter(pk=row["pk"]).update(
        claimed_at=now - timedelta(minutes=11), queued_at=now - timedelta(minutes=16)
    )
    say("aged the row's claimed_at by 11 minutes and queued_at by 16 (in place of waiting 15 minutes)")
    out, seconds = stack.sweep()
    queued = re.search(r"queued=(\d+)", out).group(1)
    say(f"sweep ({seconds:.1f} s): queued={queued}")
    wait_for(lambda: notification_of(booking.pk)["delivery"] == "sent", 60, what="the resend")
    row = notification_of(booking.pk)
    ids = [re.search(r"^Message-ID: (.*)$", m, re.M).group(1).strip() for m in server.messages]
    say(
        f"row {row['pk']}: delivery={row['delivery']} attempts={row['attempts']}; the SMTP server received "
        f"{len(server.messages)} messages with Message-IDs {ids}"
    )
    server.close()
    stack.stop(stack.worker)
    stack.start_worker("worker-after-smtp")
    return {"smtp_messages": len(server.messages), "distinct": len(set(ids)), "attempts": row["attempts"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="redis,postgres,worker,worker-child,smtp-window")
    parser.add_argument("--bookings", type=int, default=3000, help="reminders in the worker drill (default 3000)")
    parser.add_argument("--redis-down", type=float, default=20, help="seconds Redis stays down (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, mail)")
    args = parser.parse_args()
    drills = args.only.split(",")

    stack = Stack(keep=args.keep)
    results = {}
    try:
        say(f"scratch folder {stack.dir}; load average {' '.join(loadavg())}")
        stack.start_redis()
        stack.start_postgres()
        say(f"private Redis on {REDIS_PORT} and PostgreSQL on {PG_PORT} are up")
        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("seed_demo")
        stack.manage("collectstatic", "--noinput", "-v0")
        django_setup(stack)
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        time.sleep(3)
        # seed_demo's reminders were queued before the worker started: let it send them first.
        say("gunicorn (2 workers), a Celery worker (concurrency 2) and beat are up")
        if "redis" in drills:
            results["redis"] = drill_redis(stack, args.redis_down)
        if "postgres" in drills:
            results["postgres"] = drill_postgres(stack)
        if "worker" in drills:
            results["worker"] = drill_worker(stack, args.bookings)
        if "worker-child" in drills:
            results["worker-child"] = drill_worker(stack, args.bookings, child_only=True)
        if "smtp-window" in drills:
            results["smtp-window"] = drill_smtp_window(stack)
        say(f"summary: {json.dumps(results, default=str)}")
        say(f"load average at the end {' '.join(loadavg())}")
    finally:
        with contextlib.suppress(Exception):  # Django may not be set up yet
            from django.db import connections

            connections.close_all()
        stack.cleanup()


if __name__ == "__main__":
    main()
