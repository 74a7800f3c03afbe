"""Model instances from hand-written SQL, for the few reads every page view makes.

On the thread page the ORM spent ten to twenty times longer building each query (and
its joins) than the database took to answer it: a page of posts with their authors cost
2 ms through a QuerySet and 0.1 ms as SQL. The selectors on that path write their SQL
with the column lists below, made from the models' own metadata (so a new field needs
no change here), and turn rows into ordinary, partly deferred model instances.
"""

from dataclasses import dataclass
from datetime import UTC
from functools import cached_property, partial

from django.db import connection, models
from django.db.models.base import ModelState


@dataclass(frozen=True, eq=False)
class Columns:
    """Some concrete fields of a model, as a SELECT list under a table alias."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]
    alias: str

    @classmethod
    def of(cls, model, alias: str, attnames=None) -> "Columns":
        concrete = model._meta.concrete_fields
        wanted = concrete if attnames is None else [f for f in concrete if f.attname in attnames]
        if attnames is not None and "id" not in attnames:
            wanted = [model._meta.pk, *[f for f in wanted if not f.primary_key]]
        return cls(model=model, fields=tuple(wanted), alias=alias)

    @property
    def sql(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    @property
    def table(self) -> str:
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    def __len__(self) -> int:
        return len(self.fields)

    @cached_property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.fields]

    @cached_property
    def converters(self) -> tuple:
        """(position, function) for the columns whose raw value is not the Python one."""
        found = []
        for position, field in enumerate(self.fields):
            if isinstance(field, models.DateTimeField):
                found.append((position, _aware))
            elif isinstance(field, models.BooleanField):
                found.append((position, _boolean))
            elif isinstance(field, models.JSONField):
                found.append((position, partial(_json, field)))
        return tuple(found)

    def build(self, values) -> models.Model | None:
        """An instance from this part of a row; None when a LEFT JOIN found nothing."""
        if values[0] is None:
            return None
        values = list(values)
        for position, convert in self.converters:
            if values[position] is not None:
                values[position] = convert(values[position])
        # What Model.from_db() makes, without its walk over every field of the model
        # (a third of this function's time): the fields not selected stay deferred.
        instance = self.model.__new__(self.model)
        instance.__dict__.update(zip(self.attnames, values, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, connection.alias
        return instance


def _aware(value):
    # SQLite hands back naive UTC datetimes (the ORM's converters make them aware).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _boolean(value):
    return bool(value)


def _json(field, value):
    return field.from_db_value(value, None, connection)


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def split(row, *parts: Columns) -> list:
    """Cut one row into instances, one per Columns, in order."""
    instances, start = [], 0
    for part in parts:
        instances.append(part.build(row[start : start + len(part)]))
        start += len(part)
    return instances
