"""Plain multi-row INSERTs, for the writes that come by the thousand (a sweep's tickets,
notifications, emails and clocks).

bulk_create builds a model instance for every row and compiles every value through its
field: in a sweep that wrote tens of thousands of rows that was most of the time, and the
database a small part of it (bench/README.md). A BulkInsert takes plain values for the columns it names, in that
order; fills every other column with its field's default, as bulk_create would; adapts
only the values that need it (instants, JSON); and writes a few hundred rows a statement, or
uses COPY on PostgreSQL.
It reads table and column names from the model, so a field
added later needs no change here (one with a callable default must be named).
"""

from datetime import UTC
from functools import cached_property, lru_cache

from django.db import connection, models


class BulkInsert:
    def __init__(self, model: type[models.Model], columns: tuple[str, ...], *, upsert_on=""):
        """`columns` are attnames (`thread_id`). With `upsert_on` (a unique column's
        attname), a row whose key exists already replaces that row's named columns."""
        self.model, self.columns, self.upsert_on = model, columns, upsert_on

    def insert(self, rows: list[tuple], *, return_ids: bool = False) -> list:
        """Write the rows; with `return_ids`, their primary keys in the rows' order."""
        if not rows:
            return []
        sql = self._sql
        if connection.vendor == "postgresql":
            if self.upsert_on:
                return self._upsert_from_arrays(rows)
            return self._copy(rows, return_ids=return_ids)
        ids = []
        with connection.cursor() as cursor:
            for values, params in self._statements(rows):
                statement = f"{sql.insert} VALUES {values}{sql.tail}"
                if return_ids:
                    cursor.execute(f"{statement} RETURNING {sql.pk}", params)
                    ids.extend(row[0] for row in cursor.fetchall())
                else:
                    cursor.execute(statement, params)
        return ids

    def insert_new(
        self, rows: list[tuple], *, returning: tuple[str, ...] | None = ()
    ) -> list[tuple]:
        """Write the rows that break no unique constraint (INSERT … ON CONFLICT DO NOTHING)
        and skip the others; returns (pk, *returning) of each row written, in the rows' order
        (with `returning=None`, nothing: the database sends nothing back).

        On PostgreSQL a row that meets one inserted by a transaction still in progress waits
        for it and is skipped if it commits, so two writers racing on one key write once.
        """
        if not rows:
            return []
        sql = self._sql
        quote = connection.ops.quote_name
        fields = {field.attname: field for field in self.model._meta.concrete_fields}
        back = (
            ""
            if returning is None
            else " RETURNING "
            + ", ".join([sql.pk, *(quote(fields[name].column) for name in returning)])
        )
        written = []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement, a parameter per column (see _upsert_from_arrays).
                columns = zip(*((*self._adapted(row), *sql.defaults) for row in rows), strict=True)
                cursor.execute(
                    f"{sql.insert} SELECT * FROM unnest({sql.arrays}) ON CONFLICT DO NOTHING{back}",
                    [list(values) for values in columns],
                )
                return [tuple(row) for row in cursor.fetchall()] if back else []
            for values, params in self._statements(rows):
                cursor.execute(f"{sql.insert} VALUES {values} ON CONFLICT DO NOTHING{back}", params)
                if back:
                    written.extend(tuple(row) for row in cursor.fetchall())
        return written

    def insert_instances(self, instances: list[models.Model]) -> None:
        """Write unsaved model instances (their named columns), then give each its primary
        key and mark it saved, as bulk_create leaves them: no save(), no signals, so a
        field save() would derive is the caller's to set, from the function save() uses."""
        ids = self.insert(
            [tuple(getattr(instance, name) for name in self.columns) for instance in instances],
            return_ids=True,
        )
        for instance, pk in zip(instances, ids, strict=True):
            instance.pk = pk
            instance._state.adding, instance._state.db = False, connection.alias

    def _statements(self, rows: list[tuple]):
        """(VALUES list, parameters) for each multi-row statement the rows need: as many
        rows a statement as the database's parameter limit allows, at most 500."""
        sql = self._sql
        per_statement = max(1, min(500, self._max_params // sql.width))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = []
            for row in chunk:
                params.extend(self._adapted(row))
                params.extend(sql.defaults)
            yield ", ".join([sql.placeholders] * len(chunk)), params

    def _copy(self, rows: list[tuple], *, return_ids: bool) -> list:
        """COPY: several times faster than a multi-row INSERT on PostgreSQL. The ids
        are taken from the table's sequence first, since COPY returns nothing.

        COPY goes through psycopg's own cursor, which Django does not wrap: a duplicate
        key would come out as psycopg's UniqueViolation, which no `except IntegrityError`
        catches. wrap_database_errors turns it into Django's, as cursor.execute() does."""
        sql = self._sql
        with connection.wrap_database_errors, connection.cursor() as cursor:
            ids = []
            if return_ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [sql.table, sql.pk_column, len(rows)],
                )
                ids = sorted(row[0] for row in cursor.fetchall())
            with cursor.cursor.copy(sql.copy_with_pk if return_ids else sql.copy) as copy:
                for position, row in enumerate(rows):
                    values = (*self._adapted(row), *sql.defaults)
                    copy.write_row((ids[position], *values) if return_ids else values)
        return ids

    def _upsert_from_arrays(self, rows: list[tuple]) -> list:
        """INSERT … SELECT FROM unnest(one array per column) … ON CONFLICT: a parameter per
        column rather than per value, which psycopg and the server both take apart faster
        than a VALUES list of thousands."""
        sql = self._sql
        columns = zip(*((*self._adapted(row), *sql.defaults) for row in rows), strict=True)
        with connection.cursor() as cursor:
            cursor.execute(sql.upsert_from_arrays, [list(values) for values in columns])
        return []

    def _adapted(self, row: tuple) -> tuple:
        adapters = self._sql.adapters
        if not adapters:
            return row
        row = list(row)
        for position, adapt in adapters:
            if row[position] is not None:
                row[position] = adapt(row[position])
        return row

    @property
    def _max_params(self) -> int:
        return connection.features.max_query_params or 65_535

    @cached_property
    def _sql(self) -> "_Statement":
        return _Statement(self.model, self.columns, self.upsert_on)


class _Statement:
    """The SQL pieces and value adapters of one BulkInsert, made once."""

    def __init__(self, model, columns: tuple[str, ...], upsert_on: str):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        given = [fields[name] for name in columns]
        rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
        for field in rest:
            if field.has_default() and callable(field.default):
                raise ValueError(
                    f"{model.__name__}.{field.attname} has a callable default: name it"
                )
        quote = connection.ops.quote_name
        names = ", ".join(quote(field.column) for field in [*given, *rest])
        self.table, self.pk_column = model._meta.db_table, model._meta.pk.column
        table = quote(self.table)
        self.insert = f"INSERT INTO {table} ({names})"
        self.copy = f"COPY {table} ({names}) FROM STDIN"
        self.copy_with_pk = f"COPY {table} ({quote(self.pk_column)}, {names}) FROM STDIN"
        self.width = len(given) + len(rest)
        self.placeholders = "(" + ", ".join(["%s"] * self.width) + ")"
        self.defaults = tuple(
            field.get_db_prep_save(field.get_default(), connection) for field in rest
        )
        self.adapters = [
            (position, adapt)
            for position, field in enumerate(given)
            if (adapt := _adapter(field)) is not None
        ]
        self.pk = quote(model._meta.pk.column)
        # PostgreSQL: one array parameter per column, for INSERT … SELECT FROM unnest(…).
        self.arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in [*given, *rest])
        self.tail = ""
        if upsert_on:
            updates = ", ".join(
                f"{quote(field.column)} = EXCLUDED.{quote(field.column)}"
                for field in given
                if field.attname != upsert_on
            )
            self.tail = f" ON CONFLICT ({quote(fields[upsert_on].column)}) DO UPDATE SET {updates}"
            if connection.vendor == "postgresql":
                self.upsert_from_arrays = (
                    f"{self.insert} SELECT * FROM unnest({self.arrays}){self.tail}"
                )


_PLAIN_FIELDS = (
    models.BooleanField,
    models.CharField,
    models.IntegerField,
    models.TextField,
    models.ForeignKey,
)


def _adapter(field):
    """How a non-None value of the field becomes a parameter; None when it already is one."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and connection.timezone == UTC:
            # What the backend's adapt_datetimefield_value() does with an aware value;
            # remembered, since most rows of a write share an instant (now).
            return lru_cache(maxsize=256)(
                lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
            )
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, _PLAIN_FIELDS):
        return None
    if isinstance(field, models.JSONField):  # get_db_prep_save() minus its layers
        adapt_json, encoder = connection.ops.adapt_json_value, field.encoder
        return lambda value: adapt_json(value, encoder)
    return lambda value: field.get_db_prep_save(value, connection)
