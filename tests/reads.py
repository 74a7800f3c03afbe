"""How much a read reads: what tests of bounded work count instead of timing.

PostgreSQL counts the rows each table gave a transaction so far
(pg_stat_xact_user_tables); SQLite says how it will find them (EXPLAIN QUERY PLAN).
"""

from django.db import connection


def postgresql_rows_read(model, run, *, bitmaps: bool = True) -> int:
    """Rows of `model`'s table PostgreSQL read for one `run()`, once the statement is
    prepared (psycopg prepares one at its sixth run: config/postgresql) and planned once
    for all values (a generic plan). Without `bitmaps`, the planner may not combine
    index reads: one of its choices, and a statement must hold up without it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        if not bitmaps:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        for _ in range(6):
            run()
        before = _rows_read(cursor, model)
        run()
        return _rows_read(cursor, model) - before


def _rows_read(cursor, model) -> int:
    cursor.execute(
        "SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) "
        "FROM pg_stat_xact_user_tables WHERE relname = %s",
        [model._meta.db_table],
    )
    row = cursor.fetchone()
    return row[0] if row else 0


def sqlite_plan(sql: str, params=()) -> list[str]:
    """SQLite's plan for a statement, a step a line."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]
