"""Time the dashboards and counts by health, and EXPLAIN the partnership scope, on scale.py's data.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_scale
    DEBUG=true .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/scale.py --skip-worker --keep     # seeds the national data set
    .venv/bin/python benchmarks/health_and_scope.py [--requests 30] [--jit on|off|both] [--nightly]

Read-only unless ``--nightly``, which times the nightly check of every partnership's stored
health (``partnerships.stored_health.check_all``): once with nothing to correct, and once
after emptying every stored light (what the data migration does on first install).

Personas: the police liaison officer of the force with the most partnerships (226 on the
national data set, 5 shown on the dashboard) and an administrator (the count by health of all
10,000). Each page is fetched with Django's test ``Client`` in this process (``force_login``,
a second factor marked verified for both, who must use one), ``--warmup`` times and then
``--requests`` times; the queries of one more request are counted. ``--jit`` sets PostgreSQL's
JIT on the connection (the portal's settings turn it off; ``on`` is the server's default).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--jit", choices=["on", "off", "both"], default="both", help="JIT on the connection")
    parser.add_argument("--nightly", action="store_true", help="also time the nightly check (writes)")
    parser.add_argument("--no-explain", action="store_true", help="leave out the query plans")
    return parser.parse_args()


ARGS = parse_args()
if not os.environ.get("DATABASE_URL", "").strip():
    sys.exit("Set DATABASE_URL to the database scale.py --keep seeded: see the top of this file.")
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.scale_settings"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("SECRET_KEY", "health-benchmark-only-not-a-secret-" + "x" * 20)

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from partnerships import dashboard  # noqa: E402
from partnerships.models import Organisation, OrganisationKind, Partnership  # noqa: E402


def timed(fn, requests, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def counted(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured), sum(float(q["time"]) for q in captured) * 1000, captured.captured_queries


def login(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if user.role in (Role.ADMINISTRATOR, Role.POLICE_LIAISON) or user.is_superuser:  # they need a second factor
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Health benchmark", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session["two_factor_has_device"] = True  # accounts.two_factor.HAS_DEVICE_KEY
        session.save()
    return client


def get(client, url):
    def fetch():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code} {response.get('Location', '')}")

    return fetch


def set_jit(value):
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {value}")


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def main():
    force = (
        Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)
        .annotate(n=Count("police_partnerships"))
        .order_by("-n")
        .first()
    )
    police = User.objects.filter(organisation=force, role=Role.POLICE_LIAISON, is_active=True).first()
    admin = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).first()
    live = Partnership.objects.visible_to(police).live().count()
    print(f"Data: {Partnership.objects.count():,} partnerships; {force.name} has {force.n} ({live} live)")
    print(f"Code: {'stored health' if hasattr(Partnership, 'health') else 'health computed per request'}")
    dashboard_url = reverse("portal:dashboard")
    cases = [
        ("Dashboard, police liaison (busiest force)", get(login(police), dashboard_url)),
        ("Dashboard, administrator", get(login(admin), dashboard_url)),
        ("Partnerships list, police liaison", get(login(police), reverse("partnerships:partnership_list"))),
        (
            "Partnerships list by health, administrator",
            get(login(admin), reverse("partnerships:partnership_list") + "?health=red&sort=health"),
        ),
        ("  partnership_summary(police)", lambda: dashboard.partnership_summary(police)),
        ("  partnerships_by_health(admin)", lambda: dashboard.partnerships_by_health(admin)),
    ]
    for jit in ["off", "on"] if ARGS.jit == "both" else [ARGS.jit]:
        set_jit(jit)
        print(f"\nJIT {jit}: median and p95 of {ARGS.requests} (ms); queries and their SQL ms in one more")
        for label, fn in cases:
            median, p95 = timed(fn, ARGS.requests, ARGS.warmup)
            queries, sql_ms, _ = counted(fn)
            print(f"  {label:<46} {median:7.1f} {p95:7.1f}   {queries:3d} queries {sql_ms:6.1f} ms SQL")
    set_jit("off")
    if not ARGS.no_explain:
        _, _, captured = counted(lambda: dashboard.partnership_summary(police))
        scope_sql, scope_params = Partnership.objects.visible_to(police).live().values("pk").query.sql_with_params()
        plans = {
            "the dashboard's partnerships (police liaison)": (captured[0]["sql"], None),
            "counts by health (administrator)": (
                counted(lambda: dashboard.partnerships_by_health(admin))[2][0]["sql"],
                None,
            ),
            # The SQL is the ORM's own, wrapped to count it.
            "the police liaison's scope, counted": (f"SELECT count(*) FROM ({scope_sql}) AS scope", scope_params),  # noqa: S608
        }
        for jit in ["off", "on"] if ARGS.jit == "both" else [ARGS.jit]:
            set_jit(jit)
            for label, (sql, params) in plans.items():
                print(f"\nEXPLAIN ANALYZE, JIT {jit}: {label}")
                for line in explain(sql, params):
                    print("  " + line)
        set_jit("off")
    if ARGS.nightly:
        from partnerships import stored_health

        start = time.perf_counter()
        result = stored_health.check_all()
        print(f"\nNightly check, nothing to correct: {(time.perf_counter() - start):.1f} s, {result}")
        Partnership.objects.update(health=None, health_changes_on=None)
        start = time.perf_counter()
        result = stored_health.check_all(log_drift=False)
        print(f"Nightly check filling every light: {(time.perf_counter() - start):.1f} s, {result}")


if __name__ == "__main__":
    main()
