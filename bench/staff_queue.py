"""Staff queue benchmark: the server time of /staff/tickets/ with 50,000 open tickets.

Run by hand (pytest never collects it), from the project root:

    .venv/bin/python bench/staff_queue.py                       # SQLite, the full run
    .venv/bin/python bench/staff_queue.py --database postgres   # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/staff_queue.py --tickets 5000 --runs 5   # a quick try
    .venv/bin/python bench/staff_queue.py --explain             # and the queries' plans

It makes a fresh data directory (HANDOFF_VAR_DIR) and database (a SQLite file, or a
PostgreSQL database it creates and drops), migrates, and writes the data with a few
set-based INSERT … SELECT statements (a recursive CTE on SQLite, generate_series on
PostgreSQL): agents and askers, six categories, four queues, one thread per ticket,
--tickets active tickets (15% new and unassigned, 60% open, 25% waiting on the asker;
spread over the last three days, so that some are breached, some due within the hour
and most on track), plus the history a real desk has: --closed closed and --resolved
resolved tickets. Five of the eight agents are on duty, one of them for the Security
queue only.

Then, in this process, with DJANGO_DEBUG=0 and Django's test Client signed in as an
agent with two-factor authentication, each page is requested --warmup times, then
--runs times: the table shows the median server time (the test client's round trip,
middleware and template included), the spread, and the number of SQL queries of one
request (CaptureQueriesContext). Every response is checked (status 200, the rows it
should show), so a figure never measures an error page.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bulksql import InsertSelect, literal  # bench/bulksql.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "handoff_bench_staff_queue"
TARGET_MS = 100.0  # the first page, DESIGN.md / issue 6
AGENTS = 8  # users 1-8; user 1 is the one signed in
ON_DUTY = 5  # agents 1-5; agent 5 works the Security queue only
CATEGORIES = [
    ("transfers", "Transfers", "转账"),
    ("balances", "Balances & assets", "资产"),
    ("security", "Security", "安全"),
    ("install", "Install & update", "下载安装"),
    ("dapps", "DApps & browser", "DApp 浏览器"),
    ("general", "General", "综合"),
]
QUEUES = [
    ("General", "general"),
    ("Transfers", "transfers"),
    ("Security", "security"),
    ("Install", "install"),
]
TITLES = [
    "USDT on TRON stuck pending for hours",
    "从交易所提币没到账",
    "Balance shows 0 after updating the app",
    "升级后余额不对",
    "Someone asked for my recovery phrase",
    "授权了一个不认识的合约怎么办",
    "App crashes on start after the update",
    "DApp browser does not connect",
]
HOUR = 3600
ACTIVE_SPAN = 72 * HOUR  # the active tickets were created over the last three days


def main() -> None:
    options = _parse_args()
    with ExitStack() as cleanup:
        var_dir = Path(options.var_dir or tempfile.mkdtemp(prefix="handoff-queue-"))
        var_dir.mkdir(parents=True, exist_ok=True)
        if not options.keep:
            cleanup.callback(shutil.rmtree, var_dir, ignore_errors=True)
        database_url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
        if options.database == "postgres":
            database_url = cleanup.enter_context(
                _fresh_postgres_database(options.postgres_url, keep=options.keep)
            )
        _configure(var_dir, database_url)
        print(f"Data directory: {var_dir}  database: {options.database}", flush=True)

        import django

        django.setup()
        from django.db import connections

        cleanup.callback(connections.close_all)  # before the database is dropped
        started = time.perf_counter()
        _migrate()
        built = build(options)
        print(
            f"  built {built['active']:,} active, {built['resolved']:,} resolved and "
            f"{built['closed']:,} closed tickets, {built['users']:,} users in "
            f"{time.perf_counter() - started:.1f} s (migrate included)",
            flush=True,
        )
        rows = measure(options, built)
        _print_table(rows, built, options)


def _parse_args():
    parser = argparse.ArgumentParser(
        description="Server time and queries of the staff queue with 50,000 open tickets."
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432",
        help=f"Server for --database postgres; the script creates and drops {PG_DATABASE} on it.",
    )
    parser.add_argument("--tickets", type=int, default=50_000, help="Active tickets to build.")
    parser.add_argument("--resolved", type=int, default=1_000, help="Resolved tickets.")
    parser.add_argument("--closed", type=int, default=50_000, help="Closed tickets (history).")
    parser.add_argument("--askers", type=int, default=20_000, help="Members who asked.")
    parser.add_argument("--runs", type=int, default=20, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per page first.")
    parser.add_argument("--explain", action="store_true", help="Print each query's plan.")
    parser.add_argument(
        "--profile", action="store_true", help="Profile the first page with pyinstrument."
    )
    parser.add_argument("--var-dir", help="Use this data directory instead of a temporary one.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the data directory and PostgreSQL database."
    )
    options = parser.parse_args()
    if options.tickets < 100 or options.runs < 1:
        parser.error("--tickets must be at least 100 and --runs at least 1.")
    return options


def _configure(var_dir: Path, database_url: str) -> None:
    """The environment of a production process, on this data directory and database."""
    for key in list(os.environ):
        if key.startswith(("DJANGO_", "DATABASE_", "HANDOFF_", "CELERY_", "CACHE_URL")):
            del os.environ[key]
    os.environ.update(
        HANDOFF_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        # Settings refuse to start without a key when DEBUG is off; this one signs nothing kept.
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-any-deployment",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)


@contextmanager
def _fresh_postgres_database(server_url: str, *, keep: bool):
    import psycopg

    def admin(sql: str) -> None:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {PG_DATABASE}")
    try:
        yield f"{server_url}/{PG_DATABASE}"
    finally:
        if not keep:
            admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _migrate() -> None:  # and collectstatic
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    # DEBUG off serves hashed static names, as production does: they need the manifest.
    call_command("collectstatic", "--noinput", verbosity=0)
    print(f"  migrate, collectstatic: {time.perf_counter() - started:.1f} s", flush=True)


# --- The data ----------------------------------------------------------------------


def build(options) -> dict:
    """Users, categories, queues, threads and tickets, written set-based; returns the ids
    and facts the measurements need."""
    from django.db import connection, transaction

    started = time.perf_counter()
    now = int(time.time())
    with transaction.atomic():
        small = _small_rows()
        sql = _BulkSql(connection.vendor, options, small, now=now)
        with connection.cursor() as cursor:
            for statement in sql.statements():
                cursor.execute(statement)
        _after_bulk(connection, small)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a real database
        # SQLite keeps no statistics unless someone runs ANALYZE, and nothing in the
        # app does: the benchmark measures the plans a real SQLite deployment gets.
    print(f"  data: {time.perf_counter() - started:.1f} s", flush=True)
    return {
        **small,
        "active": options.tickets,
        "resolved": options.resolved,
        "closed": options.closed,
        "users": AGENTS + options.askers,
        "now": now,
    }


def _small_rows() -> dict:
    from django.contrib.auth.models import Group

    from accounts import roles
    from escalation.models import Queue
    from forum.models import Category

    categories = [
        Category.objects.create(slug=slug, name=name, name_zh_hans=name_zh, position=position).pk
        for position, (slug, name, name_zh) in enumerate(CATEGORIES)
    ]
    queues = [Queue.objects.create(name=name, slug=slug).pk for name, slug in QUEUES]
    return {
        "categories": categories,
        "queues": queues,
        "agents_group": Group.objects.get(name=roles.AGENTS).pk,
    }


class _BulkSql(InsertSelect):
    """The INSERT … SELECT statements that write the users, threads and tickets.

    Ticket n is also thread n. Tickets 1 … active are active, created evenly over the
    last three days (5 s apart for 50,000), the newest now; n % 20 < 3 is new and
    unassigned, < 15 open (every other one answered already), the rest waiting on the
    asker. Then
    resolved tickets, then closed ones, all older. SLA: first response within 8 hours,
    resolution within 72, breaches marked as the sweep would have marked them.
    """

    def __init__(self, vendor: str, options, small: dict, *, now: int):
        super().__init__(vendor)
        self.options, self.small, self.now = options, small, now

    def _tickets_source(self) -> str:
        """One row per ticket: n, its kind, when it was created (epoch seconds), answered?"""
        active, resolved = self.options.tickets, self.options.resolved
        kind = (
            f"CASE WHEN n > {active + resolved} THEN 'closed'"
            f" WHEN n > {active} THEN 'resolved'"
            " WHEN n % 20 < 3 THEN 'new'"
            " WHEN n % 20 < 15 THEN 'open'"
            " ELSE 'waiting' END"
        )
        step = max(1, ACTIVE_SPAN // active)
        created = (
            f"CASE WHEN n <= {active} THEN {self.now} - ({active} - n) * {step} - n % 5"
            f" ELSE {self.now} - 4 * 86400 - (n - {active}) * 60 END"
        )
        answered = "(n % 20 >= 15 OR (n % 20 >= 3 AND n % 2 = 0) OR n > " + str(active) + ")"
        # r: a pseudo-random number per ticket (a linear congruential step), so that the
        # queue, priority, assignee, reason and category of a ticket are independent of
        # each other, as they are on a real desk, rather than repeating in a short cycle.
        random = "(n * 1103515245 + 12345) % 2147483648"
        return (
            f"SELECT n, {kind} AS kind, {created} AS created, {random} AS r, "
            f"CASE WHEN {answered} THEN 1 ELSE 0 END AS answered FROM {{series}}"
        )

    def statements(self) -> list[str]:
        from accounts.models import User
        from escalation.models import Ticket
        from forum.models import Thread

        options, small, at = self.options, self.small, self._at
        total = options.tickets + options.resolved + options.closed
        askers = options.askers
        asker = f"({AGENTS + 1} + (n * 7919) % {askers})"
        category = (
            "(CASE "
            + " ".join(
                f"WHEN (r / 17) % {len(small['categories'])} = {index} THEN {pk}"
                for index, pk in enumerate(small["categories"])
            )
            + " END)"
        )
        queue = (
            "(CASE "
            + " ".join(
                f"WHEN (r / 7) % {len(small['queues'])} = {index} THEN {pk}"
                for index, pk in enumerate(small["queues"])
            )
            + " END)"
        )
        title = (
            "(CASE "
            + " ".join(
                f"WHEN n % {len(TITLES)} = {index} THEN {literal(text)}"
                for index, text in enumerate(TITLES)
            )
            + " END)"
        )
        is_active = "kind IN ('new', 'open', 'waiting')"
        first_due = "created + 8 * 3600"
        resolution_due = "created + 72 * 3600"
        answered_at = "created + 1800 + (n % 7) * 600"
        # Breaches the sweep marked: a first response still missing past its due time
        # (or given late), and a resolution target passed while the ticket was worked on.
        first_breached = (
            f"CASE WHEN answered = 0 AND {first_due} <= {self.now} THEN {at(first_due)}"
            f" WHEN answered = 1 AND {answered_at} > {first_due} THEN {at(first_due)} END"
        )
        resolution_breached = (
            f"CASE WHEN kind IN ('new', 'open') AND {resolution_due} <= {self.now}"
            f" THEN {at(resolution_due)} END"
        )
        sla_due = (
            f"CASE WHEN kind IN ('new', 'open') AND answered = 0 THEN {at(first_due)}"
            f" WHEN kind IN ('new', 'open') THEN {at(resolution_due)} END"
        )
        true, false = "(1 = 1)", "(1 = 0)"
        source = self._tickets_source()
        return [
            self._insert(
                User,
                {
                    "id": "n",
                    "password": "'!'",  # unusable: the benchmark signs in with force_login
                    "username": f"(CASE WHEN n <= {AGENTS} THEN 'agent' ELSE 'member' END) || n",
                    "email": "'user' || n || '@scale.example'",
                    "is_staff": f"(n <= {AGENTS})",
                    "is_active": true,
                    "is_superuser": false,
                    "date_joined": at(f"{self.now} - 800 * 86400 + n * 60"),
                    "display_name": f"(CASE WHEN n <= {AGENTS} THEN 'Agent ' ELSE 'Member ' END) || n",
                    # The agent signed in (user 1) reads English in Shanghai time.
                    "language": "(CASE WHEN n > 1 AND n % 9 < 4 THEN 'zh-hans' ELSE 'en' END)",
                    "timezone": "(CASE WHEN n % 9 < 4 THEN 'Asia/Shanghai' ELSE 'UTC' END)",
                },
                "SELECT n FROM {series}",
                AGENTS + askers,
            ),
            self._insert(
                Thread,
                {
                    "id": "n",
                    "category": category,
                    "author": asker,
                    "title": f"{title} || ' (' || n || ')'",
                    "slug": "'question-' || n",
                    "created_at": at("created - 30 * 3600"),
                    "last_activity_at": at("created"),
                    "state": "(CASE WHEN kind = 'resolved' AND n % 2 = 0 THEN 'solved' ELSE 'open' END)",
                    "solved_at": f"(CASE WHEN kind = 'resolved' AND n % 2 = 0 THEN {at('created')} END)",
                    "is_hidden": false,
                    "post_count": "1",
                    "escalated_at": f"(CASE WHEN {is_active} THEN {at('created')} END)",
                },
                source,
                total,
            ),
            self._insert(
                Ticket,
                {
                    "id": "n",
                    "thread": "n",
                    "reference": "'HO-' || (1000000 + (n * 7919) % 8999999)",
                    "requester": asker,
                    "reason": "(CASE WHEN (r / 32771) % 10 < 5 THEN 'unanswered'"
                    " WHEN (r / 32771) % 10 < 7 THEN 'unsolved'"
                    " WHEN (r / 32771) % 10 < 9 THEN 'asker' ELSE 'moderator' END)",
                    "status": "kind",
                    "priority": "(CASE WHEN (r / 131) % 10 = 0 THEN 40"
                    " WHEN (r / 131) % 10 IN (1, 2) THEN 30"
                    " WHEN (r / 131) % 10 = 9 THEN 10 ELSE 20 END)",
                    "queue": queue,
                    "category": category,
                    "assignee": f"(CASE WHEN kind = 'new' THEN NULL ELSE 1 + (r / 2053) % {AGENTS} END)",
                    "created_at": at("created"),
                    "updated_at": at("created"),
                    "first_response_due_at": at(first_due),
                    "resolution_due_at": f"(CASE WHEN kind IN ('new', 'open') THEN {at(resolution_due)} END)",
                    "first_responded_at": f"(CASE WHEN answered = 1 THEN {at(answered_at)} END)",
                    "first_response_breached_at": f"({first_breached})",
                    "resolution_breached_at": f"({resolution_breached})",
                    "waiting_since": f"(CASE WHEN kind = 'waiting' THEN {at(answered_at)} END)",
                    "resolution_time_left": "NULL",
                    "resolved_at": f"(CASE WHEN kind IN ('resolved', 'closed') THEN {at('created + 86400')} END)",
                    "closed_at": f"(CASE WHEN kind = 'closed' THEN {at('created + 8 * 86400')} END)",
                    "resolution": "(CASE WHEN kind IN ('resolved', 'closed') THEN 'answered' ELSE '' END)",
                    "sla_due_at": f"({sla_due})",
                },
                source,
                total,
            ),
        ]


def _after_bulk(connection, small: dict) -> None:
    """Agents in their group with two-factor authentication, duty, sequences."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management.color import no_style

    from accounts.models import User
    from escalation.models import AgentStatus, Ticket
    from forum.models import Thread

    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=pk, group_id=small["agents_group"])
        for pk in range(1, AGENTS + 1)
    )
    AgentStatus.objects.bulk_create(
        AgentStatus(user_id=pk, on_duty=pk <= ON_DUTY) for pk in range(1, AGENTS + 1)
    )
    security = small["queues"][2]
    AgentStatus.queues.through.objects.create(agentstatus_id=ON_DUTY, queue_id=security)
    TOTP.activate(User.objects.get(pk=1), generate_totp_secret())
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [User, Thread, Ticket]):
            cursor.execute(statement)


