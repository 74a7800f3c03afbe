from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics import histograms, measures, selectors, services
from analytics.models import DailyRollup
from tests.analytics.conftest import FALL_BACK, HOUR

Scope = DailyRollup.Scope
NOV_3 = date(2026, 11, 3)
NOV_27 = date(2026, 11, 27)


def rebuild():
    services.recompute_days(first=date(2026, 10, 30), last=date(2026, 11, 30))


def measured(first, last=None, *, scope=Scope.CATEGORY, key=None):
    return selectors.period_measures(first=first, last=last or first, scope=scope, key=key)


def exactly(seconds):
    """The histogram a single sample of `seconds` makes."""
    return {str(histograms.bucket_of(seconds)): 1}


def test_a_question_asked_late_on_the_fall_back_day_counts_on_that_local_day(history):
    rebuild()

    assert measured(FALL_BACK)[measures.ASKED] == 1  # 04:30 UTC Nov 2 is 23:30 Nov 1
    assert measured(date(2026, 10, 31))[measures.ASKED] == 1  # 03:30 UTC Nov 1 is Oct 31
    assert measured(date(2026, 11, 2))[measures.ASKED] == 0


def test_it_counts_the_first_answer_by_neither_the_asker_nor_the_team(history):
    rebuild()

    day = measured(NOV_3, key=history.transfers.pk)
    assert day[measures.ASKED] == 5
    assert day[measures.COMMUNITY_ANSWERED] == 1
    assert day[measures.NEEDS_HELP] == 1
    assert day.histograms[measures.COMMUNITY_ANSWER_TIME] == exactly(HOUR)
    assert measured(date(2026, 11, 4))[measures.SOLVED] == 1


def test_it_counts_escalations_by_reason_per_category_and_queue(history):
    rebuild()

    for scope, key in ((Scope.CATEGORY, history.transfers.pk), (Scope.QUEUE, history.general.pk)):
        day = measured(NOV_3, scope=scope, key=key)
        assert day[measures.ESCALATED["deadline"]] == 2
        assert day[measures.ESCALATED["asker"]] == 1
        assert day[measures.ESCALATED["moderator"]] == 1
        assert day.escalated == 4


def test_first_response_time_skips_the_holiday_and_the_closed_hours(history):
    rebuild()

    queue = measured(NOV_27, scope=Scope.QUEUE, key=history.security.pk)
    assert queue[measures.FIRST_RESPONSES] == 1
    assert queue[measures.FIRST_RESPONSE_MET] == 1
    # Wed 16:00-17:00 and Fri 09:00-10:00: two hours, Thanksgiving not counted.
    assert queue.histograms[measures.FIRST_RESPONSE_TIME] == exactly(2 * HOUR)
    assert queue.histograms[measures.RESOLUTION_TIME] == exactly(4 * HOUR)
    assert histograms.bucket_of(queue.median(measures.FIRST_RESPONSE_TIME)) == (
        histograms.bucket_of(2 * HOUR)
    )


def test_a_wall_clock_ticket_counts_breaches_reopens_and_each_resolution(history):
    rebuild()

    queue = measured(NOV_27, scope=Scope.QUEUE, key=history.general.pk)
    assert queue[measures.FIRST_RESPONSES] == 1
    assert queue[measures.FIRST_RESPONSE_MET] == 0
    assert queue[measures.FIRST_RESPONSE_BREACHED] == 1
    assert queue.histograms[measures.FIRST_RESPONSE_TIME] == exactly(10 * HOUR)
    assert queue[measures.REOPENS] == 1
    assert queue[measures.RESOLUTIONS] == 2
    assert queue[measures.RESOLUTION_MET] == 2
    # First cycle: 01:00 to 12:00 (11 h); second: reopened 13:00, resolved 16:00 (3 h).
    assert queue.histograms[measures.RESOLUTION_TIME] == histograms.from_samples(
        [11 * HOUR, 3 * HOUR]
    )


def test_ratings_add_up_per_queue_agent_and_category(history):
    rebuild()

    everyone = measured(NOV_27, scope=Scope.CATEGORY)
    assert everyone[measures.RATINGS] == 3
    assert everyone.rating_average == pytest.approx(11 / 3)
    assert everyone.rating_distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    agent = measured(NOV_27, scope=Scope.AGENT, key=history.agent.pk)
    assert (agent[measures.RATINGS], agent[measures.FIRST_RESPONSES]) == (1, 1)
    other = measured(NOV_27, scope=Scope.AGENT, key=history.other_agent.pk)
    assert (other[measures.RATING_SUM], other[measures.RESOLUTIONS]) == (6, 2)
    assert other[measures.FIRST_RESPONSE_BREACHED] == 1


