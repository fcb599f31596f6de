"""One step of benchmarks/bench.py, in a process of its own (bench.py runs it; see there).

    bench_round.py plan OUT.json
        Chooses the personas and the subject of each page on the database of the environment
        and writes them, with each page's admin counterpart, to OUT.json.
    bench_round.py time PLAN.json PERSONA OUT.json [--repeats 3] [--warmup 1] [--seed 0]
                                               [--queries] [--http http://127.0.0.1:PORT]
        Times every page of PERSONA interleaved with its baselines (see ``time_round``) and
        writes the milliseconds to OUT.json.

The environment (set by bench.py): DATABASE_URL, DJANGO_SETTINGS_MODULE=benchmarks.bench_settings,
DEBUG=false and the rest of what the settings need.
"""

import argparse
import http.client
import json
import logging
import sys
import time
from pathlib import Path
from random import Random
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Case, Count, IntegerField, Q, Value, When  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from agreements.models import A, Agreement  # noqa: E402
from partnerships.models import Organisation, Partnership, PartnershipStatus  # noqa: E402
from people.permissions import can_see_people  # noqa: E402
from training.models import Session, SessionStatus  # noqa: E402
from training.permissions import can_see_compliance  # noqa: E402

logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise
FLOOR = "/bench/floor/"

# Each page: its key, its label, and the admin page it is compared with ("list": the change list
# of the model, "detail": the change form of the same object; dashboards have none).
PAGES = [
    ("dashboard", "Dashboard"),
    ("partnership_list", "Partnerships list"),
    ("partnership", "Partnership page"),
    ("shares_awaiting", "Shares awaiting feedback"),
    ("actions", "Actions"),
    ("notifications", "Notifications"),
    ("people", "People page"),
    ("agreement_list", "Agreements list"),
    ("agreement", "Agreement page"),
    ("agreement_review", "Agreement review page"),
    ("agreement_compare", "Agreement compare page"),
    ("session_list", "Sessions list"),
    ("session", "Session page"),
    ("compliance", "Compliance matrix"),
]


def changelist(model: str) -> dict:
    return {"url": reverse(f"admin:{model}_changelist"), "kind": "list", "model": model}


def change_form(model: str, pk: int) -> dict:
    return {"url": reverse(f"admin:{model}_change", args=[pk]), "kind": "form", "model": model}


# --- plan --------------------------------------------------------------------------------------


def largest_institution():
    return (
        Organisation.objects.institutions()
        .annotate(people=Count("members", filter=Q(members__is_active=True)))
        .order_by("-people", "pk")
        .first()
    )


def busiest_force():
    return (
        Organisation.objects.police_forces()
        .annotate(
            partnerships=Count("police_partnerships", filter=~Q(police_partnerships__status=PartnershipStatus.ENDED))
        )
        .filter(members__role=Role.POLICE_LIAISON, members__is_active=True)
        .order_by("-partnerships", "pk")
        .first()
    )


def first_user(**conditions):
    return User.objects.filter(is_active=True, **conditions).order_by("pk").first()


