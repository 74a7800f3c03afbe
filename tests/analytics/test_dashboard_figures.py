"""The dashboard's figures on the hand-built history (tests/analytics/conftest.py), whose
answers are known: the measures the dashboard added to the rollups (chains, helpers,
hourly counts, funnel stage times, surveys, staff answers accepted, recent comments),
each read through the rollups and compared with the direct computation, and the page's
tables built from them."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.powers import mark_verified
from analytics import dashboard, histograms, measures, selectors, services
from analytics.dashboard import rows, sections
from analytics.forms import Query
from analytics.models import DailyRollup
from escalation.models import SatisfactionRating
from forum.errors import NotAllowed
from help.models import DeflectionDay
from tests.analytics.conftest import FALL_BACK, HOUR
from tests.factories import UserFactory

Scope = DailyRollup.Scope
NOV_3, NOV_4, NOV_27, NOV_30 = (date(2026, 11, day) for day in (3, 4, 27, 30))


def rebuild():
    services.recompute_days(first=date(2026, 10, 1), last=date(2026, 11, 30))


def both_ways(day, *, scope=Scope.CATEGORY, key=None):
    """The measures of one day from the rollups, after checking the direct path agrees."""
    rolled = selectors.period_measures(first=day, last=day, scope=scope, key=key)
    direct = selectors.period_measures(first=day, last=day, scope=scope, key=key, direct=True)
    assert rolled == direct
    return rolled


def exactly(seconds):
    return {str(histograms.bucket_of(seconds)): 1}


def query(first, last, *, tz="America/New_York", scope=Scope.CATEGORY, key=None, pivot=None):
    return Query(
        first=first,
        last=last,
        tz=ZoneInfo(tz),
        scope=scope,
        key=key,
        filter_label="",
        pivot=pivot or first + timedelta(days=((last - first).days + 1) // 2),
        preset="custom",
    )


def load(viewer, found_query, today=date(2026, 12, 7)):
    return dashboard.load_dashboard(viewer=viewer, query=found_query, names={}, today=today)


def column(table, name):
    """{first cell's raw value: row} of a table."""
    return {row[0].raw: row for row in table.rows}[name]


def test_questions_are_counted_per_chain_too(history):
    rebuild()

    day = both_ways(NOV_3, scope=Scope.CHAIN, key=history.tron.pk)
    assert (day[measures.ASKED], day[measures.COMMUNITY_ANSWERED]) == (1, 1)
    assert both_ways(NOV_3, scope=Scope.CHAIN, key=0)[measures.ASKED] == 4  # no chain given
    assert both_ways(NOV_4, scope=Scope.CHAIN, key=history.tron.pk)[measures.SOLVED] == 1


def test_an_accepted_community_answer_counts_for_its_helper(history):
    rebuild()

    assert (
        both_ways(NOV_4, scope=Scope.HELPER, key=history.helper.pk)[measures.ACCEPTED_ANSWERS] == 1
    )
    # The staff answer accepted on Nov 27 is no helper's.
    assert both_ways(NOV_27, scope=Scope.HELPER).counts == {}


def test_an_escalated_question_solved_by_the_staff_answer_is_counted(history):
    rebuild()

    wallets = both_ways(NOV_27, key=history.wallets.pk)
    assert wallets[measures.STAFF_ANSWER_ACCEPTED] == 1
    assert wallets[measures.SOLVED] == 1
    assert (
        both_ways(NOV_27, scope=Scope.QUEUE, key=history.security.pk)[
            measures.STAFF_ANSWER_ACCEPTED
        ]
        == 1
    )
    assert both_ways(NOV_4, key=history.transfers.pk)[measures.STAFF_ANSWER_ACCEPTED] == 0


def test_funnel_stage_times_are_measured_from_the_stage_before(history):
    rebuild()

    transfers = both_ways(NOV_3, key=history.transfers.pk)
    assert transfers.histograms[measures.NEEDS_HELP_TIME] == exactly(4 * HOUR)
    # Four threads asked at 10:00 UTC, escalated at 20:00 UTC.
    assert transfers.histograms[measures.ESCALATION_TIME] == {
        str(histograms.bucket_of(10 * HOUR)): 4
    }
    assert both_ways(NOV_4, key=history.transfers.pk).histograms[measures.SOLVE_TIME] == (
        exactly(22 * HOUR)
    )
    # Ratings: 30 minutes after each of the wall-clock ticket's resolutions, one hour
    # after the holiday ticket's.
    everyone = both_ways(NOV_27)
    assert everyone.histograms[measures.RATING_TIME] == histograms.from_samples(
        [HOUR / 2, HOUR / 2, HOUR]
    )


def test_surveys_sent_give_the_response_rate(history):
    rebuild()

    everyone = both_ways(NOV_27)
    assert (everyone[measures.SURVEYS_SENT], everyone[measures.RATINGS]) == (3, 3)
    assert everyone.rate(measures.RATINGS, measures.SURVEYS_SENT) == 1


def test_only_commented_ratings_are_remembered_as_recent_comments(history):
    rebuild()

    commented = SatisfactionRating.objects.get(comment__startswith="Slow")
    everyone = both_ways(NOV_27)
    assert [rating_id for _at, rating_id in everyone.recent_comments] == [commented.pk]


def test_hourly_counts_are_hours_elapsed_since_the_local_midnight(history):
    rebuild()

    # 23:30 on the 25-hour fall-back day is 24.5 hours after its midnight.
    day = both_ways(FALL_BACK)
    assert day[measures.by_hour(measures.ASKED, 24)] == 1
    # Nov 3, 10:00 UTC is 05:00 in New York (standard time): four questions, and the
    # fifth at 14:00 UTC (09:00); the four escalations at 20:00 UTC (15:00).
    nov_3 = both_ways(NOV_3)
    assert nov_3[measures.by_hour(measures.ASKED, 5)] == 4
    assert nov_3[measures.by_hour(measures.ASKED, 9)] == 1
    assert nov_3[measures.by_hour(measures.ESCALATIONS, 15)] == 4


def test_the_heatmap_is_in_the_viewers_zone_across_the_dst_change(history, agent):
    rebuild()

    def questions(tz):
        found = load(agent, query(date(2026, 10, 31), FALL_BACK, tz=tz))
        grid = found.heatmaps[0].chart["series"][0]["data"]
        return {(weekday, hour): n for hour, weekday, n in grid if n}

    # Oct 31 23:30 EDT (a Saturday) and Nov 1 23:30 EST (the Sunday, after the change).
    assert questions("America/New_York") == {(5, 23): 1, (6, 23): 1}
    # The same instants in Shanghai: Sunday 11:30 and Monday 12:30.
    assert questions("Asia/Shanghai") == {(6, 11): 1, (0, 12): 1}


def test_the_dashboard_reads_the_measures_and_compares_with_the_previous_period(history, agent):
    # Self-service (help.models.DeflectionDay): 2 + 1 questions answered in November, 1 in
    # October; offers and asks-anyway are not deflections.
    DeflectionDay.objects.create(day=date(2026, 11, 5), source="ask", opened=4, deflected=2)
    DeflectionDay.objects.create(day=date(2026, 11, 6), source="bot", opened=3, deflected=1)
    DeflectionDay.objects.create(day=date(2026, 10, 20), source="ask", deflected=1)
    rebuild()

    found = load(agent, query(date(2026, 11, 1), date(2026, 11, 30)))

    volume = found.sections[0]
    assert column(volume, "asked")[1].raw == 8
    assert column(volume, "asked")[2].raw == 1  # Oct 2-31: the Oct 31 question
    assert column(volume, "asked")[3].text.startswith("↑")
    assert column(volume, "escalated")[1].raw == 6
    assert column(volume, "escalated_deadline")[1].raw == 3
    assert column(volume, "deflected")[1].raw == 3
    assert column(volume, "deflected")[2].raw == 1
    assert column(volume, "secret_refusals")[1].raw == 4
    speed = found.sections[1]
    assert column(speed, "first_response_sla")[1].raw == 0.5  # one of two met its target
    assert column(speed, "resolution_sla")[1].raw == 1
    assert column(speed, "reopen_rate")[1].raw == pytest.approx(1 / 3, abs=1e-4)
    outcome = found.sections[2]
    assert column(outcome, "community_answer_rate")[1].raw == pytest.approx(1 / 8)
    assert column(outcome, "escalation_rate")[1].raw == pytest.approx(6 / 8)
    assert column(outcome, "rating_average")[1].raw == pytest.approx(11 / 3, abs=0.01)
    assert column(outcome, "rating_response_rate")[1].raw == 1
    assert column(outcome, "staff_answer_accepted")[1].raw == pytest.approx(1 / 6, abs=1e-4)
    assert [comment["comment"] for comment in found.comments] == ["Slow at first, then fine."]
    assert [row[1].raw for row in found.satisfaction.rows] == [1, 1, 0, 1, 0]  # 5 … 1


def test_the_funnel_counts_each_stage_and_marks_the_largest_drop(history, agent):
    rebuild()

    found = load(agent, query(date(2026, 11, 1), date(2026, 11, 30)))
    counts = {row[0].raw: row[1].raw for row in found.funnel.rows}

    assert counts == {
        "asked": 8,
        "community_answered": 1,
        "solved": 2,
        "needs_help": 1,
        "escalated": 6,
        "first_response": 2,
        "resolved": 3,
        "rated": 3,
    }
    worst = [row[0].raw for row in found.funnel.rows if row[2].css == "is-worst"]
    assert worst == ["community_answered"]  # 7 of 8 questions got no community answer
    assert found.funnel.chart["highlight"] == 1
    assert {table.title for table in found.funnels} == {"Transfers", "Wallets"} or len(
        found.funnels
    ) == 2


def test_agents_see_their_own_row_and_admins_everyones(history):
    rebuild()
    history.agent.groups.add(Group.objects.get_or_create(name=roles.AGENTS)[0])
    agent = mark_verified(history.agent)
    admin = mark_verified(UserFactory(is_staff=True, is_superuser=True))
    period = query(date(2026, 11, 1), date(2026, 11, 30))

    own = load(agent, period).agents
    everyone = load(admin, period).agents

    assert len(own.rows) == 1
    assert own.rows[0][1].raw == 1  # the holiday ticket, resolved
    assert len(everyone.rows) == 2
    assert sorted(row[1].raw for row in everyone.rows) == [1, 2]


def test_top_helpers_are_ranked_by_accepted_answers(history, agent):
    rebuild()

    helpers = load(agent, query(date(2026, 11, 1), date(2026, 11, 30))).helpers

    assert [row[1].raw for row in helpers.rows] == [1]
    assert helpers.rows[0][0].text in (history.helper.display_name, history.helper.username)
    # Read through November's monthly row: whole, and less the days up to Nov 4.
    assert rows.top_helpers(date(2026, 10, 2), date(2026, 11, 30), limit=10) == [
        (history.helper.pk, 1)
    ]
    assert rows.top_helpers(date(2026, 11, 5), date(2026, 11, 30), limit=10) == []


def test_a_before_after_comparison_on_few_questions_says_the_sample_is_too_small(history, agent):
    rebuild()

    found = load(agent, query(date(2026, 11, 1), date(2026, 11, 30), pivot=date(2026, 11, 16)))
    asked = column(found.before_after, "asked_per_day")

    assert found.windows == (date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 16), NOV_30)
    assert asked[1].raw == pytest.approx(6 / 15, abs=0.01)
    assert asked[2].raw == pytest.approx(2 / 15, abs=0.01)
    assert "too small" in asked[3].text


