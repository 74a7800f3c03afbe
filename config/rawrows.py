"""Model instances from hand-written SQL, for the few reads every page view makes.

Why not the ORM here: on the thread page the ORM spends most of a read's time building
the query, not waiting for the database. Through this module the thread with its
category, author and chain, and a page of posts with their authors, cost a fraction of
what `select_related().only()` costs, a sizeable share of a signed-in member's whole
thread page (measured by `bench/hot_reads.py`; the figures are in bench/README.md).

What is kept from the ORM: everything after the SQL. Each selected column is converted
the way the ORM's compiler converts it (`SQLCompiler.get_converters` and
`apply_converters`): the backend's converters for the field's column expression
(`connection.ops.get_db_converters(col)`: SQLite's text dates, decimals and UUIDs, its
0/1 booleans) followed by the field's own (`col.get_db_converters(connection)`:
`from_db_value`, durations stored as microseconds). Instances are then built by
`Model.from_db`, as a QuerySet builds them, so `__init__`, the init signals and the
deferred-field machinery behave as they do for any other instance. The column lists
come from the models' metadata and the conversions from the fields' types, so a new
field of any type needs no change here; tests/forum/test_rawrows.py round-trips every
field type the installed models use against the ORM, on SQLite and PostgreSQL.
"""

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import DEFERRED


@dataclass(frozen=True, eq=False)
class Columns:
    """Some concrete fields of a model, as a SELECT list under a table alias."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]
    alias: str
    # What build() needs, per database alias, and the SQL text, per backend: both depend
    # on the backend, and both are made once (quoting every column on every read cost
    # more than the instances' __init__).
    _plans: dict = field(default_factory=dict, repr=False)
    _text: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, model, alias: str, attnames=None) -> "Columns":
        concrete = model._meta.concrete_fields
        wanted = concrete if attnames is None else [f for f in concrete if f.attname in attnames]
        if attnames is not None and "id" not in attnames:
            wanted = [model._meta.pk, *[f for f in wanted if not f.primary_key]]
        return cls(model=model, fields=tuple(wanted), alias=alias)

    @property
    def sql(self) -> str:
        """The SELECT list: alias.column, ..."""
        return self._sql_text()[0]

    @property
    def table(self) -> str:
        """The FROM item: table alias."""
        return self._sql_text()[1]

    def _sql_text(self) -> tuple[str, str]:
        found = self._text.get(connection.vendor)
        if found is None:
            quote = connection.ops.quote_name
            found = self._text[connection.vendor] = (
                ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields),
                f"{quote(self.model._meta.db_table)} {self.alias}",
            )
        return found

    def __len__(self) -> int:
        return len(self.fields)

    @cached_property
    def attnames(self) -> tuple[str, ...]:
        return tuple(f.attname for f in self.fields)

    def _plan(self, db) -> tuple:
        """Where each concrete field's value is in this SELECT list (None: deferred), and
        (position, converters, column) for the columns the ORM converts on this database:
        the list SQLCompiler.get_converters makes, by position in concrete_fields."""
        found = self._plans.get(db.alias)
        if found is not None:
            return found
        concrete = self.model._meta.concrete_fields
        selected = {f.attname: position for position, f in enumerate(self.fields)}
        slots = tuple(selected.get(f.attname) for f in concrete)
        converters = []
        for position, model_field in enumerate(concrete):
            if slots[position] is None:
                continue
            column = model_field.get_col(self.alias)
            functions = db.ops.get_db_converters(column) + column.get_db_converters(db)
            if functions:
                converters.append((position, tuple(functions), column))
        found = self._plans[db.alias] = (slots, tuple(converters))
        return found

    def build(self, values, db) -> models.Model | None:
        """An instance from this part of a row read on db; None when a LEFT JOIN found nothing."""
        if values[0] is None:
            return None
        slots, converters = self._plan(db)
        # Every concrete field, DEFERRED where not selected, so from_db takes them as is.
        row = [DEFERRED if slot is None else values[slot] for slot in slots]
        # As SQLCompiler.apply_converters: every converter sees every value, None included.
        for position, functions, column in converters:
            value = row[position]
            for convert in functions:
                value = convert(value, column, db)
            row[position] = value
        return self.model.from_db(db.alias, self.attnames, row)


def fetch(sql: str, params) -> list[tuple]:
    """Raw rows, for reads of plain numbers; use read() for model instances."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def read(sql: str, params, *parts: Columns) -> list[tuple]:
    """Run sql, whose SELECT list is the parts' in order, and cut each row into instances.

    One tuple a row, one instance (or None, for a LEFT JOIN that found nothing) a part.
    """
    return cut(fetch(sql, params), *parts)


def cut(rows: list[tuple], *parts: Columns) -> list[tuple]:
    """Rows fetched raw (`fetch`) whose SELECT list is the parts' in order, cut into
    instances as `read` does: one tuple a row, one instance (or None) a part."""
    db = connections[DEFAULT_DB_ALIAS]
    bounds, start = [], 0
    for part in parts:
        bounds.append((part, start, start + len(part)))
        start += len(part)
    return [tuple(part.build(row[first:last], db) for part, first, last in bounds) for row in rows]


def loaded_values(instance: models.Model, skip: tuple[str, ...] = ()) -> tuple:
    """Every loaded field of an instance, in field order (a new field is in by itself), but
    those named in `skip`: what a page shows of it, for a cache key (config/caching.py)."""
    loaded = instance.__dict__
    return tuple(loaded[name] for name in _attnames(type(instance), skip) if name in loaded)


@lru_cache(maxsize=64)
def _attnames(model, skip: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname not in skip)
