"""Page benchmark: how many requests a second the main pages serve, against a ceiling.

Run by hand (pytest never collects it), from the project root:

    .venv/bin/python bench/pages.py                      # SQLite, the full run (~10 minutes)
    .venv/bin/python bench/pages.py --database postgres  # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/pages.py --seconds 5 --runs 1 --threads 2000   # a quick try

It builds a fresh data directory and database, migrates, seeds with `seed_scale`
(10,000 threads, ~200,000 posts, plus one thread of 200 posts), collects static files
and serves the app with gunicorn the way production does (sync workers, DEBUG off).
A minimal Django app (stock middleware, a 50-byte response) is served the same way as
the ceiling. Each page is then driven by ../shared/bench/load.py, a closed-loop load
generator, each run of it right after a run of the ceiling, and the table shows the
median of the runs and of each page's share of the ceiling measured beside it (a shared
host's speed drifts over minutes: a page measured long after the ceiling carried the
drift in its share). Only the processes this script starts are stopped,
by their PIDs; the data directory and the PostgreSQL database are removed at the end
unless --keep is given.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_SCRIPT = ROOT.parent / "shared" / "bench" / "load.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
PG_DATABASE = "handoff_bench_pages"


def main() -> None:
    options = _parse_args()
    with ExitStack() as cleanup:
        var_dir = Path(options.var_dir or tempfile.mkdtemp(prefix="handoff-bench-"))
        var_dir.mkdir(parents=True, exist_ok=True)
        if not options.keep:
            cleanup.callback(shutil.rmtree, var_dir, ignore_errors=True)
        env = _app_environment(var_dir)
        if options.cache_url:
            env["CACHE_URL"] = options.cache_url
        if options.database == "postgres":
            env["DATABASE_URL"] = cleanup.enter_context(
                _fresh_postgres_database(options.postgres_url, keep=options.keep)
            )
        print(f"Data directory: {var_dir}  database: {options.database}", flush=True)

        _build_site(env, options)
        targets = _find_pages(env)

        results_file = var_dir / "results.jsonl"
        ceiling = cleanup.enter_context(
            _gunicorn("bench.minimal_app.wsgi:application", env, var_dir, "ceiling", options)
        )
        app = cleanup.enter_context(
            _gunicorn("config.wsgi:application", env, var_dir, "app", options)
        )
        targets = _check_member_is_signed_in(app, targets)

        rows = []
        for label, path, cookie in targets:
            pairs = []
            for _run in range(options.runs):
                # The ceiling right before each run of each page: the host's speed drifts
                # over minutes (shared machines), and a page measured long after the
                # ceiling would carry the drift in its share.
                beside = _drive(
                    ceiling + "/", f"ceiling beside {label}", None, options, results_file, runs=1
                )
                pairs.append(
                    (beside, _drive(app + path, label, cookie, options, results_file, runs=1))
                )
            rows.append((label, pairs))
        _print_table(rows, options)
        print(
            f"\nAll runs: {results_file}" + ("" if options.keep else " (deleted; --keep to keep)")
        )


def _parse_args():
    parser = argparse.ArgumentParser(
        description="Requests per second of Handoff's main pages, as a share of a minimal "
        "Django view served the same way.",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432",
        help="Server for --database postgres; the script creates and drops "
        f"the database {PG_DATABASE} on it.",
    )
    parser.add_argument("--threads", type=int, default=10_000, help="Threads to seed.")
    parser.add_argument(
        "--posts", type=int, default=200_000, help="Posts to seed in all (about; on average)."
    )
    parser.add_argument(
        "--long-thread-posts", type=int, default=200, help="Posts in the long thread."
    )
    parser.add_argument("--seconds", type=float, default=20, help="Length of each run.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per page; the median is shown.")
    parser.add_argument("--concurrency", type=int, default=8, help="Load generator processes.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
    parser.add_argument("--var-dir", help="Use this data directory instead of a temporary one.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the data directory and PostgreSQL database."
    )
    parser.add_argument(
        "--cache-url",
        default="",
        help="CACHE_URL for the app, e.g. redis://127.0.0.1:6379/7 (flushed by nothing here: "
        "use a database number of your own). Default: the embedded file cache.",
    )
    return parser.parse_args()


def _app_environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "HANDOFF_", "CELERY_", "CACHE_URL"))
    }
    env.update(
        HANDOFF_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        # Settings refuse to start without a key when DEBUG is off; this one signs nothing kept.
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-any-deployment",
        HANDOFF_DEV_COMMANDS="1",  # seed_scale (bench/devtools)
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@contextmanager
def _fresh_postgres_database(server_url: str, *, keep: bool):
    import psycopg

    def admin(sql: str) -> None:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    admin(f"CREATE DATABASE {PG_DATABASE}")
    try:
        yield f"{server_url}/{PG_DATABASE}"
    finally:
        if not keep:
            admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _manage(env: dict[str, str], *args: str) -> str:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    print(f"  manage.py {args[0]}: {time.perf_counter() - started:.1f} s", flush=True)
    return completed.stdout


def _build_site(env: dict[str, str], options) -> None:
    print("Building the site:", flush=True)
    _manage(env, "migrate", "--noinput")
    regular_posts = max(1, options.posts - options.long_thread_posts)
    output = _manage(
        env,
        "seed_scale",
        f"--threads={options.threads}",
        f"--posts-per-thread={regular_posts / options.threads:.3f}",
        "--long-threads=1",
        f"--long-thread-posts={options.long_thread_posts}",
        "--seed=1",
    )
    print("    " + output.strip().splitlines()[-2], flush=True)
    _manage(env, "collectstatic", "--noinput")


_FIND_PAGES = """
import importlib, json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count
from accounts import roles
from accounts.models import User
from forum.models import Category, Thread