# --- The measurements ----------------------------------------------------------------


def _pages(built: dict) -> list[tuple[str, str, dict]]:
    """(label, path, extra request headers) of each page measured. "cold": the cache is
    emptied before each request, so the rows (and the header, and the session) are
    rendered or read again: the page as the first agent sees it after a change."""
    from escalation.models import Ticket

    transfers = built["queues"][1]
    reference, asker = (
        Ticket.objects.filter(status="open")
        .values_list("reference", "requester__username")
        .order_by("pk")
        .first()
    )
    return [
        ("first page", "/staff/tickets/", {}),
        ("first page, cold", "/staff/tickets/", {}),
        ("first page, htmx", "/staff/tickets/", {"HTTP_HX_REQUEST": "true"}),
        (
            "queue & breached & unassigned",
            f"/staff/tickets/?queue={transfers}&sla=breached&assignee=none",
            {},
        ),
        ("mine, by priority", "/staff/tickets/?assignee=me&sort=priority", {}),
        ("page 10", "/staff/tickets/?page=10", {}),
        ("search: title words", "/staff/tickets/?q=USDT+pending", {}),
        ("search: asker", f"/staff/tickets/?q={asker}", {}),
        ("search: reference", f"/staff/tickets/?q={reference}", {}),
        ("closed, newest", "/staff/tickets/?status=closed&sort=newest", {}),
    ]


