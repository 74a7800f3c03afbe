"""config/times.py: every time inside a sentence is written through one helper, with its zone."""

import re
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from config import times

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("UTC", "UTC"),
        ("Asia/Shanghai", "UTC+8"),
        ("America/New_York", "UTC-5"),
        ("Asia/Kolkata", "UTC+5:30"),
        ("America/St_Johns", "UTC-3:30"),
        ("Asia/Kathmandu", "UTC+5:45"),
    ],
)
def test_the_zone_is_written_as_its_offset_at_that_moment(zone, label):
    assert times.zone_label(AT.astimezone(zoneinfo.ZoneInfo(zone))) == label


def test_summer_time_shows_in_the_offset():
    july = datetime(2026, 7, 1, 12, tzinfo=UTC).astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))

    assert times.zone_label(july) == "UTC+2"


def test_a_promised_time_is_written_in_full_in_the_viewers_zone_and_language():
    with timezone.override("Asia/Shanghai"):
        with translation.override("en"):
            assert times.absolute_text(AT) == "Dec. 8, 2026, 5 a.m. UTC+8"
        with translation.override("zh-hans"):
            assert times.absolute_text(AT) == "2026年12月8日 05:00 UTC+8"


def test_a_moment_is_a_time_element_that_the_page_script_leaves_alone():
    with timezone.override("Asia/Shanghai"), translation.override("en"):
        html = times.moment(AT)

    assert html == (
        '<time datetime="2026-12-08T05:00:00+08:00" title="Asia/Shanghai">'
        "Dec. 8, 2026, 5 a.m. UTC+8</time>"
    )
    assert "data-relative" not in html


def test_lengths_of_time_have_no_in_or_ago_and_are_at_least_a_minute():
    with translation.override("en"):
        assert times.until(AT, now=AT - timedelta(hours=14)) == "14\xa0hours"
        assert times.until(AT, now=AT - timedelta(hours=14, minutes=5)) == (
            "14\xa0hours, 5\xa0minutes"
        )
        assert times.since(AT, now=AT + timedelta(days=3)) == "3\xa0days"
        assert times.until(AT, now=AT) == "1\xa0minute"
        assert times.until(AT, now=AT + timedelta(hours=1)) == "1\xa0minute"  # already past
    with translation.override("zh-hans"):
        assert times.until(AT, now=AT - timedelta(hours=14)) == "14\xa0小时"


def test_the_tags_give_templates_the_same_words():
    template = Template(
        "{% load times %}{% moment at as by %}{% until at now=now as within %}"
        "{{ within }} / {{ by }} / {% since at now=later %} / {% moment none %}."
    )
    with timezone.override("UTC"), translation.override("en"):
        text = template.render(
            Context({"at": AT, "now": AT - timedelta(hours=2), "later": AT + timedelta(days=1)})
        )

    assert text == (
        '2\xa0hours / <time datetime="2026-12-07T21:00:00+00:00" title="UTC">'
        "Dec. 7, 2026, 9 p.m. UTC</time> / 1\xa0day / ."
    )


# --- Every place, through the helper -------------------------------------------------------


def _sources(*suffixes):
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if path.suffix in suffixes and not parts & {".venv", "tests", "bench", "var", ".git"}:
            yield path


def test_no_template_or_module_writes_a_relative_time_but_the_helper():
    """timeuntil, timesince and naturaltime give "in 14 hours" or "14 hours"; only
    config/times.py calls them, so every sentence around them was written for them."""
    found = [
        str(path.relative_to(ROOT))
        for path in _sources(".py", ".html", ".txt")
        if re.search(r"\b(timeuntil|timesince|naturaltime)\b", path.read_text())
        and path != ROOT / "config" / "times.py"
    ]

    assert found == []


def test_no_sentence_ends_where_a_time_that_may_turn_relative_is_pasted():
    """includes/time.html stands alone (static/js/site.js may make it "in 2 hours"): never
    right after translated words, as in "Expect a first answer by {time}"."""
    pasted = re.compile(
        r"{% (translate|trans) \"[^\"]*\" %}\s*:?\s*(<br>)?\s*{% include \"includes/time.html\""
    )
    found = [
        str(path.relative_to(ROOT)) for path in _sources(".html") if pasted.search(path.read_text())
    ]

    assert found == []
