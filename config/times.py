"""How a page writes a moment: the one helper for every time shown inside a sentence.

Two rules hold everywhere (issue 14):

- A time someone may act on (a promise, a deadline, "from", "until") is written in full, in
  the viewer's time zone, with that zone: "Dec. 8, 2026, 5 a.m. UTC+8". `moment()`.
- A relative time ("in 14 hours", "3 days ago") is never pasted into a sentence: in Chinese
  it goes elsewhere in the sentence than in English, and "by in 14 hours" is what pasting
  gave. A sentence is written whole, for the kind of value it holds: an absolute time
  ("Expect a first answer by %(time)s."), or a length of time (`duration()`: "14 hours")
  in a sentence made for one ("… within %(duration)s …", "%(duration)s ago").

Templates use these through the `times` tag library (config/templatetags/times.py);
`includes/time.html` is for a time that stands alone (a table cell, after a "·"), which
static/js/site.js may turn into "5 minutes ago".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

# A length of time in words, to two units at most ("1 day, 3 hours").
DEPTH = 2


def zone_label(at: datetime) -> str:
    """The zone `at` is in, as its offset from UTC at that moment: "UTC", "UTC+8", "UTC-5",
    "UTC+5:30". An offset reads the same in every language, where abbreviations clash
    ("CST" is China's and America's) or do not exist ("+08")."""
    offset = at.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"


def absolute_text(at: datetime) -> str:
    """`at` in the active time zone and language, with the zone: "Dec. 8, 2026, 5 a.m. UTC+8"."""
    local = timezone.localtime(at)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {zone_label(local)}"


def moment(at: datetime) -> SafeString:
    """`at` as a <time> element showing absolute_text; static/js/site.js leaves it as it is."""
    local = timezone.localtime(at)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        timezone.get_current_timezone_name(),
        absolute_text(at),
    )


def duration(start: datetime, end: datetime, *, depth: int = DEPTH) -> str:
    """The time from `start` to `end` in words ("14 hours, 20 minutes"), at least a minute:
    for a sentence written around a length of time, never "in …" or "… ago". `depth`: how
    many units at most ("2 days" at 1)."""
    if end - start < timedelta(minutes=1):
        end = start + timedelta(minutes=1)
    return timesince(start, end, depth=depth)


def until(at: datetime, *, now: datetime | None = None, depth: int = DEPTH) -> str:
    """How long until `at` ("14 hours"); a minute for a moment already past."""
    now = now or timezone.now()
    return duration(now, max(at, now), depth=depth)


def since(at: datetime, *, now: datetime | None = None, depth: int = DEPTH) -> str:
    """How long since `at` ("3 days"); a minute for a moment still to come."""
    now = now or timezone.now()
    return duration(min(at, now), now, depth=depth)