def pages_for(user, largest) -> list[dict]:
    """The persona's pages, each with the subject that shows the most, and its admin counterpart."""
    pages = {
        "dashboard": (reverse("portal:dashboard"), None),
        "partnership_list": (reverse("partnerships:partnership_list"), changelist("partnerships_partnership")),
        "shares_awaiting": (
            reverse("partnerships:shares_awaiting_feedback"),
            changelist("partnerships_informationshare"),
        ),
        "actions": (reverse("partnerships:my_actions"), changelist("partnerships_action")),
        "notifications": (reverse("notifications:list"), changelist("notifications_notification")),
        "agreement_list": (reverse("agreements:list"), changelist("agreements_agreement")),
        "session_list": (reverse("training:session_list"), changelist("training_session")),
    }
    partnership = Partnership.objects.visible_to(user).annotate(n=Count("engagements")).order_by("-n", "pk").first()
    if partnership:
        pages["partnership"] = (
            partnership.get_absolute_url(),
            change_form("partnerships_partnership", partnership.pk),
        )
    organisation = user.organisation if not user.is_administrator else largest
    if can_see_people(user, organisation):
        pages["people"] = (
            reverse("people:organisation_people", args=[organisation.pk]),
            changelist("accounts_user"),
        )
    agreements = Agreement.objects.visible_to(user).annotate(versions_n=Count("versions"))
    in_force_first = Case(When(status=A.IN_FORCE, then=Value(0)), default=Value(1), output_field=IntegerField())
    agreement = agreements.order_by(in_force_first, "-versions_n", "pk").first()
    if agreement:
        pages["agreement"] = (agreement.get_absolute_url(), change_form("agreements_agreement", agreement.pk))
    in_review = Case(When(status=A.IN_REVIEW, then=Value(0)), default=Value(1), output_field=IntegerField())
    review = agreements.filter(versions_n__gt=0).order_by(in_review, "-versions_n", "pk").first()
    if review:
        pages["agreement_review"] = (
            reverse("agreements:review", args=[review.pk]),
            change_form("agreements_agreement", review.pk),
        )
    compare = agreements.filter(versions_n__gt=0).order_by("-versions_n", "pk").first()
    if compare:
        pages["agreement_compare"] = (
            reverse("agreements:compare", args=[compare.pk]),
            change_form("agreements_agreement", compare.pk),
        )
    sessions = Session.objects.visible_to(user).annotate(booked=Count("bookings"))
    upcoming = sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
    session = upcoming.order_by("-booked", "pk").first() or sessions.order_by("-booked", "pk").first()
    if session:
        pages["session"] = (
            reverse("training:session_detail", args=[session.pk]),
            change_form("training_session", session.pk),
        )
    if can_see_compliance(user):
        url = reverse("training:compliance")
        if user.is_administrator:
            url += f"?institution={largest.pk}"
        pages["compliance"] = (url, changelist("accounts_user"))
    return [
        {"key": key, "label": label, "url": pages[key][0], "admin": pages[key][1]}
        for key, label in PAGES
        if key in pages
    ]


def make_plan(out: Path) -> None:
    largest, force = largest_institution(), busiest_force()
    administrator = first_user(role=Role.ADMINISTRATOR, is_superuser=True)
    liaison = first_user(organisation=largest, role=Role.UNIVERSITY_LIAISON)
    police = first_user(organisation=force, role=Role.POLICE_LIAISON)
    staff = first_user(organisation=largest, role=Role.STAFF)
    if not all((largest, force, administrator, liaison, police, staff)):
        sys.exit(
            "The database lacks an institution with a liaison officer and staff, a police force or an administrator."
        )
    people = User.objects.filter(organisation=largest).count()
    active = User.objects.filter(organisation=largest, is_active=True).count()
    live = Partnership.objects.live()
    personas = [
        (
            "institution",
            f"University liaison officer, largest institution ({people:,} people, {active:,} active)",
            liaison,
        ),
        (
            "police",
            f"Police liaison officer, busiest force ({live.filter(police_force=force).count()} live partnerships)",
            police,
        ),
        ("administrator", "Administrator", administrator),
    ]
    plan = {
        "administrator": administrator.pk,
        "load_users": [liaison.username, staff.username],
        "counts": {
            "users": User.objects.count(),
            "partnerships": Partnership.objects.count(),
            "agreements": Agreement.objects.count(),
            "sessions": Session.objects.count(),
            "largest_institution_people": people,
        },
        "personas": [
            {"key": key, "label": label, "user": user.pk, "username": user.username, "pages": pages_for(user, largest)}
            for key, label, user in personas
        ],
    }
    out.write_text(json.dumps(plan, indent=1))


# --- timing ------------------------------------------------------------------------------------


