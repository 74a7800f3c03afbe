"""Sweep benchmark: one escalation sweep over a million threads, with 10,000 due and with none.

Run by hand (pytest never collects it), from the project root:

    .venv/bin/python bench/sweep.py                       # SQLite, the full run
    .venv/bin/python bench/sweep.py --database postgres   # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/sweep.py --threads 100000 --due 2000 --runs 1   # a quick try
    .venv/bin/python bench/sweep.py --keep --var-dir /tmp/hs --reuse        # build once, rerun

It makes a fresh data directory and database, migrates, and builds the data with a
few set-based INSERT … SELECT statements (a recursive CTE on SQLite, generate_series on
PostgreSQL; seed_scale would take twenty minutes): categories, users and helpers who
follow some categories, a million threads with their question (and a reply when
answered), a clock row for every thread, a site-default policy and one category on a
business calendar. Exactly --due old, unanswered threads are due at the sweep instant,
both for "needs help" and for escalation; the rest are answered, solved, closed, or
recent with their deadlines ahead.

Then, each on a fresh copy of that database (a file copy on SQLite, CREATE DATABASE …
TEMPLATE on PostgreSQL) and in a fresh process, so the peak RSS is that of one sweep:
--runs sweeps with everything due, each checked (every due thread flagged once and given
exactly one ticket, the notifications written), and on the last copy, where nothing is
due any more, --idle-sweeps sweeps after one warm-up. The table shows the medians.
Only the processes this script starts are waited for; the data directory and the
PostgreSQL databases go away at the end unless --keep is given.
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
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bulksql import InsertSelect, literal, quote  # bench/bulksql.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "handoff_bench_sweep"
SWEEP_AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a Tuesday, noon in London
# One question every 63 seconds: a million threads are two years of a busy forum.
SECONDS_PER_THREAD = 63
# The newest threads (two weeks of them) are never among the due ones: a due thread is
# past its deadlines under any policy, the business calendar's included.
NEVER_DUE_NEWEST = 20_000
TARGETS = {"due_seconds": 20.0, "due_rss_mb": 300.0, "idle_ms": 50.0}


def main() -> None:
    options = _parse_args()
    if options.child:
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        import django

        django.setup()
        result = CHILDREN[options.child](options)
        print("RESULT " + json.dumps(result), flush=True)
        return
    with ExitStack() as cleanup:
        var_dir = Path(options.var_dir or tempfile.mkdtemp(prefix="handoff-sweep-"))
        var_dir.mkdir(parents=True, exist_ok=True)
        if not options.keep:
            cleanup.callback(shutil.rmtree, var_dir, ignore_errors=True)
        store = (
            _PostgresStore(options.postgres_url, keep=options.keep)
            if options.database == "postgres"
            else _SqliteStore(var_dir)
        )
        cleanup.callback(store.close)
        env = _app_environment(var_dir)
        print(f"Data directory: {var_dir}  database: {options.database}", flush=True)

        build = _build_or_reuse(store, env, var_dir, options)
        runs = []
        for number in range(1, options.runs + 1):
            with store.copy() as database_url:
                run_env = {**env, "DATABASE_URL": database_url}
                args = [f"--due={options.due}"]
                if options.profile:
                    args.append(f"--profile-to={var_dir / f'profile-{number}.txt'}")
                run = _child(run_env, "due", *args)
                print(
                    f"  run {number}: {run['seconds']:.2f} s ({run['cpu_seconds']:.2f} s CPU), peak RSS {run['peak_rss_mb']:.0f} MB, "
                    f"{run['tickets']:,} tickets, {run['notifications']:,} notifications",
                    flush=True,
                )
                runs.append(run)
                if number == options.runs:
                    args = [f"--sweeps={options.idle_sweeps}"]
                    if options.explain:
                        args.append("--explain")
                    idle = _child(run_env, "idle", *args)
                    if options.explain:
                        print(idle.pop("plans"))
        _print_table(build, runs, idle, options)


def _parse_args():
    parser = argparse.ArgumentParser(
        description="Time one escalation sweep over a million threads, with some due and with none."
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432",
        help=f"Server for --database postgres; the script creates and drops {PG_DATABASE} "
        f"and {PG_DATABASE}_run on it.",
    )
    parser.add_argument("--threads", type=int, default=1_000_000, help="Threads to build.")
    parser.add_argument("--due", type=int, default=10_000, help="Threads due at the sweep instant.")
    parser.add_argument(
        "--runs", type=int, default=3, help="Sweeps with everything due, each on a fresh copy."
    )
    parser.add_argument(
        "--idle-sweeps", type=int, default=20, help="Sweeps with nothing due (after a warm-up)."
    )
    parser.add_argument("--var-dir", help="Use this data directory instead of a temporary one.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the data directory and the PostgreSQL database."
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="With --keep --var-dir: reuse the database built by an earlier run with the same "
        "--threads and --due (migrating it first) instead of building it again.",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Profile each sweep with pyinstrument; the reports go to the data directory.",
    )
    parser.add_argument(
        "--explain", action="store_true", help="Print the query plans of a sweep with none due."
    )
    parser.add_argument("--child", choices=["build", "due", "idle"], help=argparse.SUPPRESS)
    parser.add_argument("--sweeps", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.threads < options.due * 2 + NEVER_DUE_NEWEST:
        parser.error(f"--threads must be at least twice --due plus {NEVER_DUE_NEWEST:,}.")
    if options.runs < 1:
        parser.error("--runs must be at least 1.")
    if options.reuse and not (options.keep and options.var_dir):
        parser.error("--reuse needs --keep and --var-dir.")
    return options


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
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


# --- Databases: the built one, and a fresh copy per run ----------------------------


class _SqliteStore:
    def __init__(self, var_dir: Path):
        self.path = var_dir / "base.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def exists(self) -> bool:
        return self.path.exists()

    def reset(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    @contextmanager
    def copy(self):
        run = self.path.with_name("run.sqlite3")
        for suffix in ("", "-wal"):  # every process has closed it: the pair is consistent
            if Path(f"{self.path}{suffix}").exists():
                shutil.copyfile(f"{self.path}{suffix}", f"{run}{suffix}")
                # On disk before the sweep starts, which would otherwise wait at its
                # own fsyncs behind the writeback of a 1.5 GB copy.
                with open(f"{run}{suffix}", "rb+") as copied:
                    os.fsync(copied.fileno())
        try:
            yield f"sqlite:///{run}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{run}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


class _PostgresStore:
    def __init__(self, server_url: str, *, keep: bool):
        self.server_url, self.keep = server_url, keep
        self.url = f"{server_url}/{PG_DATABASE}"

    def _admin(self, sql: str):
        import psycopg

        with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if sql.startswith("SELECT") else None

    def exists(self) -> bool:
        return bool(self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'"))

    def reset(self) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {PG_DATABASE}")

    @contextmanager
    def copy(self):
        run = f"{PG_DATABASE}_run"
        self._admin(f"DROP DATABASE IF EXISTS {run} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {run} TEMPLATE {PG_DATABASE}")
        try:
            yield f"{self.server_url}/{run}"
        finally:
            self._admin(f"DROP DATABASE IF EXISTS {run} WITH (FORCE)")

    def close(self) -> None:
        if not self.keep:
            self._admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _build_or_reuse(store, env: dict[str, str], var_dir: Path, options) -> dict:
    env = {**env, "DATABASE_URL": store.url}
    marker = var_dir / "build.json"
    wanted = {"database": options.database, "threads": options.threads, "due": options.due}
    if options.reuse and marker.exists() and store.exists():
        build = json.loads(marker.read_text())
        if {key: build.get(key) for key in wanted} == wanted:
            print("Reusing the database built earlier; migrating it:", flush=True)
            _manage(env, "migrate", "--noinput")
            return build
    print("Building the data:", flush=True)
    marker.unlink(missing_ok=True)
    store.reset()
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput")
    build = _child(env, "build", f"--threads={options.threads}", f"--due={options.due}")
    build.update(wanted, seconds=time.perf_counter() - started)
    print(
        f"  built {build['threads']:,} threads, {build['posts']:,} posts, {build['users']:,} users "
        f"in {build['seconds']:.0f} s (migrate included)",
        flush=True,
    )
    marker.write_text(json.dumps(build))
    return build


def _manage(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{completed.stdout}\n{completed.stderr}")
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


# --- Building the data (in a child process, with Django set up) ---------------------

CATEGORIES = [
    # slug, English, Chinese, due threads here?
    ("transfers", "Transfers", "转账", True),
    ("balances", "Balances & assets", "资产", True),
    ("security", "Security", "安全", True),
    ("install", "Install & update", "下载安装", False),
    ("dapps", "DApps & browser", "DApp 浏览器", False),
    ("general", "General", "综合", False),
]
TITLES = [
    ("USDT on TRON stuck pending for hours", "usdt-on-tron-stuck-pending-for-hours"),
    ("从交易所提币没到账", "从交易所提币没到账"),
    ("Balance shows 0 after updating the app", "balance-shows-0-after-updating-the-app"),
    ("升级后余额不对", "升级后余额不对"),
    ("Someone asked for my recovery phrase", "someone-asked-for-my-recovery-phrase"),
    ("授权了一个不认识的合约怎么办", "授权了一个不认识的合约怎么办"),
    ("App crashes on start after the update", "app-crashes-on-start-after-the-update"),
    ("DApp browser does not connect", "dapp-browser-does-not-connect"),
]
QUESTION = (
    "I sent **USDT** on **TRON** about two hours ago and it still says *pending*. The "
    "explorer shows nothing yet.\n\n- app version 5.12.3\n- Pixel 8, Android 14\n\n"
    "What should I check before I try again?"
)
REPLY = (
    "Paste the transaction hash into a TRON explorer first. If it is not there, the transfer "
    "never left the app and you can try again safely. Keep at least 30 TRX for energy."
)
FOLLOW_UP = "Still nothing after a day. Can anyone help?"
AGENTS = 5  # users 1-5
HELPERS = {
    6: ["transfers", "security"],
    7: ["transfers"],
    8: ["transfers", "install"],
    9: ["security"],
}
FOLLOWERS = {10: ["balances", "transfers"], 11: ["security"]}  # follow, but not helpers


def build(options) -> dict:
    from django.db import connection, transaction

    from forum.models import Post, Thread

    threads, due = options.threads, options.due
    users = max(50, threads // 100)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A journal in memory, not the WAL: the build is one big transaction, and a
            # WAL would write it twice (then checkpoint it). The app sets WAL again.
            pragmas = ("journal_mode=MEMORY", "foreign_keys=OFF", "synchronous=OFF")
            for pragma in (*pragmas, "cache_size=-1000000"):
                cursor.execute(f"PRAGMA {pragma}")
        else:
            cursor.execute("SET session_replication_role = replica")  # no FK triggers
            cursor.execute("SET maintenance_work_mem = '512MB'")
    with transaction.atomic():
        categories = _small_rows()
        sql = _BulkSql(connection.vendor, threads=threads, due=due, users=users)
        tables = [Thread, Post, _model("escalation.ThreadClock"), _model("accounts.User")]
        with _indexes_dropped(connection, tables):
            for statement in sql.statements(categories):
                with connection.cursor() as cursor:
                    cursor.execute(statement)
        _after_bulk(connection, categories)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode=WAL")
        else:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a real database
    return _describe_build(users)


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _small_rows() -> dict[str, int]:
    """Categories, policies, a calendar, agents' groups, helpers' settings and follows."""
    from datetime import date, time, timedelta

    from django.contrib.auth.models import Group

    from accounts import roles
    from escalation.models import (
        BusinessCalendar,
        EscalationPolicy,
        Holiday,
        OpeningHours,
        Queue,
    )
    from forum.models import Category

    categories = {}
    for position, (slug, name, name_zh, _due) in enumerate(CATEGORIES):
        categories[slug] = Category.objects.create(
            slug=slug, name=name, name_zh_hans=name_zh, position=position
        ).pk
    general = Queue.objects.create(name="General", slug="general")
    security_queue = Queue.objects.create(name="Security", slug="security")
    EscalationPolicy.objects.create(ticket_queue=general)  # the site default: 4 h, 24 h
    calendar = BusinessCalendar.objects.create(name="Support hours", time_zone="Asia/Shanghai")
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=day, opens_at=time(9), closes_at=time(18))
        for day in range(5)
    )
    Holiday.objects.bulk_create(
        [
            Holiday(calendar=calendar, date=date(2026, 10, day), name="National Day")
            for day in range(1, 8)
        ]
        + [Holiday(calendar=calendar, date=date(2026, 9, 27), name="调休", is_working_day=True)]
    )
    EscalationPolicy.objects.create(
        category_id=categories["security"],
        calendar=calendar,
        needs_help_after=timedelta(hours=2),
        escalate_after=timedelta(hours=8),
        ticket_queue=security_queue,
        ticket_priority=30,
        first_response_target=timedelta(hours=4),
    )
    categories["_agents_group"] = Group.objects.get(name=roles.AGENTS).pk
    return categories


class _BulkSql(InsertSelect):
    """The INSERT … SELECT statements that write the users, threads, posts and clocks.

    Thread n (1 … threads) was asked (threads - n) * 63 s (plus a little) before the
    sweep instant. Thread d·k (k = 1 … due, d = (threads - 20,000) // due) is due: old,
    open, unanswered, not yet flagged, one in five with a follow-up by the asker. The
    newest 200 include unanswered ones whose deadlines are ahead; the 1,000 before them
    unanswered ones already flagged, escalating later today. All others are answered by
    someone else (one in 50 by an agent): 40% solved, 1% closed, the rest open.
    """

    def __init__(self, vendor: str, *, threads: int, due: int, users: int):
        super().__init__(vendor)
        self.threads, self.due, self.users = threads, due, users
        self.step = (threads - NEVER_DUE_NEWEST) // due
        self.now = int(SWEEP_AT.timestamp())

    def _threads_source(self) -> str:
        """One row per thread: n, its kind, when it was asked and when someone answered."""
        t, due, step = self.threads, self.due, self.step
        kind = (
            f"CASE WHEN n % {step} = 0 AND n <= {step * due} THEN 'due'"
            f" WHEN n > {t - 200} AND n % 2 = 0 THEN 'recent'"
            f" WHEN n > {t - 1300} AND n <= {t - 300} AND n % 3 = 0 THEN 'flagged'"
            " WHEN n % 5 < 2 THEN 'solved'"
            " WHEN n % 100 = 2 THEN 'closed'"
            " ELSE 'answered' END"
        )
        asked = f"{self.now} - (({t} - n) * {SECONDS_PER_THREAD} + n % 61)"
        return (
            f"SELECT n, {kind} AS kind, {asked} AS asked, {asked} + 300 + (n % 180) * 60 AS answered "
            "FROM {series}"
        )

    def statements(self, categories: dict[str, int]) -> list[str]:
        from accounts.models import User
        from escalation.models import ThreadClock
        from forum.markdown import render_markdown
        from forum.models import Post, Thread

        t, users = self.threads, self.users
        true, false = "(1 = 1)", "(1 = 0)"
        at = self._at
        hour = 3600
        first_author = AGENTS + 1  # helpers and followers ask questions too
        authors = users - first_author + 1
        author = f"({first_author} + (n * 7919) % {authors})"
        # Someone else, or one of the agents for one reply in 50.
        replier = (
            f"(CASE WHEN n % 50 = 3 THEN 1 + n % {AGENTS} "
            f"ELSE {first_author} + ((n * 7919) % {authors} + 1 + n % 97) % {authors} END)"
        )
        due_slugs = [slug for slug, *_names, has_due in CATEGORIES if has_due]
        due_category = " ".join(
            f"WHEN (n / {self.step}) % {len(due_slugs)} = {index} THEN {categories[slug]}"
            for index, slug in enumerate(due_slugs)
        )
        any_category = " ".join(
            f"WHEN n % {len(CATEGORIES)} = {index} THEN {categories[slug]}"
            for index, (slug, *_rest) in enumerate(CATEGORIES)
        )
        category = f"(CASE WHEN kind = 'due' THEN (CASE {due_category} END) ELSE (CASE {any_category} END) END)"
        title = " ".join(
            f"WHEN n % {len(TITLES)} = {index} THEN {literal(text)}"
            for index, (text, _slug) in enumerate(TITLES)
        )
        slug = " ".join(
            f"WHEN n % {len(TITLES)} = {index} THEN {literal(text)}"
            for index, (_text, text) in enumerate(TITLES)
        )
        unanswered = "kind IN ('due', 'recent', 'flagged')"
        follow_up = f"(kind = 'due' AND (n / {self.step}) % 5 = 0)"
        two_posts = f"(NOT {unanswered} OR {follow_up})"
        threads_source = self._threads_source()
        statements = [
            self._insert(
                User,
                {
                    "id": "n",
                    "password": "'!'",  # unusable: nobody signs in as these
                    "username": "'member' || n",
                    "email": "'member' || n || '@scale.example'",
                    "is_staff": f"(n <= {AGENTS})",
                    "is_active": true,
                    "is_superuser": false,
                    "date_joined": at(f"{self.now} - 800 * 86400 + n * 60"),
                    "display_name": "'Member ' || n",
                    "language": "(CASE WHEN n % 9 < 4 THEN 'zh-hans' ELSE 'en' END)",
                    "timezone": "(CASE WHEN n % 9 < 4 THEN 'Asia/Shanghai' ELSE 'UTC' END)",
                },
                "SELECT n FROM {series}",
                users,
            ),
            self._insert(
                Thread,
                {
                    "id": "n",
                    "category": category,
                    "author": author,
                    "title": f"(CASE {title} END) || ' (' || n || ')'",
                    "slug": f"(CASE {slug} END)",
                    "created_at": at("asked"),
                    "last_activity_at": at(f"CASE WHEN {unanswered} THEN asked ELSE answered END"),
                    "state": "(CASE kind WHEN 'solved' THEN 'solved' WHEN 'closed' THEN 'closed' ELSE 'open' END)",
                    "is_hidden": false,
                    "accepted_post": "(CASE WHEN kind = 'solved' THEN 2 * n END)",
                    "solved_at": f"(CASE WHEN kind = 'solved' THEN {at(f'answered + {hour}')} END)",
                    "reply_count": f"(CASE WHEN {two_posts} THEN 1 ELSE 0 END)",
                    "post_count": f"(CASE WHEN {two_posts} THEN 2 ELSE 1 END)",
                    "view_count": "(n * 7) % 500",
                    "vote_count": "0",
                    "first_reply_at": f"(CASE WHEN NOT {unanswered} THEN {at('answered')} END)",
                    "needs_help_at": f"(CASE WHEN kind = 'flagged' THEN {at(f'asked + 4 * {hour}')} END)",
                },
                threads_source,
                t,
            ),
            self._insert(
                Post,
                {
                    "id": "2 * n - 1",
                    "thread": "n",
                    "number": "1",
                    "author": author,
                    "body": literal(QUESTION),
                    "body_html": literal(render_markdown(QUESTION)),
                    "created_at": at("asked"),
                    "is_hidden": false,
                    "vote_count": "0",
                },
                threads_source,
                t,
            ),
            self._insert(
                Post,
                {
                    "id": "2 * n",
                    "thread": "n",
                    "number": "2",
                    "author": f"(CASE WHEN {follow_up} THEN {author} ELSE {replier} END)",
                    "body": f"(CASE WHEN {follow_up} THEN {literal(FOLLOW_UP)} ELSE {literal(REPLY)} END)",
                    "body_html": f"(CASE WHEN {follow_up} THEN {literal(render_markdown(FOLLOW_UP))} "
                    f"ELSE {literal(render_markdown(REPLY))} END)",
                    "created_at": at(f"CASE WHEN {follow_up} THEN asked + 86400 ELSE answered END"),
                    "is_hidden": false,
                    "vote_count": "(CASE WHEN kind = 'solved' OR n % 3 = 0 THEN 1 ELSE 0 END)",
                },
                threads_source,
                t,
                where=two_posts,
            ),
            self._insert(
                ThreadClock,
                {
                    # Wall-clock deadlines under the default policy: the sweep recomputes
                    # a due thread's from its facts (and its category's calendar) anyway.
                    "thread": "n",
                    "needs_help_at": f"(CASE WHEN kind IN ('due', 'recent') THEN {at(f'asked + 4 * {hour}')} END)",
                    "escalate_at": f"(CASE WHEN {unanswered} THEN {at(f'asked + 24 * {hour}')} END)",
                    "member_can_request_at": f"(CASE WHEN kind IN ('solved', 'closed') THEN NULL ELSE {at(f'asked + 2 * {hour}')} END)",
                    "computed_at": at(f"CASE WHEN {unanswered} THEN asked ELSE answered END"),
                },
                threads_source,
                t,
            ),
        ]
        return statements


def _after_bulk(connection, categories: dict[str, int]) -> None:
    """Agents in their group, helpers' settings and follows, counters, sequences."""
    from django.core.management.color import no_style
    from django.db.models import Count, Max

    from accounts.models import User
    from forum.models import Category, Follow, Post, Thread
    from notifications.models import NotificationSettings

    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=pk, group_id=categories["_agents_group"])
        for pk in range(1, AGENTS + 1)
    )
    NotificationSettings.objects.bulk_create(
        [
            NotificationSettings(user_id=6, is_helper=True),
            # Email for helper alerts too, held back during the night in Shanghai.
            NotificationSettings(
                user_id=7,
                is_helper=True,
                channels={"helper_needs_help": {"email": True}},
                quiet_hours_start="22:00",
                quiet_hours_end="07:00",
            ),
            NotificationSettings(user_id=8, is_helper=True, channels={"reply": {"email": False}}),
            NotificationSettings(user_id=9, is_helper=True),
            NotificationSettings(user_id=10, is_helper=False),
        ]
        + [  # some askers want no email when their question needs help
            NotificationSettings(user_id=pk, channels={"needs_help": {"email": False}})
            for pk in range(20, User.objects.count(), 10)
        ]
    )
    Follow.objects.bulk_create(
        Follow(user_id=user_id, category_id=categories[slug])
        for user_id, slugs in {**HELPERS, **FOLLOWERS}.items()
        for slug in slugs
    )
    for row in Thread.objects.values("category").annotate(
        threads=Count("pk"), last=Max("last_activity_at")
    ):
        Category.objects.filter(pk=row["category"]).update(
            thread_count=row["threads"], last_activity_at=row["last"]
        )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [User, Thread, Post]):
            cursor.execute(statement)