long_thread = Thread.objects.order_by("-post_count", "pk").first()
category = Category.objects.order_by("-thread_count", "pk").first()
member = (
    User.objects.filter(email__endswith="@scale.example", language="en", is_staff=False)
    .exclude(groups__name__in=roles.ALL_GROUPS)
    .order_by("pk")
    .first()
)
session = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = member.get_session_auth_hash()
session.create()
print(json.dumps({
    "home": "/",
    "category": category.get_absolute_url(),
    "thread": long_thread.get_absolute_url(),
    "thread_posts": long_thread.post_count,
    "session_cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    "member": member.username,
}))
"""


def _find_pages(env: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(label, path, cookie) for each page: the member's session is made in the database."""
    found = json.loads(
        _manage(env, "shell", "--no-imports", "-c", _FIND_PAGES).strip().splitlines()[-1]
    )
    posts = found["thread_posts"]
    return [
        ("home", found["home"], None),
        ("category", found["category"], None),
        (f"thread, {posts} posts, visitor", found["thread"], None),
        (f"thread, {posts} posts, member", found["thread"], found["session_cookie"]),
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _gunicorn(app: str, env: dict[str, str], var_dir: Path, name: str, options):
    """Serve `app` on a free loopback port; yields its base URL; stops it by its PID."""
    port = _free_port()
    log = (var_dir / f"gunicorn-{name}.log").open("w")
    process = subprocess.Popen(
        [
            str(GUNICORN),
            app,
            f"--workers={options.workers}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--graceful-timeout=5",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(base, process, var_dir / f"gunicorn-{name}.log")
        print(f"  {name}: gunicorn pid {process.pid} on {base}", flush=True)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the master stops its own workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _wait_until_serving(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see {log}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on {base} within 60 s; see {log}")


def _check_member_is_signed_in(app: str, targets) -> list:
    """A benchmark of the member's page that silently measured a visitor would mislead.

    The member's browser then holds the CSRF cookie the page sets, as every signed-in
    member's does (signing in posted a form): the member's requests send it, so they are
    measured as a member's, not as a first visit's (a new CSRF secret and cookie each)."""
    label, path, cookie = targets[-1]
    request = urllib.request.Request(app + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        page = response.read().decode()
        set_cookies = response.headers.get_all("Set-Cookie") or []
    if "/accounts/logout/" not in page:
        sys.exit(
            "The session cookie did not sign the member in; the member figures would be a visitor's."
        )
    csrf = [c.split(";", 1)[0] for c in set_cookies if c.startswith("csrftoken=")]
    if not csrf:
        sys.exit("The member's page set no CSRF cookie: it is expected on every signed-in page.")
    return [*targets[:-1], (label, path, f"{cookie}; {csrf[0]}")]


def _drive(
    url: str, label: str, cookie: str | None, options, results_file: Path, *, runs: int
) -> dict:
    command = [
        sys.executable,
        str(LOAD_SCRIPT),
        f"--url={url}",
        f"--concurrency={options.concurrency}",
        f"--duration={options.seconds}",
        f"--runs={runs}",
        f"--label={label}",
        f"--out={results_file}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    subprocess.run(command, check=True)
    last = results_file.read_text().strip().splitlines()[-1]
    return json.loads(last)["median"]


def _print_table(rows: list[tuple[str, list[tuple[dict, dict]]]], options) -> None:
    """Each page's median figures over its runs, and the median of its share of the
    ceiling measured right before each run."""
    ceilings = [beside["rps"] for _label, pairs in rows for beside, _page in pairs]
    print(
        f"\nMedian of {options.runs} run(s) of {options.seconds:g} s, each after a run of the "
        f"ceiling, concurrency {options.concurrency}, gunicorn {options.workers} sync workers, "
        f"{options.database}, {options.threads:,} threads; {os.cpu_count()} CPUs\n"
    )
    header = f"{'page':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'KB':>6} {'of ceiling':>11}"
    print(header)
    print("-" * len(header))
    print(
        f"{'ceiling (50-byte Django view)':<32} {statistics.median(ceilings):>8.1f}"
        f"{'':>44}{1:>10.1%}  (median of all {len(ceilings)} runs: "
        f"{min(ceilings):,.0f}-{max(ceilings):,.0f})"
    )
    for label, pairs in rows:
        pages = [page for _beside, page in pairs]

        def median(key, pages=pages):
            return statistics.median(page[key] for page in pages)

        share = statistics.median(page["rps"] / beside["rps"] for beside, page in pairs)
        print(
            f"{label:<32} {median('rps'):>8.1f} {median('p50_ms'):>8.1f} {median('p99_ms'):>8.1f} "
            f"{median('errors'):>7.0f} {median('avg_bytes') / 1024:>6.1f} {share:>10.1%}"
        )


if __name__ == "__main__":
    main()