def test_secret_refusals_are_counted_for_the_site(history):
    rebuild()

    assert measured(NOV_3, scope=Scope.SITE)[measures.SECRET_REFUSALS] == 4


def test_recomputing_a_range_twice_gives_the_same_rows(history):
    def rows():
        return list(DailyRollup.objects.values_list("day", "scope", "key", "counts", "histograms"))

    rebuild()
    first = rows()
    rebuild()

    assert rows() == first
    assert first  # something was written


def test_the_rollups_agree_with_the_direct_computation_day_by_day_and_summed(history):
    rebuild()
    first, last = date(2026, 10, 30), date(2026, 11, 30)
    for scope in Scope.values:
        summed = selectors.Measures()
        day = first
        while day <= last:
            direct = selectors.period_measures(first=day, last=day, scope=scope, direct=True)
            assert measured(day, scope=scope) == direct, (scope, day)
            selectors.facts.Tally(summed.counts, summed.histograms).merge(
                direct.counts, direct.histograms
            )
            day += timedelta(days=1)
        assert measured(first, last, scope=scope) == summed


def test_the_direct_computation_refuses_long_ranges(history):
    with pytest.raises(ValueError, match="at most"):
        selectors.period_measures(first=NOV_3, last=NOV_27, scope=Scope.SITE, direct=True)


def test_the_typical_wait_per_queue_is_the_median_of_the_last_seven_days(history):
    rebuild()

    waits = selectors.typical_first_response_by_queue(today=date(2026, 11, 28))

    assert histograms.bucket_of(waits[history.security.pk]) == histograms.bucket_of(2 * HOUR)
    assert histograms.bucket_of(waits[history.general.pk]) == histograms.bucket_of(10 * HOUR)
    assert selectors.typical_first_response_by_queue(today=date(2026, 12, 10)) == {}


def test_the_command_recomputes_a_range_with_progress_on_stderr(history):
    out, err = StringIO(), StringIO()

    call_command(
        "analytics_rollup", "--from", "2026-11-26", "--to", "2026-11-27", stdout=out, stderr=err
    )

    assert "2/2 2026-11-27" in err.getvalue()
    assert "Recomputed 2 day(s)" in out.getvalue()
    assert DailyRollup.objects.filter(day=NOV_27).exists()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-11-27", "2026-11-01", r"ends \(2026-11-01\) before it starts"),
        ("2026-13-01", "2026-11-01", "is not a date"),
        ("2020-01-01", "2026-11-01", "more than"),
    ],
)
def test_the_command_refuses_bad_ranges_clearly(db, first, last, message):
    with pytest.raises(CommandError, match=message):
        call_command("analytics_rollup", "--from", first, "--to", last)


def test_the_beat_task_recomputes_yesterday_and_today(history, time_machine):
    from analytics.tasks import recompute_recent_rollups

    time_machine.move_to("2026-11-27 23:00:00+00:00")  # 18:00 in New York
    recompute_recent_rollups()

    # The wall-clock ticket was asked and opened on Nov 26 in New York (00:00, 01:00 UTC).
    assert set(DailyRollup.objects.values_list("day", flat=True)) == {NOV_27 - timedelta(1), NOV_27}


def test_recomputing_a_chunk_at_once_gives_the_rows_of_recomputing_day_by_day(history, monkeypatch):
    def rows():
        return list(
            DailyRollup.objects.order_by("day", "scope", "key").values_list(
                "day", "scope", "key", "counts", "histograms"
            )
        )

    rebuild()  # one chunk for the month
    at_once = rows()
    monkeypatch.setattr(services, "CHUNK_DAYS", 1)
    DailyRollup.objects.all().delete()
    rebuild()

    assert rows() == at_once
    assert any(day == NOV_27 for day, *_ in at_once)


