"""The fair benchmark: every main page for three personas, beside admin and the floor, demo and national.

    .venv/bin/python benchmarks/bench.py                  # what `make bench` runs
    .venv/bin/python benchmarks/bench.py --rounds 3 --load-duration 30 --keep
    .venv/bin/python benchmarks/bench.py --reuse           # the databases kept by --keep

Steps (see benchmarks/README.md, "The fair benchmark", for what the figures mean):

1. Two databases on the PostgreSQL of PGHOST/PGUSER (default 127.0.0.1, postgres):
   ``--demo-db`` (``migrate`` and ``seed_demo``) and ``--national-db`` (``migrate`` and
   ``scale.py --seed-only --largest 20000``: 38,000 people, 20,000 of them at the largest
   institution). A database that already exists is refused unless ``--reuse`` (then it is only
   migrated, so it must hold what this script seeded). Databases the script created are
   dropped at the end unless ``--keep``.
2. A plan per data set (``bench_round.py plan``): the personas (the university liaison
   officer of the largest institution, the police liaison officer of the force with the most
   live partnerships, an administrator), each page's subject (the one that shows the most)
   and its admin counterpart.
3. ``--rounds`` rounds. In each, for each persona, for each data set (the order alternates by
   round), a fresh process (``bench_round.py time``) times every page ``--repeats`` times after
   ``--warmup`` untimed passes, each request followed by its admin counterpart and the floor
   page. A page's figure is the median (p50) of its per-round medians.
4. The harness check: gunicorn (1 worker) serves the national data, and the university
   liaison officer's floor page and four pages are timed through the test client and over
   HTTP alternately.
5. The load test (``load/run.sh``, session series) on each data set: ``--load-users`` users on
   2 gunicorn workers for ``--load-duration`` seconds each.
6. The tables, printed and written to ``--out``/bench.md (with every sample in bench.json).
"""

import argparse
import csv
import json
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGUSER = os.environ.get("PGUSER", "postgres")
DATASETS = ("demo", "national")
HARNESS_PAGES = "dashboard,partnership_list,partnership,agreement"  # and the floor page


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="fresh processes per persona and data set (default 5)")
    parser.add_argument("--repeats", type=int, default=2, help="timed requests of each page per round (default 2)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests of each page per round (default 1)")
    parser.add_argument(
        "--largest", type=int, default=20_000, help="people at the largest institution (default 20,000)"
    )
    parser.add_argument("--demo-db", default="portal_bench_demo")
    parser.add_argument("--national-db", default="portal_bench_national")
    parser.add_argument("--reuse", action="store_true", help="use databases that exist (migrated, not seeded again)")
    parser.add_argument("--keep", action="store_true", help="keep the databases the script created")
    parser.add_argument("--load-users", default="50 100", help='users of each load run (default "50 100")')
    parser.add_argument("--load-duration", type=int, default=45, help="seconds per load run (default 45)")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-harness", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="default benchmarks/results")
    args = parser.parse_args()
    if args.rounds < 1 or args.repeats < 1 or args.warmup < 0:
        parser.error("--rounds and --repeats must be at least 1, --warmup at least 0")
    return args


ARGS = parse_args()
SCRATCH = Path(tempfile.mkdtemp(prefix="portal-bench-"))
SECRET = "bench-" + secrets.token_urlsafe(30)


def out(text=""):
    print(text, flush=True)


def env_for(db: str, **extra) -> dict:
    var = SCRATCH / f"var-{db}"
    var.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DATABASE_URL": f"postgres://{PGUSER}@{PGHOST}:5432/{db}",
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "SECRET_KEY": SECRET,
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "CELERY_BROKER_URL": "",  # the filesystem broker in VAR_DIR: what seed_demo publishes stays there
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore::UserWarning",  # WhiteNoise: no staticfiles/ (nothing static is fetched)
        **extra,
    }


