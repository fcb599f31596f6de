"""Turn benchmarks/load/results/ into the Markdown table of benchmarks/README.md.

    .venv/bin/python benchmarks/load/summarize.py [results-dir] [--duration 60]

For each ``<series>-u<N>_stats.csv`` (locust's own summary) it prints locust's aggregated
row, then from ``<series>-u<N>_raw.csv`` (every request, written by the locustfile):

- *pages*: every request except the two of the login (the login POST runs the password hash
  on purpose, about half a second of CPU, and then follows the redirect to the dashboard);
- *steady*: pages that started after the last simulated user had logged in, so the
  figure is not inflated by the burst of logins at the start;

and from ``<series>-u<N>_loadavg.txt`` (written by run.sh) the load average (the 1-minute
figure just before the run, which is the rest of the machine, and the highest one sampled
during it) and the CPU time gunicorn's two workers used, per request: unlike the request rate,
it hardly depends on what else the machine is doing (PostgreSQL's share is not in it).

Percentiles are nearest-rank over every request; locust's own are approximated (rounded to
two significant figures), so the two can differ slightly.
"""

import argparse
import csv
import math
import re
from pathlib import Path


def percentile(values, pct):
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def raw_rows(path):
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            yield float(row["start"]), row["name"], float(row["ms"]), row["ok"] == "True"


def figures(rows, seconds):
    times = [ms for _, _, ms, _ in rows]
    return {
        "requests": len(rows),
        "rps": len(rows) / seconds if seconds > 0 else float("nan"),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "max": max(times) if times else float("nan"),
        "failed": sum(1 for *_, ok in rows if not ok),
    }


def locust_aggregated(path):
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return {
                    "requests": int(row["Request Count"]),
                    "failed": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                    "max": float(row["Max Response Time"]),
                }
    raise SystemExit(f"{path}: no Aggregated row")


def loadavg(path):
    before, during, cpu = None, [], {}
    if not path.exists():
        return before, None, None
    for line in path.read_text().splitlines():
        if match := re.match(r"cpu-(before|after) ([\d.]+)", line):
            cpu[match.group(1)] = float(match.group(2))
            continue
        match = re.match(r"(before|during|after) \S+ ([\d.]+)", line)
        if not match:
            continue
        if match.group(1) == "before":
            before = float(match.group(2))
        else:
            during.append(float(match.group(2)))
    used = cpu["after"] - cpu["before"] if len(cpu) == 2 else None
    return before, max(during) if during else None, used


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="?", default=Path(__file__).parent / "results", type=Path)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds each run lasted (locust -t)")
    args = parser.parse_args()

    runs = sorted(
        (m.group(1), int(m.group(2)), p)
        for p in args.results.glob("*-u*_stats.csv")
        if (m := re.match(r"(\w+)-u(\d+)_stats", p.stem))
    )
    header = (
        "| series | users | requests | failed | req/s | p50 ms | p95 ms | p99 ms | max ms "
        "| pages req/s | pages p50/p95/p99 ms | steady req/s | steady p50/p95/p99 ms | last login done at "
        "| gunicorn CPU ms per request | load avg before / peak |"
    )
    print(header)
    print("|---:" * (header.count("|") - 1) + "|")
    for series, users, stats in runs:
        prefix = args.results / f"{series}-u{users}"
        agg = locust_aggregated(stats)
        raw = list(raw_rows(f"{prefix}_raw.csv"))
        first = min(start for start, *_ in raw)
        pages = [r for r in raw if not r[1].startswith("login")]
        logins = [r for r in raw if r[1] == "login (POST credentials)"]
        last_login = max(start + ms / 1000 for start, _, ms, _ in logins) if logins else first
        steady = [r for r in pages if r[0] >= last_login]
        page = figures(pages, args.duration)
        stead = figures(steady, first + args.duration - last_login)
        before, peak, cpu = loadavg(Path(f"{prefix}_loadavg.txt"))
        per_request = f"{cpu * 1000 / len(raw):.0f}" if cpu is not None and raw else "?"
        load = f"{before if before is not None else '?'} / {peak if peak is not None else '?'}"
        login_done = f"{last_login - first:.1f} s" if logins else "no login"
        print(
            f"| {series} | {users} | {agg['requests']:,} | {agg['failed']} | {agg['rps']:.1f} "
            f"| {agg['p50']:.0f} | {agg['p95']:.0f} | {agg['p99']:.0f} | {agg['max']:,.0f} "
            f"| {page['rps']:.1f} | {page['p50']:.0f} / {page['p95']:.0f} / {page['p99']:.0f} "
            f"| {stead['rps']:.1f} | {stead['p50']:.0f} / {stead['p95']:.0f} / {stead['p99']:.0f} "
            f"| {login_done} | {per_request} | {load} |"
        )


if __name__ == "__main__":
    main()