def test_a_first_answer_in_an_earlier_chunk_is_not_counted_again(history, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_DAYS", 2)  # Nov 3 and Nov 4 fall in one chunk
    services.recompute_days(first=date(2026, 11, 2), last=date(2026, 11, 5))

    assert measured(NOV_3, key=history.transfers.pk)[measures.COMMUNITY_ANSWERED] == 1
    assert measured(date(2026, 11, 4), date(2026, 11, 5))[measures.COMMUNITY_ANSWERED] == 0


@pytest.mark.parametrize(
    ("first", "last", "weeks"),
    [
        (date(2026, 11, 2), date(2026, 11, 8), (date(2026, 11, 2), date(2026, 11, 2))),
        (date(2026, 11, 3), date(2026, 11, 15), (date(2026, 11, 9), date(2026, 11, 9))),
        (date(2026, 11, 3), date(2026, 11, 14), None),
        (date(2026, 10, 30), date(2026, 11, 30), (date(2026, 11, 2), date(2026, 11, 23))),
    ],
)
def test_a_period_reads_its_whole_weeks_and_its_edge_days(first, last, weeks):
    from analytics import periods

    assert periods.whole_weeks(first, last) == weeks


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), (date(2026, 11, 1), date(2026, 11, 1))),
        (date(2026, 10, 30), date(2026, 11, 30), (date(2026, 11, 1), date(2026, 11, 1))),
        (date(2026, 10, 30), date(2026, 11, 29), None),
        (date(2025, 12, 7), date(2026, 12, 6), (date(2026, 1, 1), date(2026, 11, 1))),
        (date(2024, 2, 1), date(2024, 2, 29), (date(2024, 2, 1), date(2024, 2, 1))),
    ],
)
def test_a_period_reads_its_whole_months(first, last, months):
    from analytics import periods

    assert periods.whole_months(first, last) == months


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2025, 12, 7), date(2026, 12, 6)),
        (date(2026, 9, 8), date(2026, 12, 6)),
        (date(2026, 11, 3), date(2026, 11, 4)),
        (date(2026, 2, 23), date(2026, 3, 29)),
        (date(2026, 3, 1), date(2026, 3, 31)),
    ],
)
def test_months_weeks_and_days_cover_a_period_once(first, last):
    from analytics import periods

    months, weeks, days = periods.cover(first, last)
    covered = []
    for start, end in months:
        month = start
        while month <= end:
            covered += [
                month + timedelta(days=n)
                for n in range(31)
                if (month + timedelta(days=n)).month == month.month
            ]
            month = periods.next_month(month)
    for start, end in weeks:
        covered += [start + timedelta(days=n) for n in range((end - start).days + 7)]
    for start, end in days:
        covered += [start + timedelta(days=n) for n in range((end - start).days + 1)]

    assert sorted(covered) == [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if (last - first).days > 300:
        assert len(days) <= 4


def test_week_and_month_rows_are_the_sum_of_their_days_and_follow_a_recomputed_day(history):
    from analytics.models import WeeklyRollup

    rebuild()
    week = date(2026, 11, 23)  # Monday; Thanksgiving week, the holiday and late tickets
    row = WeeklyRollup.objects.get(week=week, scope=Scope.QUEUE, key=history.general.pk)
    days = measured(week, week + timedelta(days=6), scope=Scope.QUEUE, key=history.general.pk)
    assert (row.counts, row.histograms) == (days.counts, days.histograms)
    assert row.counts[measures.RESOLUTIONS] == 2
    from analytics.models import MonthlyRollup

    month = MonthlyRollup.objects.get(
        month=date(2026, 11, 1), scope=Scope.CATEGORY, key=history.transfers.pk
    )
    whole = selectors.Measures()
    for day in range(1, 31):
        direct = selectors.period_measures(
            first=date(2026, 11, day),
            last=date(2026, 11, day),
            scope=Scope.CATEGORY,
            key=history.transfers.pk,
            direct=True,
        )
        selectors.facts.Tally(whole.counts, whole.histograms).merge(
            direct.counts, direct.histograms
        )
    assert (month.counts, month.histograms) == (whole.counts, whole.histograms)

    from analytics.models import DailyRollup as Daily
    from escalation.models import TicketEvent

    TicketEvent.objects.filter(kind=TicketEvent.Kind.REOPENED).delete()
    services.recompute_days(first=NOV_27, last=NOV_27)

    row = WeeklyRollup.objects.get(week=week, scope=Scope.QUEUE, key=history.general.pk)
    assert measures.REOPENS not in row.counts
    november = MonthlyRollup.objects.get(
        month=date(2026, 11, 1), scope=Scope.QUEUE, key=history.general.pk
    )
    assert measures.REOPENS not in november.counts
    assert Daily.objects.filter(day=date(2026, 11, 25)).exists()  # the other days are kept


def test_a_long_period_read_through_weeks_equals_the_direct_sum_of_its_days(history):
    rebuild()
    first, last = date(2026, 11, 1), date(2026, 11, 29)  # a Sunday to a Sunday
    for scope in Scope.values:
        summed = selectors.Measures()
        day = first
        while day <= last:
            direct = selectors.period_measures(first=day, last=day, scope=scope, direct=True)
            selectors.facts.Tally(summed.counts, summed.histograms).merge(
                direct.counts, direct.histograms
            )
            day += timedelta(days=1)
        assert measured(first, last, scope=scope) == summed, scope
        by_key = selectors.measures_by_key(first=first, last=last, scope=scope)
        total = selectors.Measures()
        for found in by_key.values():
            selectors.facts.Tally(total.counts, total.histograms).merge(
                found.counts, found.histograms
            )
        assert total == summed, scope
