"""Analytics benchmark: a full rollup rebuild over two years, and the dashboard's reads.

Run by hand (pytest never collects it), from the project root:

    .venv/bin/python bench/analytics.py                          # SQLite, 1,000,000 threads
    .venv/bin/python bench/analytics.py --database postgres      # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/analytics.py --threads 50000          # a quick try
    .venv/bin/python bench/analytics.py --var-dir /tmp/ha --keep --reuse   # build once, rerun

The data is `seed_scale --support` (bench/scale.py, the one generator): THREADS threads
over two years with their posts, and the support team's history (questions needing help,
tickets by deadline, asker and moderator, first responses, resolutions in and out of the
targets, reopenings, ratings, the secret guard's counts), on a Shanghai business calendar.

Then, each in a fresh process:

1. rebuild: `analytics.services.recompute_days` over every day of the data (the command
   `analytics_rollup` does the same), timed, with the posts and threads per second and the
   peak RSS of the process;
2. reads: /staff/analytics/ itself (an admin, every section) over 90 and 365 days, and
   the selectors of analytics.selectors (every scope's totals and each key's, read from
   the daily rows, for the period and the one before), and the public status page's
   typical wait; --runs times after one warm-up, the median shown.

Targets (issue 18): the rebuild under 5 minutes; each period's reads under 300 ms.
The data directory (SQLite) or database (PostgreSQL, `handoff_bench_analytics` unless
--pg-database) is removed at the end unless --keep is given.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "handoff_bench_analytics"
TARGETS = {"rebuild_seconds": 300.0, "read_ms": 300.0}
PERIODS = (90, 365)


def main() -> None:
    options = _parse_args()
    if options.child:
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        import django

        django.setup()
        result = {"rebuild": rebuild, "reads": reads}[options.child](options)
        print("RESULT " + json.dumps(result), flush=True)
        return

    var_dir = Path(options.var_dir or tempfile.mkdtemp(prefix="handoff-bench-analytics-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    env = _app_environment(var_dir)
    if options.database == "postgres":
        server = options.pg_url.rstrip("/")
        env["DATABASE_URL"] = f"{server}/{options.pg_database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    try:
        build = _build_or_reuse(env, var_dir, options)
        _analyze(env, options)
        print("Rebuilding every rollup:", flush=True)
        rebuilt = _child(env, "rebuild")
        print(f"  {json.dumps(rebuilt)}", flush=True)
        print("Reading the dashboard's figures:", flush=True)
        read = _child(env, "reads", f"--runs={options.runs}")
        _print_table(build, rebuilt, read, options)
    finally:
        if not options.keep:
            if options.database == "postgres":
                _pg_admin(options, f"DROP DATABASE IF EXISTS {options.pg_database} WITH (FORCE)")
            if not options.var_dir:
                shutil.rmtree(var_dir, ignore_errors=True)


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--threads", type=int, default=1_000_000)
    parser.add_argument("--posts-per-thread", type=float, default=3)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the reads")
    parser.add_argument("--var-dir", help="data directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the data afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse data built with the same sizes")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-database", default=PG_DATABASE)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


def _app_environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "HANDOFF_", "CELERY_", "CACHE_URL"))
    }
    env.update(
        HANDOFF_VAR_DIR=str(var_dir),
        HANDOFF_DEV_COMMANDS="1",  # seed_scale
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-any-deployment",
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="testserver",  # the dashboard is read through Django's client
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _pg_admin(options, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{options.pg_url.rstrip('/')}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def _build_or_reuse(env: dict[str, str], var_dir: Path, options) -> dict:
    marker = var_dir / f"build-{options.database}.json"
    wanted = {
        "database": options.database,
        "threads": options.threads,
        "posts_per_thread": options.posts_per_thread,
    }
    if options.reuse and marker.exists():
        build = json.loads(marker.read_text())
        if {key: build.get(key) for key in wanted} == wanted:
            print("Reusing the data built earlier; migrating it:", flush=True)
            _manage(env, "migrate", "--noinput")
            return build
    print("Building the data:", flush=True)
    marker.unlink(missing_ok=True)
    if options.database == "postgres":
        _pg_admin(options, f"DROP DATABASE IF EXISTS {options.pg_database} WITH (FORCE)")
        _pg_admin(options, f"CREATE DATABASE {options.pg_database}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{var_dir / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput")
    _manage(
        env,
        "seed_scale",
        f"--threads={options.threads}",
        f"--posts-per-thread={options.posts_per_thread}",
        "--support",
        "--seed=1",
        echo=True,
    )
    build = {**wanted, "seconds": time.perf_counter() - started}
    marker.write_text(json.dumps(build))
    return build


def _analyze(env: dict[str, str], options) -> None:
    """Statistics for the planner, as autovacuum would have gathered on a live site: right
    after a bulk load PostgreSQL has none, and picks nested loops that never end."""
    if options.database == "postgres":
        import psycopg

        started = time.perf_counter()
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            connection.execute("ANALYZE")
        print(f"  ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def _manage(env: dict[str, str], *args: str, echo: bool = False) -> None:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{completed.stdout}\n{completed.stderr}")
    if echo:
        print("  " + completed.stdout.strip().splitlines()[-1], flush=True)
    print(f"  manage.py {args[0]}: {time.perf_counter() - started:.1f} s", flush=True)


def _child(env: dict[str, str], role: str, *args: str) -> dict:
    """Run one step in a fresh Python process; its last line is a JSON result."""
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), f"--child={role}", *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
    )
    if completed.returncode != 0:
        sys.exit(f"The {role} step failed:\n{completed.stdout}\n{completed.stderr}")
    lines = completed.stdout.splitlines()
    return json.loads(next(line for line in reversed(lines) if line.startswith("RESULT "))[7:])


# --- The steps (in a child process, with Django set up) ----------------------------


def _data_range():
    from django.db.models import Max, Min
    from django.utils import timezone

    from analytics import facts
    from forum.models import Thread

    found = Thread.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    tz = facts.zone()
    last = max(found["last"], timezone.now())
    return timezone.localdate(found["first"], tz), timezone.localdate(last, tz)


def rebuild(options) -> dict:
    from analytics import services
    from analytics.models import DailyRollup
    from escalation.models import SatisfactionRating, Ticket, TicketEvent
    from forum.models import Post, Thread

    first, last = _data_range()
    sizes = {
        "threads": Thread.objects.count(),
        "posts": Post.objects.count(),
        "tickets": Ticket.objects.count(),
        "ticket_events": TicketEvent.objects.count(),
        "ratings": SatisfactionRating.objects.count(),
    }
    started = time.perf_counter()
    rows = services.recompute_days(first=first, last=last)
    seconds = time.perf_counter() - started
    return {
        **sizes,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "days": (last - first).days + 1,
        "rows": rows,
        "rollup_rows": DailyRollup.objects.count(),
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _dashboard_reads(first, last, *, trends: bool = True) -> None:
    """What the dashboard reads for a period, and for the period before it (its trends)."""
    from analytics import selectors
    from analytics.models import DailyRollup

    length = last - first
    periods = [(first, last)]
    if trends:
        periods.append((first - length - timedelta(days=1), first - timedelta(days=1)))
    for period_first, period_last in periods:
        for scope in DailyRollup.Scope.values:
            selectors.period_measures(first=period_first, last=period_last, scope=scope)
        for scope in (DailyRollup.Scope.CATEGORY, DailyRollup.Scope.QUEUE, DailyRollup.Scope.AGENT):
            selectors.measures_by_key(first=period_first, last=period_last, scope=scope)


def reads(options) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from analytics import facts, selectors

    today = timezone.localdate(timezone.now(), facts.zone())
    result = {}
    for days in PERIODS:
        first, last = today - timedelta(days=days), today - timedelta(days=1)
        _dashboard_reads(first, last)  # warm-up
        timings = []
        for _ in range(options.runs):
            started = time.perf_counter()
            _dashboard_reads(first, last)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            _dashboard_reads(first, last)
        alone = []
        for _ in range(options.runs):
            started = time.perf_counter()
            _dashboard_reads(first, last, trends=False)
            alone.append((time.perf_counter() - started) * 1000)
        result[f"{days}d"] = {
            "median_ms": statistics.median(timings),
            "max_ms": max(timings),
            "alone_ms": statistics.median(alone),
            "queries": len(queries),
        }
    result["page"] = _dashboard_page(today, runs=options.runs)
    selectors.typical_first_response_by_queue(today=today)
    timings = []
    for _ in range(options.runs):
        started = time.perf_counter()
        selectors.typical_first_response_by_queue(today=today)
        timings.append((time.perf_counter() - started) * 1000)
    result["status_wait_ms"] = statistics.median(timings)
    return result


def _dashboard_page(today, *, runs: int) -> dict:
    """Server time of /staff/analytics/ itself (an admin, every section) for 90 days and a
    year, through Django's test client: what bench/analytics_dashboard.py times on
    rollups it writes by hand, here on rollups rebuilt from a million threads."""
    from django.test import Client

    from accounts.models import User
    from tests.conftest import sign_in
    from tests.factories import UserFactory

    admin = User.objects.filter(username="bench_admin").first() or UserFactory(
        username="bench_admin", is_staff=True, is_superuser=True
    )
    client = sign_in(Client(), admin)
    client.get("/staff/analytics/", {"period": "7"})  # warm: templates, translations
    found = {}
    for days in PERIODS:
        params = {
            "period": "custom",
            "start": str(today - timedelta(days=days - 1)),
            "end": str(today),
        }
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/staff/analytics/", params)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        found[f"{days}d"] = {
            "median_ms": statistics.median(timings),
            "cpu_ms": statistics.median(cpu),
        }
    return found


def _print_table(build: dict, rebuilt: dict, read: dict, options) -> None:
    seconds = rebuilt["seconds"]
    print()
    print(
        f"{options.database}: {rebuilt['threads']:,} threads, {rebuilt['posts']:,} posts, "
        f"{rebuilt['tickets']:,} tickets, {rebuilt['ticket_events']:,} ticket events, "
        f"{rebuilt['ratings']:,} ratings, {rebuilt['first']} to {rebuilt['last']} "
        f"({rebuilt['days']} days); data built in {build['seconds']:.0f} s"
    )
    print(
        f"full rebuild: {seconds:.1f} s (target {TARGETS['rebuild_seconds']:.0f} s), "
        f"{rebuilt['rows']:,} rollup rows, {rebuilt['posts'] / seconds:,.0f} posts/s, "
        f"{rebuilt['threads'] / seconds:,.0f} threads/s, peak RSS {rebuilt['peak_rss_mb']:.0f} MB"
    )
    for days in PERIODS:
        found = read[f"{days}d"]
        print(
            f"dashboard reads, {days} days and the {days} before: median "
            f"{found['median_ms']:.1f} ms, max {found['max_ms']:.1f} ms, "
            f"{found['queries']} queries (target {TARGETS['read_ms']:.0f} ms); "
            f"the period alone: median {found['alone_ms']:.1f} ms"
        )
    for days in PERIODS:
        page = read["page"][f"{days}d"]
        print(
            f"/staff/analytics/ over {days} days (an admin, every section): median "
            f"{page['median_ms']:.0f} ms, {page['cpu_ms']:.0f} ms of this process's CPU "
            f"(target {TARGETS['read_ms']:.0f} ms)"
        )
    print(f"/support/ typical wait per queue: median {read['status_wait_ms']:.1f} ms")


if __name__ == "__main__":
    main()
