"""The dashboard's tables: what a page shows, what its chart draws and what its CSV holds,
built once so the three always agree.

A cell carries its text (formatted for the viewer's language) and its raw value (a
number for the CSV: counts, shares as fractions, durations in seconds). A table may
carry a chart: a small description (kind, labels, series) that static/js/analytics.js
turns into an ECharts option; the table itself is always on the page beneath it.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from config import times

# What a CSV download starts with, so spreadsheet programs read it as UTF-8 (Chinese).
BOM = "\ufeff"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cell:
    text: str
    value: object = None  # for the CSV; the text when None
    css: str = ""  # a modifier the template adds: "is-worst", "is-better", "is-worse"

    @property
    def raw(self):
        return self.text if self.value is None else self.value


@dataclass
class Table:
    name: str  # the CSV's `table=` and the element ids
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    chart: dict | None = None
    note: str = ""
    # Long tables start folded on the page (still in the HTML, for screen readers too).
    is_long: bool = False

    @property
    def chart_id(self) -> str:
        return f"chart-{self.name}"

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_csv_safe(cell.raw) for cell in row])
        return BOM + out.getvalue()


def _csv_safe(value):
    """Text that a spreadsheet would run as a formula starts with a quote (CSV injection):
    names and comments are typed by members."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# Formatting ------------------------------------------------------------------------------


def text(value: str) -> Cell:
    return Cell(value)


def count(value: int | None) -> Cell:
    if value is None:
        return Cell("—", "")
    # Below a thousand no grouping applies: str() is what number_format gives, at a
    # fraction of its cost (a year's daily table has thousands of cells).
    text_ = str(value) if -1000 < value < 1000 else number_format(value, force_grouping=True)
    return Cell(text_, value)


def share(value: float | None) -> Cell:
    if value is None:
        return Cell("—", "")
    return Cell(
        _("%(percent)s%%") % {"percent": number_format(round(value * 100, 1), decimal_pos=1)},
        round(value, 4),
    )


def duration(seconds: float | None) -> Cell:
    if seconds is None:
        return Cell("—", "")
    return Cell(duration_text(seconds), round(seconds))


def duration_text(seconds: float) -> str:
    return times.duration(EPOCH, EPOCH + timedelta(seconds=seconds))


def score(value: float | None) -> Cell:
    if value is None:
        return Cell("—", "")
    return Cell(number_format(round(value, 2), decimal_pos=2), round(value, 2))