def test_the_selector_refuses_anyone_without_staff_powers(history, member, agent_without_mfa):
    for viewer in (member, agent_without_mfa):
        with pytest.raises(NotAllowed):
            load(viewer, query(date(2026, 11, 1), date(2026, 11, 30)))


def test_a_change_reads_as_a_number_and_a_direction():
    spec = sections.outcome_specs()[0]  # community answer rate: higher is better
    up = sections.change_cell(spec, 0.5, 0.25)
    down = sections.change_cell(spec, 0.25, 0.5)

    assert up.text.startswith("↑")
    assert "25.0" in up.text
    assert up.css == "is-better"
    assert down.text.startswith("↓")
    assert down.css == "is-worse"
    assert sections.change_cell(spec, 0.5, 0.5).raw == 0


def test_a_period_reads_months_and_the_fewest_days_around_them():
    from analytics.dashboard.rows import split

    # October: its month less Oct 1-14 (15 rows) beats Oct 15-31 (17 rows).
    plan = split(date(2026, 10, 15), date(2026, 12, 3))
    assert plan.months == [date(2026, 10, 1), date(2026, 11, 1)]
    assert plan.days == [(date(2026, 12, 1), date(2026, 12, 3))]
    assert plan.minus == [(date(2026, 10, 1), date(2026, 10, 14))]
    november = split(date(2026, 11, 1), date(2026, 11, 30))
    assert (november.months, november.days, november.minus) == ([date(2026, 11, 1)], [], [])
    inside = split(date(2026, 11, 3), date(2026, 11, 27))
    assert inside.months == [date(2026, 11, 1)]
    assert inside.minus == [
        (date(2026, 11, 1), date(2026, 11, 2)),
        (date(2026, 11, 28), date(2026, 11, 30)),
    ]
    short = split(date(2026, 11, 10), date(2026, 11, 16))
    assert (short.months, short.days) == ([], [(date(2026, 11, 10), date(2026, 11, 16))])


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 10, 15), date(2026, 11, 30)),
        (date(2026, 10, 1), date(2026, 11, 30)),
        (date(2026, 11, 2), date(2026, 11, 28)),
        (date(2026, 10, 31), date(2026, 11, 1)),
        (date(2026, 11, 4), date(2026, 11, 26)),  # November less its other days
        (date(2026, 10, 2), date(2026, 11, 27)),  # October less a day, November less three
    ],
)
def test_a_period_read_through_monthly_rollups_equals_the_sum_of_its_days(history, first, last):
    from django.db.models import Q

    from analytics.dashboard.rows import totals

    rebuild()
    for scope in (Scope.CATEGORY, Scope.QUEUE, Scope.AGENT, Scope.SITE):
        found = totals({"period": (first, last)}, Q(scope=scope))["period"]
        days = selectors.period_measures(first=first, last=last, scope=scope)
        assert found.counts == {k: n for k, n in days.counts.items() if "@h" not in k}, scope
        assert found.histograms == days.histograms, scope
        assert found.recent_comments == days.recent_comments, scope


def test_recomputing_days_rebuilds_their_months(history):
    from analytics.models import MonthlyRollup

    rebuild()
    first = list(MonthlyRollup.objects.values_list("month", "scope", "key", "counts"))
    rebuild()

    assert list(MonthlyRollup.objects.values_list("month", "scope", "key", "counts")) == first
    assert {month for month, *_ in first} == {date(2026, 10, 1), date(2026, 11, 1)}
    november = MonthlyRollup.objects.get(month=date(2026, 11, 1), scope=Scope.SITE)
    assert november.counts[measures.ASKED] == 8
    assert not any("@h" in name for name in november.counts)