def measure(options, built: dict) -> list[dict]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    _sign_in_with_second_factor(client, User.objects.get(pk=1))
    if options.profile:
        _profile(client, "/staff/tickets/")
    rows = []
    for label, path, headers in _pages(built):
        for _ in range(options.warmup):
            _get(client, path, headers)
        timings = []
        for _ in range(options.runs):
            if label.endswith(", cold"):
                cache.clear()
            started = time.perf_counter()
            response = _get(client, path, headers)
            timings.append((time.perf_counter() - started) * 1000)
        if label.endswith(", cold"):
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = _get(client, path, headers)
        rows.append(
            {
                "label": label,
                "path": path,
                "median_ms": statistics.median(timings),
                "min_ms": min(timings),
                "max_ms": max(timings),
                "queries": len(captured.captured_queries),
                "rows": response.content.count(b'class="queue-row'),
                "kb": len(response.content) / 1024,
            }
        )
        print(f"  {label}: {rows[-1]['median_ms']:.1f} ms", flush=True)
        if options.explain:
            _explain(connection, captured.captured_queries)
    return rows


def _get(client, path: str, headers: dict):
    response = client.get(path, **headers)
    if response.status_code != 200 or b'class="queue-row' not in response.content:
        sys.exit(
            f"{path} answered {response.status_code} without ticket rows:\n{response.content[:2000]!r}"
        )
    return response