def login(user) -> Client:
    """A client signed in as ``user``, with a verified second factor when the portal asks for one."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(FLOOR)
    if response.status_code == 302:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.two_factor import HAS_DEVICE_KEY

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[HAS_DEVICE_KEY] = True
        session.save()
        response = client.get(FLOOR)
    if response.status_code != 200:
        sys.exit(f"{user.username} cannot open the floor page: {response.status_code} {response.get('Location', '')}")
    return client


class Fetcher:
    """GET through Django's test client, or through HTTP to a server with the same session."""

    def __init__(self, client: Client, base: str | None = None):
        self.client = client
        self.base = urlsplit(base) if base else None
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def get(self, url: str) -> tuple[float, int, int]:
        """Milliseconds, status and bytes of one GET."""
        if self.base is None:
            start = time.perf_counter()
            response = self.client.get(url)
            ms = (time.perf_counter() - start) * 1000
            return ms, response.status_code, len(response.content)
        start = time.perf_counter()
        conn = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=60)
        conn.request("GET", url, headers={"Cookie": self.cookie, "Host": self.base.hostname})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return (time.perf_counter() - start) * 1000, response.status, len(body)


def time_round(plan: dict, persona_key: str, args) -> dict:
    """Each page, its admin counterpart and the floor page, one after the other, repeatedly.

    For every page in a shuffled order (``--seed``): ``--warmup`` untimed passes, then
    ``--repeats`` timed passes of [page, admin counterpart, floor]. With ``--http``, the admin
    counterpart is replaced by the same page fetched over HTTP (the harness comparison).
    """
    persona = next(p for p in plan["personas"] if p["key"] == persona_key)
    users = User.objects.in_bulk([persona["user"], plan["administrator"]])
    mine = Fetcher(login(users[persona["user"]]))
    if args.http:
        other = Fetcher(mine.client, args.http)
    elif persona["user"] == plan["administrator"]:
        other = mine
    else:
        other = Fetcher(login(users[plan["administrator"]]))
    pages = list(persona["pages"])
    if args.only:
        pages = [page for page in pages if page["key"] in args.only.split(",")]
    if args.http:  # the floor page over HTTP too
        pages.append({"key": "floor", "label": "Floor page", "url": FLOOR, "admin": None})
    Random(args.seed).shuffle(pages)
    result = {"persona": persona_key, "pages": {}}
    for page in pages:
        baseline = page["admin"]["url"] if page["admin"] else None
        if args.http:  # the same page over HTTP instead
            baseline = page["url"]
        times = {"page": [], "admin": [], "floor": []}
        status = {}
        for n in range(args.warmup + args.repeats):
            for role, fetcher, url in (("page", mine, page["url"]), ("admin", other, baseline), ("floor", mine, FLOOR)):
                if url is None or status.get(role, 200) != 200:
                    continue
                ms, code, size = fetcher.get(url)
                if code != 200:
                    status[role] = code
                    continue
                if n >= args.warmup:
                    times[role].append(ms)
                if role == "page":
                    result.setdefault("bytes", {})[page["key"]] = size
        entry = {"times": times, "status": status}
        if args.queries:
            entry["queries"] = {
                role: count_queries(fetcher.client, url)
                for role, fetcher, url in (
                    ("page", mine, page["url"]),
                    ("admin", other, baseline),
                    ("floor", mine, FLOOR),
                )
                if url is not None and status.get(role, 200) == 200 and not (args.http and role == "admin")
            }
        result["pages"][page["key"]] = entry
    return result


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    plan = sub.add_parser("plan")
    plan.add_argument("out", type=Path)
    timing = sub.add_parser("time")
    timing.add_argument("plan", type=Path)
    timing.add_argument("persona")
    timing.add_argument("out", type=Path)
    timing.add_argument("--repeats", type=int, default=3)
    timing.add_argument("--warmup", type=int, default=1)
    timing.add_argument("--seed", type=int, default=0)
    timing.add_argument("--queries", action="store_true", help="count each page's queries once after timing")
    timing.add_argument("--http", help="compare the test client with HTTP to this server instead of with admin")
    timing.add_argument("--only", help="comma-separated page keys")
    args = parser.parse_args()
    if args.command == "plan":
        make_plan(args.out)
    else:
        plan = json.loads(args.plan.read_text())
        args.out.write_text(json.dumps(time_round(plan, args.persona, args)))


if __name__ == "__main__":
    main()
