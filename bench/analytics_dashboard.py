"""Dashboard benchmark: the server time of /staff/analytics/ over long periods.

Run by hand (pytest never collects it), from the project root:

    .venv/bin/python bench/analytics_dashboard.py                 # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handoff_x \\
        .venv/bin/python bench/analytics_dashboard.py             # an empty PostgreSQL database

The page reads only rollups, so this writes two years of them directly, shaped like the
rollups of ~1,000,000 threads over two years (≈1,370 questions a day), and their monthly
rollups (analytics.services.recompute_month): 10 categories,
6 queues, 9 chains (and "none"), 20 agents and 300 helpers a day, each category row
with its hourly counts and nine duration histograms of ~25 buckets. It then times the
whole request (middleware, the reads, the arithmetic, the template) as an admin for 7
days, 90 days, a year and two years, everything and one category, and prints the median
of several runs and the query count. The database is migrated here; a PostgreSQL one
must be empty, or one an earlier run filled, which is then only timed again (its rows are
not removed afterwards: drop it).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = 2 * 366
CATEGORIES, QUEUES, CHAINS, AGENTS, HELPERS_A_DAY = 10, 6, 9, 20, 300
QUESTIONS_A_DAY = 1370


def main() -> None:
    options = _parse_args()
    # HANDOFF_VAR_DIR: an earlier run's data directory (its SQLite database), timed again.
    folder = Path(
        os.environ.get("HANDOFF_VAR_DIR") or tempfile.mkdtemp(prefix="handoff-bench-analytics-")
    )
    os.environ.update(
        HANDOFF_VAR_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        # Settings refuse to start without a key when DEBUG is off; this one signs nothing kept.
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-any-deployment",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.db import connection

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    print(f"Data directory: {folder}", flush=True)
    from analytics.models import DailyRollup

    if DailyRollup.objects.exists():  # an earlier run's database: time it again
        from django.utils import timezone

        from analytics import facts
        from forum.models import Category

        today = timezone.localdate(timezone.now(), facts.zone())
        category_keys = list(
            Category.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)
        )
    else:
        started = time.perf_counter()
        today, category_keys = _write_rollups()
        print(f"Rollups written in {time.perf_counter() - started:.1f} s", flush=True)
    _time_pages(today, category_keys, runs=options.runs)


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed requests per case")
    return parser.parse_args()


def _histogram(rng, samples: int, centre: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for _ in range(min(samples, 400)):
        bucket = str(max(0, min(64, int(rng.gauss(centre, 4)))))
        found[bucket] = found.get(bucket, 0) + max(1, samples // 400)
    return found


def _write_rollups():
    from django.db import transaction
    from django.utils import timezone

    from analytics import facts, measures, services
    from analytics.models import DailyRollup
    from forum.models import Category

    rng = random.Random(18)
    categories = [
        Category.objects.create(slug=f"bench-{n}", name=f"Bench {n}") for n in range(CATEGORIES)
    ]
    today = timezone.localdate(timezone.now(), facts.zone())
    now = datetime.now(UTC)
    per_category = QUESTIONS_A_DAY // CATEGORIES
    durations = {
        measures.COMMUNITY_ANSWER_TIME: 20,
        measures.FIRST_RESPONSE_TIME: 24,
        measures.RESOLUTION_TIME: 30,
        measures.SOLVE_TIME: 32,
        measures.NEEDS_HELP_TIME: 28,
        measures.ESCALATION_TIME: 34,
        measures.RATING_TIME: 26,
    }

    def ticket_counts(scale: float) -> dict[str, int]:
        return {
            measures.ESCALATED["deadline"]: int(8 * scale),
            measures.ESCALATED["asker"]: int(4 * scale),
            measures.ESCALATED["moderator"]: int(1 * scale),
            measures.FIRST_RESPONSES: int(12 * scale),
            measures.FIRST_RESPONSE_MET: int(10 * scale),
            measures.RESOLUTIONS: int(11 * scale),
            measures.RESOLUTION_MET: int(9 * scale),
            measures.REOPENS: int(1 * scale),
            measures.RATINGS: int(5 * scale),
            measures.RATING_SUM: int(21 * scale),
            measures.SURVEYS_SENT: int(11 * scale),
            **{name: int(scale) for name in measures.RATING_SCORES.values()},
        }

    for offset in range(DAYS):
        day = today - timedelta(days=offset)
        rows = []
        for category in categories:
            counts = {
                measures.ASKED: per_category,
                measures.COMMUNITY_ANSWERED: per_category * 6 // 10,
                measures.SOLVED: per_category * 4 // 10,
                measures.NEEDS_HELP: per_category // 5,
                measures.STAFF_ANSWER_ACCEPTED: 3,
                **ticket_counts(1.0),
            }
            for hour in range(24):
                counts[measures.by_hour(measures.ASKED, hour)] = per_category // 24
                counts[measures.by_hour(measures.ESCALATIONS, hour)] = 1
            rows.append(
                DailyRollup(
                    day=day,
                    scope="category",
                    key=category.pk,
                    counts=counts,
                    histograms={m: _histogram(rng, 60, c) for m, c in durations.items()},
                    recent_comments=[[int(now.timestamp()) - n, n + 1] for n in range(5)],
                    computed_at=now,
                )
            )
        for scope, keys, scale in (
            ("queue", range(QUEUES), CATEGORIES / QUEUES),
            ("chain", range(CHAINS + 1), CATEGORIES / (CHAINS + 1)),
            ("agent", range(1, AGENTS + 1), CATEGORIES / AGENTS),
        ):
            for key in keys:
                rows.append(
                    DailyRollup(
                        day=day,
                        scope=scope,
                        key=key,
                        counts=ticket_counts(scale),
                        histograms={
                            measures.FIRST_RESPONSE_TIME: _histogram(rng, 30, 24),
                            measures.RESOLUTION_TIME: _histogram(rng, 30, 30),
                        },
                        computed_at=now,
                    )
                )
        # The site's row adds up the categories' (analytics.facts.collect).
        site = facts.Tally(counts={measures.SECRET_REFUSALS: 4})
        for row in rows[:CATEGORIES]:
            site.merge(row.counts, row.histograms, row.recent_comments)
        rows.append(
            DailyRollup(
                day=day,
                scope="site",
                key=0,
                counts=site.counts,
                histograms=site.histograms,
                recent_comments=site.recent_comments,
                computed_at=now,
            )
        )
        helpers = rng.sample(range(1000, 40_000), HELPERS_A_DAY)
        rows.extend(
            DailyRollup(
                day=day,
                scope="helper",
                key=helper,
                counts={measures.ACCEPTED_ANSWERS: rng.randint(1, 4)},
                computed_at=now,
            )
            for helper in helpers
        )
        with transaction.atomic():
            DailyRollup.objects.bulk_create(rows, batch_size=1000)
        if offset % 100 == 0:
            print(f"  {offset}/{DAYS} days", flush=True)
    month = (today - timedelta(days=DAYS)).replace(day=1)
    while month <= today:
        services.recompute_month(month=month)
        month = services.next_month(month)
    return today, [category.slug for category in categories]


def _time_pages(today: date, category_slugs: list[str], *, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from tests.conftest import sign_in
    from tests.factories import UserFactory

    admin = User.objects.filter(username="bench_admin").first() or UserFactory(
        username="bench_admin", is_staff=True, is_superuser=True
    )
    client = sign_in(Client(), admin)
    two_years = {
        "period": "custom",
        "start": str(today - timedelta(days=2 * 366 - 1)),
        "end": str(today),
    }
    cases = [
        ("7 days", {"period": "7"}),
        ("90 days", {"period": "90"}),
        (
            "1 year (365 days)",
            {"period": "custom", "start": str(today - timedelta(days=364)), "end": str(today)},
        ),
        ("2 years", two_years),
        ("90 days, one category", {"period": "90", "filter": f"category:{category_slugs[0]}"}),
        (
            "1 year, CSV of the daily table",
            {
                "period": "custom",
                "start": str(today - timedelta(days=364)),
                "end": str(today),
                "format": "csv",
                "table": "daily",
            },
        ),
    ]
    client.get("/staff/analytics/", {"period": "7"})  # warm: templates, translations
    # CPU time of this process besides the wall clock: on a shared machine the wall clock
    # measures the neighbours too (SQLite runs in this process; PostgreSQL's own work is
    # not in it).
    print(f"\n{'period':34} {'median ms':>10} {'min ms':>8} {'cpu ms':>8} {'queries':>8}")
    for name, params in cases:
        times, cpu = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get("/staff/analytics/", params)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        print(
            f"{name:34} {statistics.median(times):10.0f} {min(times):8.0f} "
            f"{statistics.median(cpu):8.0f} {len(queries):8d}",
            flush=True,
        )


if __name__ == "__main__":
    main()