def _explain(connection, queries: list[dict]) -> None:
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            cursor.execute(explain + sql)
            plan = "\n".join("      " + str(row[-1]) for row in cursor.fetchall())
            print(f"    [{query['time']} s] {sql[:600]}\n{plan}", flush=True)


def _sign_in_with_second_factor(client, user) -> None:
    """Staff pages need a second factor verified in this session (accounts/powers.py): the
    session records a password and an authenticator-code sign-in, as allauth writes them."""
    import time as clock

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": clock.time(), "username": user.username},
        {"method": "mfa", "at": clock.time(), "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def _profile(client, path: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(20):
        client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=True, show_all=False))


def _print_table(rows: list[dict], built: dict, options) -> None:
    import django

    print(
        f"\n{built['active']:,} active tickets (+{built['resolved']:,} resolved, "
        f"{built['closed']:,} closed), {options.database}, Django {django.get_version()}; "
        f"median of {options.runs} requests after {options.warmup} warm-up; "
        f"{os.cpu_count()} CPUs\n"
    )
    header = f"{'page':<32} {'median':>9} {'min–max':>15} {'queries':>8} {'rows':>5} {'KB':>6}"
    print(header)
    print("-" * len(header))
    for row in rows:
        spread = f"{row['min_ms']:.0f}–{row['max_ms']:.0f}"
        print(
            f"{row['label']:<32} {row['median_ms']:>6.1f} ms {spread:>15} {row['queries']:>8} "
            f"{row['rows']:>5} {row['kb']:>6.1f}"
        )
    first = rows[0]["median_ms"]
    verdict = "meets" if first < TARGET_MS else "MISSES"
    print(f"\nFirst page: {first:.1f} ms, {verdict} the target of {TARGET_MS:.0f} ms.")
    print("Command: " + " ".join([".venv/bin/python", "bench/staff_queue.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
