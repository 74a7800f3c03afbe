"""The staff dashboard's page (/staff/analytics/): who may open it, bad input, CSV
downloads, caching headers and a query count that does not grow with the period."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import services
from analytics.models import DailyRollup
from tests.conftest import sign_in
from tests.factories import CategoryFactory, UserFactory

URL = "/staff/analytics/"
NOV = {"period": "custom", "start": "2026-11-01", "end": "2026-11-30", "tz": "America/New_York"}


@pytest.fixture(autouse=True)
def now_in_december(time_machine):
    time_machine.move_to("2026-12-07 12:00:00+00:00")


@pytest.fixture
def rolled_up(history):
    services.recompute_days(first=date(2026, 10, 1), last=date(2026, 11, 30))
    return history


def test_the_url_is_named():
    assert reverse("analytics:staff-dashboard") == URL


def test_a_visitor_and_a_member_get_404(client, member):
    assert client.get(URL).status_code == 404
    sign_in(client, member)
    assert client.get(URL).status_code == 404


def test_a_moderator_is_no_agent_and_gets_404(client, moderator):
    sign_in(client, moderator)
    assert client.get(URL).status_code == 404


def test_an_agent_without_a_verified_second_factor_is_sent_to_verify_it(client, agent_without_mfa):
    sign_in(client, agent_without_mfa)

    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]
    assert "Analytics" not in response.content.decode()


def test_an_agent_sees_the_dashboard_privately(client, agent, rolled_up):
    sign_in(client, agent)

    response = client.get(URL, NOV)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Questions asked" in page
    assert 'data-chart="chart-funnel"' in page
    assert 'id="chart-funnel"' in page  # the chart's JSON, next to its table
    assert "vendor/echarts/echarts.min.js" in page
    cache = response["Cache-Control"]
    assert "private" in cache
    assert "no-store" in cache


def test_the_staff_workspace_links_to_the_dashboard(client, agent):
    sign_in(client, agent)
    assert f'href="{URL}"' in client.get(reverse("escalation:staff-queue")).content.decode()


def test_an_agent_sees_only_their_own_row_and_an_admin_everyones(client, rolled_up):
    from django.contrib.auth.models import Group

    from accounts import roles

    rolled_up.agent.groups.add(Group.objects.get_or_create(name=roles.AGENTS)[0])
    rolled_up.other_agent.groups.add(Group.objects.get_or_create(name=roles.AGENTS)[0])
    sign_in(client, rolled_up.agent, second_factor=True)
    own = client.get(URL, {**NOV, "format": "csv", "table": "agents"}).content.decode()
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    sign_in(client, admin)
    everyone = client.get(URL, {**NOV, "format": "csv", "table": "agents"}).content.decode()

    assert len(own.strip().splitlines()) == 2  # the header and the agent's row
    assert len(everyone.strip().splitlines()) == 3


def test_a_csv_download_starts_with_the_bom_and_holds_the_table(client, agent, rolled_up):
    sign_in(client, agent)

    response = client.get(URL, {**NOV, "format": "csv", "table": "volume"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Measure,This period,Previous period,Change"
    assert "asked,8,1," in text
    assert "private" in response["Cache-Control"]


def test_a_csv_in_chinese_reads_in_chinese(client, agent, rolled_up):
    from django.utils import translation

    sign_in(client, agent)
    with translation.override("zh-hans"):
        response = client.get(
            URL, {**NOV, "format": "csv", "table": "funnel"}, headers={"accept-language": "zh-hans"}
        )

    assert response.content.startswith(b"\xef\xbb\xbf")


def test_a_csv_cell_that_a_spreadsheet_would_run_is_quoted():
    from analytics.tables import Cell, Table

    table = Table("helpers", "Top helpers", ["Member", "Accepted answers"])
    table.rows.append([Cell("=HYPERLINK(1)"), Cell("3", 3)])

    assert "'=HYPERLINK(1),3" in table.csv()


def test_an_unknown_table_is_a_message_not_an_error(client, agent, rolled_up):
    sign_in(client, agent)

    response = client.get(URL, {**NOV, "format": "csv", "table": "secrets"})

    assert response.status_code == 200
    assert "There is no table by that name" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "custom", "start": "2026-11-30", "end": "2026-11-01"}, "comes before"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-11-01"}, "at most"),
        ({"period": "custom", "start": "2026-11-01"}, "both a first and a last day"),
        ({"period": "custom", "start": "2026-11-01", "end": "2027-01-01"}, "in the future"),
        ({"start": "2026-13-45", "end": "2026-11-01"}, "valid date"),
        ({"start": "99999999999-01-01", "end": "2026-11-01"}, "valid date"),
        ({"tz": "Mars/Olympus_Mons"}, "not a time zone"),
        ({"filter": "category:no-such"}, "no category, queue or chain"),
        ({"filter": "queue:99999999999999999999999"}, "no category, queue or chain"),
        ({"period": "fortnight"}, "valid choice"),
        ({"pivot": "1900-01-01"}, "comparison date"),
    ],
)
def test_bad_input_gets_a_clear_message_and_the_default_view(client, agent, params, message):
    sign_in(client, agent)

    response = client.get(URL, params)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="analytics-problems"' in page
    assert message in page
    assert "Showing the last 30 days of everything instead." in page


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    params=st.dictionaries(
        st.sampled_from(["period", "start", "end", "tz", "filter", "pivot", "format", "table"]),
        st.one_of(
            st.text(max_size=40),
            st.integers(min_value=-(10**30), max_value=10**30).map(str),
            st.sampled_from(["custom", "year", "7", "csv", "volume", "2026-11-01", "\x00"]),
        ),
    )
)
def test_any_query_string_is_answered_without_a_server_error(client, agent, params):
    sign_in(client, agent)

    response = client.get(URL, params)

    assert response.status_code in (200, 400, 404)  # 400: a NUL byte (config.nulbytes)


@pytest.mark.parametrize("params", [{"tz": "Asia/Shanghai\x00"}, {"filter": "chain:\x00"}])
def test_a_nul_byte_gets_the_sites_bad_request_page(client, agent, params):
    sign_in(client, agent)

    response = client.get(URL, params)

    assert response.status_code == 400


def test_a_category_filter_narrows_the_figures(client, agent, rolled_up):
    sign_in(client, agent)
    wallets = {**NOV, "filter": "category:wallets", "format": "csv", "table": "volume"}

    text = client.get(URL, wallets).content.decode("utf-8-sig")

    assert "asked,1,0," in text


def test_the_presets_count_back_from_today_in_the_viewers_zone(client, agent):
    sign_in(client, agent)

    page = client.get(URL, {"period": "7", "tz": "Pacific/Kiritimati"}).content.decode()

    # 12:00 UTC on Dec 7 is already Dec 8 at UTC+14.
    assert 'value="2026-12-08"' in page
    assert 'value="2026-12-02"' in page


def _rollups(days: int, categories: list) -> None:
    """A day's rollup row per category for `days` days up to Dec 6."""
    last = date(2026, 12, 6)
    DailyRollup.objects.bulk_create(
        DailyRollup(
            day=last - timedelta(days=offset),
            scope=scope,
            key=key,
            counts={"asked": 3, "escalated_asker": 1, "asked@h5": 3},
            histograms={"first_response_time": {"10": 1}},
            computed_at=datetime(2026, 12, 7, tzinfo=UTC),
        )
        for offset in range(days)
        for scope, key in [("category", c.pk) for c in categories]
        + [("agent", 1), ("helper", 2), ("site", 0)]
    )
    month = (last - timedelta(days=days)).replace(day=1)
    while month <= last:
        services.recompute_month(month=month)
        month = services.next_month(month)


def test_the_query_count_does_not_grow_with_the_period(
    client, agent, django_assert_max_num_queries
):
    categories = [CategoryFactory() for _n in range(3)]
    sign_in(client, agent)
    _rollups(2 * 366, categories)
    client.get(URL, {"period": "7"})  # the session and caches warm up

    counted = {}
    for period in ("7", "90", "year"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"period": period}).status_code == 200
        counted[period] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"period": "custom", "start": "2025-01-01", "end": "2026-12-06"})
    counted["two years"] = len(queries)

    assert len(set(counted.values())) == 1, counted
    raw_tables = ("forum_thread", "forum_post", "escalation_ticket", "escalation_ticketevent")
    assert not [
        q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in raw_tables)
    ]
    with django_assert_max_num_queries(16):
        client.get(URL, {"period": "90"})
