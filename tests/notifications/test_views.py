"""The notification list, reading notifications (one or all), and the bell."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import PER_PAGE
from tests.conftest import sign_in
from tests.notifications.conftest import Kind, choose, notify, unread_count

LIST_URL = "/notifications/"
READ_ALL_URL = "/notifications/read-all/"
HTMX = {"HX-Request": "true"}


def _read_url(notification) -> str:
    return f"/notifications/{notification.pk}/read/"


@pytest.fixture
def other_client(other_member):
    client = Client()
    sign_in(client, other_member)
    return client


# --- Who may see what ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", LIST_URL),
        ("post", READ_ALL_URL),
        ("post", "/notifications/1/read/"),
    ],
)
def test_a_visitor_is_sent_to_sign_in(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_reading_someone_elses_notification_is_404(member, other_client):
    notification = notify(member)

    response = other_client.post(_read_url(notification))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread
    assert unread_count(member) == 1


def test_reading_a_notification_that_does_not_exist_is_404(member_client):
    assert member_client.post("/notifications/999999/read/").status_code == 404


def test_reading_needs_a_post(member, member_client):
    assert member_client.get(_read_url(notify(member))).status_code == 405


# --- The list --------------------------------------------------------------------------


def test_the_list_shows_messages_newest_first_and_marks_unread(member, member_client):
    older = notify(member, Kind.ANSWER_ACCEPTED, now=timezone.now() - timedelta(hours=1))
    notify(member, Kind.REPLY)
    member_client.post(_read_url(older))

    response = member_client.get(LIST_URL)

    html = response.text
    reply_at = html.index("Otto Other replied to “USDT stuck as pending”")
    accepted_at = html.index("Your answer to “USDT stuck as pending” was accepted.")
    assert reply_at < accepted_at
    assert html.count('class="notification is-unread"') == 1
    assert html.count("Unread:") == 1


def test_the_list_shows_only_the_viewers_own_notifications(member, other_member, member_client):
    notify(other_member, Kind.SOLVE_NUDGE)

    response = member_client.get(LIST_URL)

    assert "Did one solve it?" not in response.text
    assert "No notifications yet." in response.text


def test_the_list_shows_times_in_the_viewers_zone(member, member_client):
    member.timezone = "Asia/Shanghai"
    member.save(update_fields=["timezone"])
    notify(member, Kind.ESCALATED)  # due 2026-03-02 09:30 UTC

    response = member_client.get(LIST_URL)

    assert "support team by March 2, 2026, 5:30 p.m." in response.text


def test_the_list_leaves_out_email_only_notifications(member, member_client):
    from notifications.models import Channels

    choose(member, reply=Channels(in_app=False, email=True))
    notify(member)

    assert "replied to" not in member_client.get(LIST_URL).text


def test_the_list_pages_by_keyset(member, member_client):
    start = timezone.now() - timedelta(days=1)
    for n in range(PER_PAGE + 3):
        notify(
            member,
            Kind.SOLVE_NUDGE,
            params={"thread_title": f"Question {n:02}"},
            now=start + timedelta(minutes=n // 2),  # pairs share a timestamp
        )

    first = member_client.get(LIST_URL)
    older_link = first.context["page"].older_cursor
    second = member_client.get(LIST_URL, {"before": older_link})

    first_titles = [n.params["thread_title"] for n in first.context["page"].notifications]
    second_titles = [n.params["thread_title"] for n in second.context["page"].notifications]
    assert len(first_titles) == PER_PAGE
    assert sorted(first_titles + second_titles) == [f"Question {n:02}" for n in range(PER_PAGE + 3)]
    assert first_titles[0] == f"Question {PER_PAGE + 2:02}"
    assert f"?before={older_link}" in first.text
    assert second.context["page"].older_cursor == ""
    assert "Newest" in second.text


@pytest.mark.parametrize("cursor", ["nonsense", "1.2.3", "99999999999999999.1", "-5.1", "².1"])
def test_a_broken_cursor_shows_the_first_page(member, member_client, cursor):
    notify(member)

    response = member_client.get(LIST_URL, {"before": cursor})

    assert response.status_code == 200


def test_the_list_costs_the_same_queries_for_forty_notifications_as_for_two(
    member, member_client, django_assert_max_num_queries
):
    for _ in range(2):
        notify(member)
    with django_assert_max_num_queries(3) as few:  # the user, their roles, notifications
        member_client.get(LIST_URL)
    for _ in range(38):
        notify(member)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = member_client.get(LIST_URL)

    assert len(response.context["page"].notifications) == PER_PAGE


def test_htmx_gets_only_the_list(member, member_client):
    notify(member)

    response = member_client.get(LIST_URL, headers=HTMX)

    assert 'id="notification-list"' in response.text
    assert "<html" not in response.text


# --- Reading ---------------------------------------------------------------------------


def test_clicking_a_notification_marks_it_read_and_follows_its_link(member, member_client):
    notification = notify(member, url="/t/7/usdt-pending/")

    response = member_client.post(_read_url(notification))

    assert response.status_code == 302
    assert response["Location"] == "/t/7/usdt-pending/"
    notification.refresh_from_db()
    assert not notification.is_unread
    assert unread_count(member) == 0


def test_reading_a_read_notification_again_changes_no_count(member, member_client):
    first, _second = notify(member), notify(member)
    member_client.post(_read_url(first))

    member_client.post(_read_url(first))

    assert unread_count(member) == 1


def test_a_link_that_leaves_the_site_is_not_followed(member, member_client):
    notification = notify(member)
    Notification.objects.filter(pk=notification.pk).update(url="//evil.example/")

    response = member_client.post(_read_url(notification))

    assert response["Location"] == LIST_URL


def test_mark_all_read_as_a_plain_form(member, member_client):
    notify(member)
    notify(member)

    response = member_client.post(READ_ALL_URL, follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "All notifications are marked read." in response.text
    assert unread_count(member) == 0
    assert "Unread:" not in response.text


def test_mark_all_read_with_htmx_swaps_the_list_and_the_bell(member, member_client):
    notify(member)

    response = member_client.post(READ_ALL_URL, headers=HTMX)

    assert response.status_code == 200
    assert 'id="notification-list"' in response.text
    assert 'id="notification-bell"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert 'aria-label="Notifications"' in response.text
    assert "<html" not in response.text
    assert unread_count(member) == 0


# --- The bell --------------------------------------------------------------------------


def _bell(user) -> str:
    return render_to_string("notifications/_bell.html", {"user": user})


@pytest.mark.parametrize(
    ("count", "label", "badge"),
    [
        (0, 'aria-label="Notifications"', None),
        (1, 'aria-label="Notifications, 1 unread"', ">1</span>"),
        (3, 'aria-label="Notifications, 3 unread"', ">3</span>"),
        (120, 'aria-label="Notifications, 120 unread"', ">99+</span>"),
    ],
)
def test_the_bell_says_how_many_are_unread_without_a_query(
    member, django_assert_num_queries, count, label, badge
):
    member.unread_notification_count = count

    with django_assert_num_queries(0):
        html = _bell(member)

    assert 'href="/notifications/"' in html
    assert label in html
    if badge:
        assert badge in html
    else:
        assert "notification-count" not in html


def test_the_bell_shows_nothing_to_a_visitor():
    from django.contrib.auth.models import AnonymousUser

    assert _bell(AnonymousUser()).strip() == ""
