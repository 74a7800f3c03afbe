"""The public support status in a Chinese browser on a phone: the team's hours in the
visitor's zone a line a day, whether it is open now, the holidays ahead by their Chinese
names, and the typical wait per queue; no person's data."""

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from escalation.models import BusinessCalendar, EscalationPolicy, Holiday, OpeningHours, Queue
from tests.e2e.test_escalation_journey import zh

pytestmark = pytest.mark.e2e


@pytest.fixture
def shanghai_office(db):
    calendar = BusinessCalendar.objects.create(name="上海客服中心", time_zone="Asia/Shanghai")
    for weekday in range(7):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens_at=time(9), closes_at=time(18)
        )
    in_three_days = timezone.localdate(timezone.now(), timezone=ZoneInfo(calendar.time_zone))
    in_three_days += timedelta(days=3)
    Holiday.objects.create(
        calendar=calendar, date=in_three_days, name="Founders' Day", name_zh_hans="建站纪念日"
    )
    queue = Queue.objects.create(name="安全", slug="security")
    EscalationPolicy.objects.create(calendar=calendar, ticket_queue=queue)
    return calendar


def test_a_visitor_reads_the_support_status_in_chinese_on_a_phone(
    browser: Browser, base_url, shanghai_office
):
    context = browser.new_context(
        base_url=base_url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()

    page.goto("/")
    page.get_by_role("link", name=zh("Support hours and waiting times")).click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Support status"))
    office = page.locator(".support-calendar")
    expect(office.get_by_role("heading", level=2)).to_have_text("上海客服中心")
    expect(office.locator(".badge").first).to_have_text(
        re.compile(f"^({zh('Open now')}|{zh('Closed now')})$")
    )
    # A line a day for the week ahead, less the holiday (and today, once it has closed).
    expect(office.locator(".support-hours li").first).to_contain_text("09:00")
    lines = office.locator(".support-hours li").all_inner_texts()
    assert 5 <= len(lines) <= 6, lines
    assert all("09:00" in line and "18:00" in line for line in lines), lines
    expect(office.locator(".support-holidays")).to_contain_text("建站纪念日")
    expect(office.locator(".support-holidays")).not_to_contain_text("Founders' Day")
    expect(page.locator(".support-waits")).to_contain_text("安全")
    expect(page.locator(".support-waits")).to_contain_text(zh("Too few recent requests to say"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