@contextmanager
def _indexes_dropped(connection, models):
    """Drop the secondary indexes of these tables, and create them again after the inserts."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [tables],
            )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


def _describe_build(users: int) -> dict:
    from django.db.models import Count, Q

    from escalation.models import ThreadClock
    from forum.models import Post, Thread

    states = dict(Thread.objects.order_by().values_list("state").annotate(n=Count("pk")))
    due = ThreadClock.objects.filter(
        Q(needs_help_at__lte=SWEEP_AT) | Q(escalate_at__lte=SWEEP_AT)
    ).count()
    return {
        "threads": sum(states.values()),
        "states": states,
        "posts": Post.objects.count(),
        "users": users,
        "clocks": ThreadClock.objects.count(),
        "due_clocks": due,
    }


# --- The sweeps (in child processes) -------------------------------------------------


def sweep_due(options) -> dict:
    """One sweep with everything due, then checks that it did all it should, once."""
    import gc

    from django.db.models import Count

    from escalation.models import ThreadClock, Ticket, TicketEvent
    from escalation.services import sweep as sweeping
    from forum.models import Follow, Thread
    from notifications.models import Notification, NotificationSettings, OutboundEmail

    due = dict(
        Thread.objects.filter(clock__escalate_at__lte=SWEEP_AT).values_list("pk", "category_id")
    )
    authors = dict(Thread.objects.filter(pk__in=due).values_list("pk", "author_id"))
    helpers = set(
        NotificationSettings.objects.filter(is_helper=True).values_list("user_id", flat=True)
    )
    helpers_of: dict[int, set[int]] = {}
    for user_id, category_id in Follow.objects.filter(user_id__in=helpers).values_list(
        "user_id", "category_id"
    ):
        helpers_of.setdefault(category_id, set()).add(user_id)
    expected_alerts = sum(
        len(helpers_of.get(category_id, set()) - {authors[pk]}) for pk, category_id in due.items()
    )
    gc.collect()
    rss_before_mb = _current_rss_mb()

    profiler = None
    if options.profile_to:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = sweeping.sweep(now=SWEEP_AT)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if profiler is not None:
        profiler.stop()
        Path(options.profile_to).write_text(profiler.output_text(unicode=True, show_all=False))

    kinds = dict(Notification.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    ticket_threads = list(Ticket.objects.values_list("thread_id", flat=True))
    checks = {
        "threads due": (len(due), options.due),
        "flagged": (result.flagged, options.due),
        "escalated": (result.escalated, options.due),
        "tickets": (len(ticket_threads), options.due),
        "one ticket for each due thread": (set(ticket_threads) == set(due), True),
        "ticket events": (TicketEvent.objects.count(), options.due),
        "threads marked needing help and escalated": (
            Thread.objects.filter(needs_help_at=SWEEP_AT, escalated_at=SWEEP_AT).count(),
            options.due,
        ),
        "clocks still due": (
            ThreadClock.objects.filter(needs_help_at__lte=SWEEP_AT).count()
            + ThreadClock.objects.filter(escalate_at__lte=SWEEP_AT).count(),
            0,
        ),
        "needs-help notifications": (kinds.get("needs_help", 0), options.due),
        "escalated notifications": (kinds.get("escalated", 0), options.due),
        "helper alerts": (kinds.get("helper_needs_help", 0), expected_alerts),
    }
    failed = {name: got for name, (got, wanted) in checks.items() if got != wanted}
    if failed:
        sys.exit(f"The sweep did not do what it should: {failed} (wanted {checks})")
    emails = OutboundEmail.objects.count()
    if not emails:
        sys.exit("The sweep wrote no emails.")
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_rss_mb": peak_rss_mb,
        "rss_before_mb": rss_before_mb,
        "examined": result.examined,
        "tickets": len(ticket_threads),
        "notifications": sum(kinds.values()),
        "helper_alerts": kinds.get("helper_needs_help", 0),
        "emails": emails,
    }


def sweep_idle(options) -> dict:
    """Sweeps with nothing due: one warm-up, then the timed ones; each must do nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from escalation.services import sweep as sweeping

    def one() -> float:
        started = time.perf_counter()
        result = sweeping.sweep(now=SWEEP_AT)
        seconds = time.perf_counter() - started
        done = (result.flagged, result.escalated, result.breached, result.reconciled)
        if done != (0, 0, 0, 0) or result.examined:
            sys.exit(f"A sweep with nothing due did something: {result}")
        return seconds

    one()
    timings = [one() for _ in range(options.sweeps)]
    with CaptureQueriesContext(connection) as captured:
        one()
    queries = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))
    ]
    result = {
        "median_ms": statistics.median(timings) * 1000,
        "min_ms": min(timings) * 1000,
        "max_ms": max(timings) * 1000,
        "sweeps": len(timings),
        "queries": len(queries),
    }
    if options.explain:
        result["plans"] = _plans(connection, queries)
    return result


