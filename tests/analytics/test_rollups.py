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


@pytest.mark.parametrize("chunk", [1, 2, 7])
def test_collecting_days_together_gives_the_rows_of_collecting_them_one_by_one(
    history, monkeypatch, chunk
):
    """A chunk of days is collected at once (services.CHUNK_DAYS): a first answer, a
    ticket's cycle or a month's figures never depend on where a chunk begins."""

    def rows():
        return list(
            DailyRollup.objects.order_by("day", "scope", "key").values_list(
                "day", "scope", "key", "counts", "histograms", "recent_comments"
            )
        )

    rebuild()  # 31 days a chunk: Oct 30-Nov 29, then Nov 30
    together = rows()
    monkeypatch.setattr(services, "CHUNK_DAYS", chunk)
    DailyRollup.objects.all().delete()
    rebuild()

    assert rows() == together
    assert any(day == NOV_27 for day, *_ in together)


def test_the_rollups_agree_with_the_direct_computation_day_by_day_and_summed(history):
    rebuild()
    first, last = date(2026, 10, 30), date(2026, 11, 30)
    for scope in Scope.values:
        summed = selectors.Measures()
        day = first
        while day <= last:
            direct = selectors.period_measures(first=day, last=day, scope=scope, direct=True)
            assert measured(day, scope=scope) == direct, (scope, day)
            summed.tally.merge(direct.counts, direct.histograms, direct.recent_comments)
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
