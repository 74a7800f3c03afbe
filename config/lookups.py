"""`__in` on integer columns ignores numbers the column cannot hold.

Form fields for many rows (ModelMultipleChoiceField: the admin's groups and permissions,
the duty page's queues) look the posted ids up with `pk__in`. Django already turns an
out-of-range `exact` lookup into "no match"; `in` it passes through, and SQLite refuses to
bind an int beyond 64 bits (OverflowError, a 500 where a form error belongs). No row can
have such an id, so dropping it keeps the answer and the query.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [value for value in self.rhs if not _outside(value, low, high)]
        return super().process_rhs(compiler, connection)


def _outside(value, low, high) -> bool:
    if not isinstance(value, int):
        return False
    return (low is not None and value < low) or (high is not None and value > high)


def register() -> None:
    """Called once at start-up (config/apps.py): every integer field, ids included."""
    IntegerField.register_lookup(IntegerIn)
