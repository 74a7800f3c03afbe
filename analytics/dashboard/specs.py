"""What each figure of the dashboard is: its name (the CSV's), its label, its kind (a
count, a share, a duration, a score), how it is read from a period's Measures, which way
is better, and the sample a before/after change of it rests on."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from analytics import measures, tables
from analytics.selectors import Measures
from analytics.tables import Cell


@dataclass(frozen=True)
class Spec:
    name: str
    label: str
    kind: str  # "count", "share", "duration", "score"
    read: Callable[[Measures], float | None]
    higher_is_better: bool | None = None
    # The number a before/after change rests on (too few: "too small to say").
    sample: Callable[[Measures], int] | None = None


def count_of(measure):
    return lambda m: m[measure]


def _rate(part, whole):
    return lambda m: m.rate(part, whole)


def _median(measure):
    return lambda m: m.median(measure)


def _p90(measure):
    return lambda m: m.p90(measure)


def _sized(measure):
    return lambda m: histograms_size(m, measure)


def histograms_size(m: Measures, measure: str) -> int:
    return sum(m.histograms.get(measure, {}).values())


def _escalation_share(m: Measures) -> float | None:
    return m[measures.STAFF_ANSWER_ACCEPTED] / m.escalated if m.escalated else None


def _escalation_rate(m: Measures) -> float | None:
    return m.escalated / m[measures.ASKED] if m[measures.ASKED] else None


def volume_specs() -> list[Spec]:
    return [
        Spec("asked", _("Questions asked"), "count", count_of(measures.ASKED)),
        Spec(
            "community_answered",
            _("Answered by the community"),
            "count",
            count_of(measures.COMMUNITY_ANSWERED),
            True,
        ),
        Spec("solved", pgettext("analytics", "Solved"), "count", count_of(measures.SOLVED), True),
        Spec("needs_help", _("Needing help"), "count", count_of(measures.NEEDS_HELP), False),
        Spec(
            "escalated", pgettext("analytics", "Escalated"), "count", lambda m: m.escalated, False
        ),
        Spec(
            "escalated_deadline",
            _("Escalated: no answer in time"),
            "count",
            count_of(measures.ESCALATED["deadline"]),
            False,
        ),
        Spec(
            "escalated_asker",
            _("Escalated: the asker asked"),
            "count",
            count_of(measures.ESCALATED["asker"]),
            False,
        ),
        Spec(
            "escalated_moderator",
            _("Escalated: a moderator asked"),
            "count",
            count_of(measures.ESCALATED["moderator"]),
            False,
        ),
        Spec(
            "escalated_agent",
            _("Escalated: opened by an agent"),
            "count",
            count_of(measures.ESCALATED["agent"]),
        ),
    ]


def speed_specs() -> list[Spec]:
    return [
        Spec(
            "community_answer_median",
            _("First community answer, median"),
            "duration",
            _median(measures.COMMUNITY_ANSWER_TIME),
            False,
            _sized(measures.COMMUNITY_ANSWER_TIME),
        ),
        Spec(
            "community_answer_p90",
            _("First community answer, 90th percentile"),
            "duration",
            _p90(measures.COMMUNITY_ANSWER_TIME),
            False,
            _sized(measures.COMMUNITY_ANSWER_TIME),
        ),
        Spec(
            "first_response_median",
            _("First staff response, median"),
            "duration",
            _median(measures.FIRST_RESPONSE_TIME),
            False,
            _sized(measures.FIRST_RESPONSE_TIME),
        ),
        Spec(
            "first_response_p90",
            _("First staff response, 90th percentile"),
            "duration",
            _p90(measures.FIRST_RESPONSE_TIME),
            False,
            _sized(measures.FIRST_RESPONSE_TIME),
        ),
        Spec(
            "resolution_median",
            _("Time to resolution, median"),
            "duration",
            _median(measures.RESOLUTION_TIME),
            False,
            _sized(measures.RESOLUTION_TIME),
        ),
        Spec(
            "resolution_p90",
            _("Time to resolution, 90th percentile"),
            "duration",
            _p90(measures.RESOLUTION_TIME),
            False,
            _sized(measures.RESOLUTION_TIME),
        ),
        Spec(
            "first_response_sla",
            _("First responses within target"),
            "share",
            _rate(measures.FIRST_RESPONSE_MET, measures.FIRST_RESPONSES),
            True,
            count_of(measures.FIRST_RESPONSES),
        ),
        Spec(
            "resolution_sla",
            _("Resolutions within target"),
            "share",
            _rate(measures.RESOLUTION_MET, measures.RESOLUTIONS),
            True,
            count_of(measures.RESOLUTIONS),
        ),
        Spec(
            "reopen_rate",
            _("Reopened after resolution"),
            "share",
            _rate(measures.REOPENS, measures.RESOLUTIONS),
            False,
            count_of(measures.RESOLUTIONS),
        ),
    ]


def outcome_specs() -> list[Spec]:
    return [
        Spec(
            "community_answer_rate",
            _("Community answer rate"),
            "share",
            _rate(measures.COMMUNITY_ANSWERED, measures.ASKED),
            True,
            count_of(measures.ASKED),
        ),
        Spec(
            "escalation_rate",
            _("Escalation rate"),
            "share",
            _escalation_rate,
            False,
            count_of(measures.ASKED),
        ),
        Spec(
            "rating_average",
            _("Satisfaction, average of 5"),
            "score",
            lambda m: m.rating_average,
            True,
            count_of(measures.RATINGS),
        ),
        Spec("ratings", _("Ratings received"), "count", count_of(measures.RATINGS), True),
        Spec(
            "rating_response_rate",
            _("Survey response rate"),
            "share",
            _rate(measures.RATINGS, measures.SURVEYS_SENT),
            True,
            count_of(measures.SURVEYS_SENT),
        ),
        Spec(
            "staff_answer_accepted",
            _("Escalated questions whose staff answer was accepted"),
            "share",
            _escalation_share,
            True,
            lambda m: m.escalated,
        ),
    ]


def cell(spec: Spec, value) -> Cell:
    return {
        "count": tables.count,
        "share": tables.share,
        "duration": tables.duration,
        "score": tables.score,
    }[spec.kind](value)


def change_cell(spec: Spec, now, before) -> Cell:
    """The change from `before` to `now` as a number and a direction, worded for the kind."""
    if now is None or before is None:
        return Cell("—", "")
    delta = now - before
    if spec.kind == "share":
        amount = _("%(points)s points") % {
            "points": formats.number_format(round(abs(delta) * 100, 1), decimal_pos=1)
        }
        raw = round(delta, 4)
    elif spec.kind == "duration":
        amount = tables.duration_text(abs(delta)) if delta else "0"
        raw = round(delta)
    elif spec.kind == "score":
        amount = formats.number_format(round(abs(delta), 2), decimal_pos=2)
        raw = round(delta, 2)
    else:
        amount = formats.number_format(abs(delta), force_grouping=True)
        if before:
            amount = _("%(amount)s (%(percent)s%%)") % {
                "amount": amount,
                "percent": formats.number_format(
                    round(abs(delta) / before * 100, 0), decimal_pos=0
                ),
            }
        raw = delta
    if not delta:
        return Cell(_("no change"), 0)
    rising = delta > 0
    words = _("up %(amount)s") if rising else _("down %(amount)s")
    css = ""
    if spec.higher_is_better is not None:
        css = "is-better" if rising == spec.higher_is_better else "is-worse"
    return Cell(("↑ " if rising else "↓ ") + words % {"amount": amount}, raw, css)