def _plans(connection, queries: list[str]) -> str:
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    out = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(explain + sql)
            rows = cursor.fetchall()
            plan = "\n".join("    " + str(row[-1]) for row in rows)
            out.append(f"{sql}\n{plan}")
    return "\n\n".join(out)


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


CHILDREN = {"build": build, "due": sweep_due, "idle": sweep_idle}


# --- The table ------------------------------------------------------------------------


def _print_table(build: dict, runs: list[dict], idle: dict, options) -> None:
    seconds = [run["seconds"] for run in runs]
    rss = [run["peak_rss_mb"] for run in runs]
    last = runs[-1]
    print(
        f"\n{build['threads']:,} threads ({build['posts']:,} posts), {options.due:,} due, "
        f"{options.database}; {os.cpu_count()} CPUs; data built in {build['seconds']:.0f} s\n"
    )
    header = f"{'sweep':<36} {'median':>10} {'runs':<30} {'target':>9}"
    print(header)
    print("-" * len(header))
    rows = [
        (
            f"{options.due:,} due: time",
            f"{statistics.median(seconds):.2f} s",
            ", ".join(f"{value:.2f}" for value in seconds),
            f"< {TARGETS['due_seconds']:.0f} s",
        ),
        (
            f"{options.due:,} due: peak RSS",
            f"{statistics.median(rss):.0f} MB",
            ", ".join(f"{value:.0f}" for value in rss) + f" (before: {last['rss_before_mb']:.0f})",
            f"< {TARGETS['due_rss_mb']:.0f} MB",
        ),
        (
            "none due: time",
            f"{idle['median_ms']:.1f} ms",
            f"{idle['sweeps']} sweeps, {idle['min_ms']:.1f}–{idle['max_ms']:.1f}",
            f"< {TARGETS['idle_ms']:.0f} ms",
        ),
    ]
    for label, median, spread, target in rows:
        print(f"{label:<36} {median:>10} {spread:<30} {target:>9}")
    print(
        f"\nEach due sweep: {last['examined']:,} clocks examined, {last['tickets']:,} tickets, "
        f"{last['notifications']:,} notifications ({last['helper_alerts']:,} helper alerts), "
        f"{last['emails']:,} emails. A sweep with none due: {idle['queries']} queries."
    )
    print("\nCommand: " + " ".join([".venv/bin/python", "bench/sweep.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
