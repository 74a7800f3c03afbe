"""Handoff's PostgreSQL backend (`base.py`: Django's, with a health check that costs no
round trip) and the connection options settings give it (`postgresql_options`).

Importing this package imports neither Django's backend nor psycopg: settings call
`postgresql_options` before either is needed."""


def postgresql_options(*, prepared: bool, jit: bool) -> dict:
    """OPTIONS for a PostgreSQL connection.

    `prepared`: parameters are sent apart from the query and psycopg prepares a query the
    fifth time a connection runs it, so the server then skips parsing and planning; for
    the thread page's statement planning took longer than running it (0.5 against 0.2
    ms). Django turns psycopg's preparing off unless OPTIONS give a threshold. Off
    (DATABASE_PREPARED_STATEMENTS=0) behind a pooler in transaction mode that cannot
    keep prepared statements (PgBouncer before 1.21, or without max_prepared_statements).

    `jit`: the server's JIT compiler starts above a planner cost that every search's
    bucket-by-bucket walk passes (forum/search/backends.py): it compiled for 10-25 ms a
    statement that runs in 2, and no request here runs long enough to gain from it. On
    (DATABASE_JIT=1) leaves the server's setting, e.g. behind a pooler that refuses
    startup options."""
    options = {}
    if prepared:
        options.update(server_side_binding=True, prepare_threshold=5)
    if not jit:
        options["options"] = "-c jit=off"
    return options
