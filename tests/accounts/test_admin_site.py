"""The admin: the site's name, sections named for what they hold, durations in hours and minutes."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from escalation.models import BusinessCalendar, EscalationPolicy
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user):
    return sign_in(Client(), admin_user)


def section_names(html: str) -> list[str]:
    return re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)


def test_the_admin_is_branded_with_the_site_name(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert "<title>Configure the forum and the support team | Handoff admin</title>" in html
    assert "Handoff administration" in html
    assert "Django administration" not in html


def test_no_two_admin_sections_share_a_name(admin_client):
    names = section_names(admin_client.get("/admin/").content.decode())

    assert "Members and roles" in names
    assert "Sign-in email addresses" in names
    assert len(names) == len(set(names)), names


@pytest.fixture
def policy(db):
    return EscalationPolicy.objects.create()


def policy_form(client, policy) -> str:
    return client.get(f"/admin/escalation/escalationpolicy/{policy.pk}/change/").content.decode()


def test_durations_are_typed_as_hours_and_minutes(admin_client, policy):
    html = policy_form(admin_client, policy)

    assert 'name="escalate_after_0" value="24"' in html
    assert 'name="escalate_after_1" value="0"' in html
    assert "1 00:00:00" not in html


def test_each_duration_says_how_it_counts_without_a_calendar(admin_client, policy):
    html = policy_form(admin_client, policy)

    assert "Counted in calendar hours (every hour of every day): this policy has no" in html
    assert "Always counted in calendar hours" in html


def test_each_duration_says_how_it_counts_with_a_calendar(admin_client, policy):
    policy.calendar = BusinessCalendar.objects.create(
        name="Shanghai office", time_zone="Asia/Shanghai"
    )
    policy.save()

    html = policy_form(admin_client, policy)

    assert "Counted in business hours: the opening hours of “Shanghai office”." in html


def post_policy(client, policy, **durations):
    data = {
        "answered_when": "reply",
        "ticket_priority": policy.ticket_priority,
    }
    for name in (
        "needs_help_after",
        "escalate_after",
        "escalate_unsolved_after",
        "member_can_request_after",
        "first_response_target",
        "resolution_target",
        "solve_nudge_after",
        "close_resolved_after",
        "close_waiting_after",
        "reopen_within",
    ):
        value = getattr(policy, name)
        hours, minutes = durations.get(
            name, (None, None) if value is None else divmod(int(value.total_seconds() // 60), 60)
        )
        data[f"{name}_0"] = "" if hours is None else str(hours)
        data[f"{name}_1"] = "" if minutes is None else str(minutes)
    return client.post(f"/admin/escalation/escalationpolicy/{policy.pk}/change/", data)


def test_hours_and_minutes_are_saved_as_the_duration(admin_client, policy):
    response = post_policy(admin_client, policy, needs_help_after=(1, 30), escalate_after=(36, ""))

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.needs_help_after == timedelta(hours=1, minutes=30)
    assert policy.escalate_after == timedelta(hours=36)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ((1, 90), "Minutes go from 0 to 59"),
        ((-1, 0), "Hours cannot be negative."),
        ((99999999999999999999, 0), "At most 10000 hours."),
        (("", ""), "Give a number of hours, minutes or both."),
    ],
)
def test_a_bad_duration_is_refused_with_a_clear_message(admin_client, policy, typed, message):
    response = post_policy(admin_client, policy, needs_help_after=typed)

    assert response.status_code == 200
    assert message in response.content.decode()
    policy.refresh_from_db()
    assert policy.needs_help_after == timedelta(hours=4)
