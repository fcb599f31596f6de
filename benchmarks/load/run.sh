#!/usr/bin/env bash
# Load test of the portal under gunicorn (2 sync workers) with locust: see benchmarks/README.md.
#
#   benchmarks/load/run.sh                 # 10, 50 and 100 users, 60 s each, both series
#   USERS="10 50" DURATION=30s SERIES=login benchmarks/load/run.sh
#   LOAD_DB=portal_bench_national REUSE_DB=1 SETUP=0 LOAD_USERS=a,b SERIES=session benchmarks/load/run.sh
#       (what benchmarks/bench.py runs: a database seeded beforehand, used as it is, browsed
#       by the users named in LOAD_USERS; VENV names the virtualenv, default .venv)
#
# What it does, from the repository root:
#   1. createdb portal_load on the local PostgreSQL (refuses if it exists, unless REUSE_DB=1),
#      migrate, seed_demo, collectstatic into a scratch folder (benchmarks/load/settings.py);
#   2. starts gunicorn portal.wsgi --workers 2 on 127.0.0.1:8055 with DEBUG=false, HTTPS=false,
#      ALLOWED_HOSTS=127.0.0.1, CELERY_BROKER_URL=redis://127.0.0.1:6379/13 (no worker: the
#      pages browsed queue nothing; seed_demo's reminders are published there and flushed);
#   3. for each series and number of users N: locust --headless -u N -r N -t DURATION, CSV
#      summaries in benchmarks/load/results/<series>-uN_*.csv, every request in
#      <series>-uN_raw.csv, the load average sampled every 5 s in <series>-uN_loadavg.txt (with
#      the busiest processes just before the run, from top, and the CPU time gunicorn's
#      workers used during the run). Series "login": every simulated
#      user logs in through the form when it starts; series "session": each gets a session
#      made beforehand by make_sessions.py, so the run measures the pages alone;
#   4. prints the table (summarize.py), stops gunicorn, drops the database if it created it
#      (KEEP_DB=1 keeps it), flushes Redis database 13 (it refuses to start if that database
#      holds keys that are not Celery's), removes scratch folders.
set -euo pipefail
cd "$(dirname "$0")/../.."

USERS=${USERS:-"10 50 100"}
SERIES=${SERIES:-"login session"}
DURATION=${DURATION:-60s}
PAUSE=${PAUSE:-20}
DB=${LOAD_DB:-portal_load}
PORT=${LOAD_PORT:-8055}
REDIS_DB=${LOAD_REDIS_DB:-13}
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-postgres}
RESULTS=${RESULTS:-benchmarks/load/results}
SETUP=${SETUP:-1}  # 0: no migrate and seed_demo (the database is seeded already)
LOAD_USERS=${LOAD_USERS:-uni.liaison,staff.member}
VENV=${VENV:-.venv}
SCRATCH=$(mktemp -d /tmp/portal_load.XXXXXX)

export PGHOST PGUSER
export DJANGO_SETTINGS_MODULE=benchmarks.load.settings
export DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$DB"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/$REDIS_DB"
export DEBUG=false HTTPS=false ALLOWED_HOSTS=127.0.0.1 SECRET_KEY=load-test-only-not-a-secret
export SITE_URL="http://127.0.0.1:$PORT"
export VAR_DIR="$SCRATCH/var" BENCH_STATIC_ROOT="$SCRATCH/static" LOAD_USERS

redis_keys() { redis-cli -n "$REDIS_DB" --scan | grep -v -E '^(celery|_kombu\.|unacked)' || true; }
if [ -n "$(redis_keys)" ]; then
    echo "Redis database $REDIS_DB holds keys that are not Celery's; choose another with LOAD_REDIS_DB." >&2
    exit 2
fi
CREATED_DB=0
if psql -Atc "select 1 from pg_database where datname = '$DB'" postgres | grep -q 1; then
    if [ "${REUSE_DB:-0}" != 1 ]; then
        echo "Database $DB exists: drop it, or set REUSE_DB=1 to use it as it is." >&2
        exit 2
    fi
else
    createdb "$DB"
    CREATED_DB=1
fi

GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    if [ "$CREATED_DB" = 1 ] && [ "${KEEP_DB:-0}" != 1 ]; then
        dropdb --if-exists "$DB"
    fi
    redis-cli -n "$REDIS_DB" flushdb >/dev/null
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

if [ "$SETUP" = 1 ]; then
    "$VENV/bin/python" manage.py migrate --noinput -v0
    "$VENV/bin/python" manage.py seed_demo >/dev/null
fi
"$VENV/bin/python" manage.py collectstatic --noinput -v0

mkdir -p "$RESULTS"
# --no-control-socket: gunicorn 27 otherwise binds ~/.gunicorn/gunicorn.ctl, shared by every
# gunicorn of the same user on the machine.
"$VENV/bin/gunicorn" portal.wsgi --workers 2 --bind "127.0.0.1:$PORT" --no-control-socket \
    --error-logfile "$RESULTS/gunicorn.log" --capture-output &
GUNICORN_PID=$!
for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
    sleep 0.2
done

worker_cpu() {  # CPU seconds (user + system) used so far by gunicorn's worker processes
    local ticks=0 pid
    for pid in $(pgrep -P "$GUNICORN_PID"); do
        ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

sample_load() {  # $1 = file; samples the 1-, 5- and 15-minute load average every 5 s
    while :; do
        echo "during $(date +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$1"
        sleep 5
    done
}

for S in $SERIES; do
  for N in $USERS; do
    RUN="$RESULTS/$S-u$N"
    SESSIONS=""
    if [ "$S" = session ]; then
        SESSIONS="$SCRATCH/sessions-$N.txt"
        "$VENV/bin/python" benchmarks/load/make_sessions.py "$N" "$LOAD_USERS" >"$SESSIONS"
    fi
    {
        echo "before $(date +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "cpu-before $(worker_cpu) gunicorn workers $(pgrep -P "$GUNICORN_PID" | paste -sd,)"
        echo "# busiest processes just before the run (top, %CPU over 1 s, command):"
        top -b -n 2 -d 1 -w 200 -c | awk '/^top -/ {n++} n == 2' | sed -n '8,13p' \
            | awk '{ $1=$2=$3=$4=$5=$6=$7=$8=$10=$11=""; print }' | cut -c1-130 | sed 's/^ */#   /'
    } >"${RUN}_loadavg.txt"
    sample_load "${RUN}_loadavg.txt" &
    SAMPLER=$!
    LOAD_RAW_CSV="${RUN}_raw.csv" LOAD_SESSIONS_FILE="$SESSIONS" "$VENV/bin/locust" -f benchmarks/load/locustfile.py \
        --headless -u "$N" -r "$N" -t "$DURATION" --host "http://127.0.0.1:$PORT" \
        --csv "$RUN" --only-summary >"${RUN}_locust.log" 2>&1 || true
    kill "$SAMPLER"
    wait "$SAMPLER" 2>/dev/null || true
    {
        echo "after $(date +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "cpu-after $(worker_cpu) gunicorn workers $(pgrep -P "$GUNICORN_PID" | paste -sd,)"
    } >>"${RUN}_loadavg.txt"
    echo "$S, $N users: $(grep -m1 Aggregated "${RUN}_locust.log")"
    sleep "$PAUSE"
  done
done

"$VENV/bin/python" benchmarks/load/summarize.py "$RESULTS" --duration "${DURATION%s}" | tee "$RESULTS/summary.md"
