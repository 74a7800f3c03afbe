"""INSERT … SELECT over a generated series: how the benchmarks write bulk data fast.

One statement writes thousands of rows inside the database, with no Python object per
row: a recursive CTE on SQLite, generate_series on PostgreSQL. Columns come from the
model, so a benchmark names only the values it cares about.
"""

import json


class InsertSelect:
    """The dialect pieces; a benchmark's statements subclass this."""

    def __init__(self, vendor: str):
        self.vendor = vendor

    def _series(self, count: int) -> tuple[str, str]:
        """(a prefix for the statement, the FROM source): integers n = 1 … count."""
        if self.vendor == "sqlite":
            return (
                "WITH RECURSIVE series(n) AS "
                f"(SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < {count}) ",
                "series",
            )
        return "", f"generate_series(1::bigint, {count}) AS series(n)"

    def _at(self, seconds: str) -> str:
        """An instant from an SQL expression of epoch seconds."""
        if self.vendor == "sqlite":
            return f"datetime({seconds}, 'unixepoch')"
        return f"to_timestamp({seconds})"

    def _insert(
        self, model, values: dict[str, str], source: str, count: int, where: str = ""
    ) -> str:
        """INSERT INTO model's table (its columns) SELECT the values FROM source over a series.

        A field left out must be nullable or have a constant default, which is written.
        """
        columns, expressions = [], []
        for model_field in model._meta.concrete_fields:
            if model_field.name in values:
                expression = values[model_field.name]
            elif model_field.null:
                continue
            elif model_field.has_default() and not callable(model_field.default):
                expression = literal(model_field.get_default())
            elif model_field.empty_strings_allowed and not model_field.has_default():
                expression = "''"
            else:
                raise ValueError(f"{model.__name__}.{model_field.name} needs a value")
            columns.append(quote(model_field.column))
            expressions.append(expression)
        prefix, series = self._series(count)
        return (
            f"{prefix}INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM ({source.format(series=series)}) AS source"
            + (f" WHERE {where}" if where else "")
        )


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    if isinstance(value, bool):
        return "(1 = 1)" if value else "(1 = 0)"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    return "'" + str(value).replace("'", "''") + "'"