def run(command: list, env: dict, log: Path | None = None, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if log is not None:
        with log.open("a") as file:
            file.write(f"$ {' '.join(map(str, command))}\n{result.stdout}{result.stderr}\n")
    if check and result.returncode != 0:
        said = f"{result.stdout[-2000:]}{result.stderr[-3000:]}"
        sys.exit(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{said}")
    return result


def database_exists(db: str) -> bool:
    query = "select 1 from pg_database where datname = :'name'"
    found = subprocess.run(  # noqa: S603
        ["psql", "-h", PGHOST, "-U", PGUSER, "-At", "-v", f"name={db}", "postgres"],  # noqa: S607
        input=query,
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip() == "1"


def prepare(dataset: str, db: str, created: list) -> None:
    start = time.perf_counter()
    env = env_for(db)
    log = SCRATCH / f"setup-{dataset}.log"
    if database_exists(db):
        if not ARGS.reuse:
            sys.exit(f"Database {db} exists: drop it, or pass --reuse to use it as it is (seeded by this script).")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env, log)
        out(f"  {dataset}: reused {db}, migrated ({time.perf_counter() - start:.0f} s)")
        return
    subprocess.run(["createdb", "-h", PGHOST, "-U", PGUSER, db], check=True)  # noqa: S603,S607
    created.append(db)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env, log)
    if dataset == "demo":
        run([PYTHON, "manage.py", "seed_demo"], env, log)
    else:
        scale = {**env, "DJANGO_SETTINGS_MODULE": "benchmarks.scale_settings"}
        run([PYTHON, "benchmarks/scale.py", "--seed-only", "--largest", str(ARGS.largest)], scale, log)
    out(f"  {dataset}: created {db}, migrated and seeded ({time.perf_counter() - start:.0f} s)")


# --- pages -------------------------------------------------------------------------------------


def p50(values):
    return statistics.median(values) if values else None


def measure(plans: dict, dbs: dict) -> dict:
    """Every round's samples: rounds[dataset][persona] = [bench_round.py's result, ...]."""
    rounds = {dataset: {p["key"]: [] for p in plans[dataset]["personas"]} for dataset in DATASETS}
    for n in range(ARGS.rounds):
        start = time.perf_counter()
        for persona in [p["key"] for p in plans["national"]["personas"]]:
            for dataset in DATASETS if n % 2 == 0 else DATASETS[::-1]:
                result = SCRATCH / f"round-{dataset}-{persona}-{n}.json"
                command = [
                    PYTHON,
                    "benchmarks/bench_round.py",
                    "time",
                    SCRATCH / f"plan-{dataset}.json",
                    persona,
                    result,
                    f"--repeats={ARGS.repeats}",
                    f"--warmup={ARGS.warmup}",
                    f"--seed={n}",
                ]
                if n == 0:
                    command.append("--queries")
                run(command, env_for(dbs[dataset]), SCRATCH / "rounds.log")
                rounds[dataset][persona].append(json.loads(result.read_text()))
        out(f"  round {n + 1} of {ARGS.rounds}: {time.perf_counter() - start:.0f} s, load {os.getloadavg()[0]:.1f}")
    return rounds


def summarise(plans: dict, rounds: dict) -> dict:
    """Per data set, persona and page: p50 of the per-round medians of page, admin and floor."""
    figures = {}
    for dataset in DATASETS:
        for persona in plans[dataset]["personas"]:
            results = rounds[dataset][persona["key"]]
            for page in persona["pages"]:
                per_round = {"page": [], "admin": [], "floor": []}
                status, queries, size = {}, {}, None
                for result in results:
                    entry = result["pages"].get(page["key"])
                    if entry is None:
                        continue
                    for role, times in entry["times"].items():
                        if times:
                            per_round[role].append(statistics.median(times))
                    status.update(entry["status"])
                    queries = entry.get("queries") or queries
                    size = result.get("bytes", {}).get(page["key"], size)
                figures[dataset, persona["key"], page["key"]] = {
                    **{role: p50(values) for role, values in per_round.items()},
                    "spread": {role: (min(v), max(v)) for role, v in per_round.items() if v},
                    "status": status,
                    "queries": queries,
                    "bytes": size,
                }
    return figures


def ratio(a, b) -> str:
    return f"{a / b:.2f}" if a and b else "–"


def ms(value) -> str:
    return f"{value:,.0f}" if value is not None else "–"


def page_tables(plans: dict, figures: dict) -> list[str]:
    lines = []
    national = plans["national"]
    for persona in national["personas"]:
        lines += [
            f"#### {persona['label']}",
            "",
            "| page | ms | queries | KiB | admin counterpart | admin ms | ÷ admin | floor ms | ÷ floor "
            "| demo ms | national ÷ demo |",
            "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for page in persona["pages"]:
            f = figures["national", persona["key"], page["key"]]
            d = figures.get(("demo", persona["key"], page["key"]), {})
            failed = ", ".join(
                f"{role} answered {code}" for role, code in {**f["status"], **d.get("status", {})}.items()
            )
            admin = page["admin"]
            if admin is None:
                counterpart = "none (dashboard)"
            elif admin["kind"] == "list":
                counterpart = f"change list of {admin['model']}"
            else:
                counterpart = f"change form of {admin['model']}, same object"
            queries = f["queries"].get("page", "–")
            admin_queries = f["queries"].get("admin")
            admin_label = counterpart + (f" ({admin_queries} queries)" if admin_queries is not None else "")
            kib = f"{f['bytes'] / 1024:,.0f}" if f["bytes"] else "–"
            lines.append(
                f"| {page['label']}{' (' + failed + ')' if failed else ''} | {ms(f['page'])} | {queries} | {kib} "
                f"| {admin_label} | {ms(f['admin'])} | **{ratio(f['page'], f['admin'])}** | {ms(f['floor'])} "
                f"| {ratio(f['page'], f['floor'])} | {ms(d.get('page'))} | **{ratio(f['page'], d.get('page'))}** |"
            )
        lines.append("")
    return lines


def demo_table(plans: dict, figures: dict) -> list[str]:
    """The demo data set's own ratios, one column pair per persona."""
    personas = plans["demo"]["personas"]
    lines = [
        "| page | " + " | ".join(f"{p['key']}: ms, ÷ admin, ÷ floor" for p in personas) + " |",
        "|---|" + "---:|" * len(personas),
    ]
    for key, label in PAGE_LABELS.items():
        if key == "floor":
            continue
        cells = []
        for persona in personas:
            f = figures.get(("demo", persona["key"], key))
            cells.append(
                "–" if not f else f"{ms(f['page'])}, {ratio(f['page'], f['admin'])}, {ratio(f['page'], f['floor'])}"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


PAGE_LABELS = {"floor": "Floor page"}


# --- harness -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def harness(db: str) -> dict:
    """The same pages through the test client and over HTTP to gunicorn (1 sync worker), alternately."""
    port = free_port()
    env = env_for(db)
    log = (SCRATCH / "gunicorn-harness.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [Path(PYTHON).parent / "gunicorn", "portal.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
        + ["--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"gunicorn did not start: see {log.name}")
                time.sleep(0.2)
        results = []
        for n in range(ARGS.rounds):
            result = SCRATCH / f"harness-{n}.json"
            run(
                [PYTHON, "benchmarks/bench_round.py", "time", SCRATCH / "plan-national.json", "institution", result]
                + [f"--repeats={ARGS.repeats + 1}", "--warmup=1", f"--seed={n}", f"--http=http://127.0.0.1:{port}"]
                + [f"--only={HARNESS_PAGES}"],
                env,
                SCRATCH / "harness.log",
            )
            results.append(json.loads(result.read_text()))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    figures = {}
    for key in [*HARNESS_PAGES.split(","), "floor"]:
        per_round = {"page": [], "admin": [], "floor": []}
        for result in results:
            for role, times in result["pages"][key]["times"].items():
                if times:
                    per_round[role].append(statistics.median(times))
        figures[key] = {role: p50(values) for role, values in per_round.items()}
    return figures


# --- load --------------------------------------------------------------------------------------


def load(dataset: str, db: str, users: list[str]) -> dict:
    results = ARGS.out / f"load-{dataset}"
    shutil.rmtree(results, ignore_errors=True)
    env = {
        **os.environ,
        "LOAD_DB": db,
        "REUSE_DB": "1",
        "SETUP": "0",
        "SERIES": "session",
        "USERS": ARGS.load_users,
        "DURATION": f"{ARGS.load_duration}s",
        "PAUSE": "5",
        "LOAD_PORT": str(free_port()),  # not run.sh's fixed 8055: another load test may be running
        "LOAD_USERS": ",".join(users),
        "RESULTS": str(results),
        "VENV": str(Path(PYTHON).parent.parent),
        "PGHOST": PGHOST,
        "PGUSER": PGUSER,
    }
    start = time.perf_counter()
    run(["benchmarks/load/run.sh"], env, SCRATCH / f"load-{dataset}.log")
    out(f"  {dataset}: {time.perf_counter() - start:.0f} s")
    figures = {}
    for n in ARGS.load_users.split():
        with (results / f"session-u{n}_raw.csv").open() as file:
            rows = list(csv.DictReader(file))
        times = sorted(float(row["ms"]) for row in rows)
        figures[n] = {
            "requests": len(rows),
            "errors": sum(row["ok"] != "True" for row in rows),
            "rps": len(rows) / ARGS.load_duration,
            "p50": statistics.median(times) if times else None,
            "p95": times[math.ceil(0.95 * len(times)) - 1] if times else None,
        }
    return figures


# --- main --------------------------------------------------------------------------------------


def report(plans, figures, harness_figures, load_figures, started, seconds) -> str:
    national, demo = plans["national"]["counts"], plans["demo"]["counts"]
    lines = [
        f"Run of {started:%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} minutes; `benchmarks/bench.py --rounds {ARGS.rounds} "
        f"--repeats {ARGS.repeats} --warmup {ARGS.warmup} --largest {ARGS.largest} --load-users '{ARGS.load_users}' "
        f"--load-duration {ARGS.load_duration}`; {os.cpu_count()} CPUs, load average {LOAD_BEFORE} before, "
        f"{', '.join(f'{n:.1f}' for n in os.getloadavg())} after.",
        "",
        f"National data set: {national['users']:,} people ({national['largest_institution_people']:,} at the largest "
        f"institution), {national['partnerships']:,} partnerships, {national['agreements']:,} agreements, "
        f"{national['sessions']:,} sessions. Demo data set: {demo['users']} people, {demo['partnerships']} "
        f"partnerships, {demo['agreements']} agreements, {demo['sessions']} sessions.",
        "",
    ]
    if figures:
        lines += [
            f"### Pages (national data; p50 of {ARGS.rounds} rounds, each the median of {ARGS.repeats} requests)",
            "",
        ]
        floor = {
            p["key"]: p50([figures["national", p["key"], page["key"]]["floor"] for page in p["pages"]])
            for p in plans["national"]["personas"]
        }
        lines.append(
            "Floor page (base layout, signed in, no data), p50 over the persona's pages: "
            + ", ".join(f"{key} {ms(value)} ms" for key, value in floor.items())
            + "."
        )
        lines.append("")
        lines += page_tables(plans, figures)
        lines += ["### The same pages on the demo data (ms, ratio to admin, ratio to floor)", ""]
        lines += demo_table(plans, figures)
        lines.append("")
    if harness_figures:
        lines += [
            "### Harness: test client against HTTP to gunicorn (1 sync worker), national data, university liaison",
            "",
            "| page | test client ms | HTTP ms | HTTP ÷ test client |",
            "|---|---:|---:|---:|",
        ]
        for key, f in harness_figures.items():
            lines.append(
                f"| {PAGE_LABELS.get(key, key)} | {ms(f['page'])} | {ms(f['admin'])} | {ratio(f['admin'], f['page'])} |"
            )
        lines.append("")
    if load_figures:
        lines += [
            f"### Load: 2 gunicorn workers, session series, {ARGS.load_duration} s per run",
            "",
            "| users | data | requests | errors | req/s | p50 ms | p95 ms | p50 national ÷ demo |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for n in ARGS.load_users.split():
            for dataset in DATASETS:
                f = load_figures[dataset][n]
                versus = ratio(f["p50"], load_figures["demo"][n]["p50"]) if dataset == "national" else ""
                lines.append(
                    f"| {n} | {dataset} | {f['requests']:,} | {f['errors']} | {f['rps']:.1f} | {ms(f['p50'])} "
                    f"| {ms(f['p95'])} | {versus} |"
                )
        lines.append("")
    return "\n".join(lines)


LOAD_BEFORE = ", ".join(f"{n:.1f}" for n in os.getloadavg())


def main() -> int:
    started, start = datetime.now(UTC), time.perf_counter()
    dbs = {"demo": ARGS.demo_db, "national": ARGS.national_db}
    created = []
    ARGS.out.mkdir(parents=True, exist_ok=True)
    try:
        out("Databases:")
        for dataset in DATASETS:
            prepare(dataset, dbs[dataset], created)
        plans = {}
        for dataset in DATASETS:
            path = SCRATCH / f"plan-{dataset}.json"
            run([PYTHON, "benchmarks/bench_round.py", "plan", path], env_for(dbs[dataset]))
            plans[dataset] = json.loads(path.read_text())
        for persona in plans["national"]["personas"]:
            PAGE_LABELS.update({page["key"]: page["label"] for page in persona["pages"]})
        figures, rounds, harness_figures, load_figures = {}, {}, {}, {}
        if not ARGS.skip_pages:
            out(f"Pages ({ARGS.rounds} rounds of {len(DATASETS) * len(plans['national']['personas'])} processes):")
            rounds = measure(plans, dbs)
            figures = summarise(plans, rounds)
        if not ARGS.skip_harness:
            out("Harness (test client against gunicorn):")
            harness_figures = harness(dbs["national"])
        if not ARGS.skip_load:
            out("Load:")
            for dataset in DATASETS:
                load_figures[dataset] = load(dataset, dbs[dataset], plans[dataset]["load_users"])
        text = report(plans, figures, harness_figures, load_figures, started, time.perf_counter() - start)
        (ARGS.out / "bench.md").write_text(text + "\n")
        (ARGS.out / "bench.json").write_text(
            json.dumps(
                {
                    "args": {k: str(v) for k, v in vars(ARGS).items()},
                    "plans": plans,
                    "rounds": rounds,
                    "harness": harness_figures,
                    "load": load_figures,
                },
                indent=1,
            )
        )
        out()
        out(text)
        out(f"Written to {ARGS.out / 'bench.md'} and bench.json ({(time.perf_counter() - start) / 60:.1f} minutes).")
    finally:
        for db in created:
            if not ARGS.keep:
                subprocess.run(["dropdb", "-h", PGHOST, "-U", PGUSER, "--if-exists", db], check=False)  # noqa: S603,S607
        shutil.rmtree(SCRATCH, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
