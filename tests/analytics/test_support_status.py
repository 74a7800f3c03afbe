import re
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import translation

from analytics import services
from tests.analytics.conftest import utc

URL = "/support/"


@pytest.fixture
def rolled_up(history):
    services.recompute_days(first=date(2026, 11, 20), last=date(2026, 11, 28))
    return history


def test_the_status_page_is_at_support(db):
    assert reverse("analytics:support-status") == URL


def test_it_shows_the_hours_and_the_holidays_ahead(client, rolled_up, time_machine):
    # Wednesday Nov 25, 18:00 in New York: closed, and Thanksgiving is tomorrow.
    time_machine.move_to(utc(2026, 11, 25, 23))

    page = client.get(URL).content.decode()

    assert "New York office" in page
    assert "Closed now" in page
    assert "Thanksgiving" in page
    assert "Too few recent requests to say" in page  # nothing answered in the week before


def test_it_shows_the_typical_wait_per_queue(client, rolled_up, time_machine):
    time_machine.move_to(utc(2026, 11, 28, 15))  # Saturday: the week before holds Nov 27

    page = client.get(URL).content.decode()

    assert "Security" in page
    assert "About 2\xa0hours" in page  # Security: 2 h of open hours, across Thanksgiving
    # General: 10 h of wall-clock time, read from a histogram bucket (within 25%).
    assert re.search(r"General</td>\s*<td[^>]*>About (9|10|11)\xa0hours", page)


def test_it_says_when_the_team_is_open(client, rolled_up, time_machine):
    time_machine.move_to(utc(2026, 11, 30, 15))  # Monday 10:00 in New York

    assert "Open now" in client.get(URL).content.decode()


def test_it_shows_times_in_the_visitors_zone(client, rolled_up, time_machine, member):
    member.timezone = "Asia/Shanghai"
    member.save(update_fields=["timezone"])
    client.force_login(member)
    time_machine.move_to(utc(2026, 11, 30, 15))

    page = client.get(URL).content.decode()

    assert page.count("UTC+8") == 1  # said once, not on every line
    # Monday 09:00-17:00 in New York is 22:00 Monday to 06:00 Tuesday in Shanghai.
    assert "Monday, November 30: 10 p.m. to 6 a.m. the next day" in page
    assert "Tuesday, December 1: 10 p.m. to 6 a.m. the next day" in page


def test_a_day_with_two_openings_is_one_line(client, rolled_up, time_machine):
    from escalation.models import OpeningHours

    OpeningHours.objects.filter(weekday=1).update(closes_at=time(12))
    calendar = OpeningHours.objects.filter(weekday=1).get().calendar
    OpeningHours.objects.create(calendar=calendar, weekday=1, opens_at=time(13), closes_at=time(17))
    time_machine.move_to(utc(2026, 11, 30, 15))

    page = client.get(URL).content.decode()

    # New York 09:00-12:00 and 13:00-17:00, in UTC (a visitor who signed in to no zone).
    assert "Tuesday, December 1: 2 p.m. to 5 p.m., 6 p.m. to 10 p.m." in page


def test_holidays_are_named_in_the_visitors_language(client, rolled_up, time_machine):
    from escalation.models import Holiday

    Holiday.objects.filter(name="Thanksgiving").update(name_zh_hans="感恩节")
    time_machine.move_to(utc(2026, 11, 20, 15))

    english = client.get(URL).content.decode()
    chinese = client.get(URL, headers={"accept-language": "zh-hans"}).content.decode()

    assert "Thanksgiving" in english
    assert "感恩节" not in english
    assert "感恩节" in chinese
    assert "Thanksgiving" not in chinese


def test_it_reads_in_chinese(client, rolled_up):
    with translation.override("zh-hans"):
        page = client.get(URL, headers={"accept-language": "zh-hans"}).content.decode()

    assert "客服状态" in page


def test_it_shows_no_individual_data(client, rolled_up):
    page = client.get(URL).content.decode()

    assert rolled_up.agent.username not in page
    assert "HO-" not in page


def test_the_footer_and_the_ask_page_link_to_it(client, member):
    client.force_login(member)

    assert URL in client.get(reverse("forum:ask")).content.decode()
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_it_does_not_break_without_calendars_or_rollups(client, db):
    page = client.get(URL)

    assert page.status_code == 200
    assert "no set hours" in page.content.decode()


def test_the_hours_read_in_chinese_with_the_zone_once(client, rolled_up, time_machine, member):
    member.timezone, member.language = "Asia/Shanghai", "zh-hans"
    member.save(update_fields=["timezone", "language"])
    client.force_login(member)
    time_machine.move_to(utc(2026, 11, 30, 15))

    page = client.get(URL, headers={"accept-language": "zh-hans"}).content.decode()

    assert page.count("UTC+8") == 1
    assert "11月30日（星期一）：22:00 至 次日 06:00" in page
