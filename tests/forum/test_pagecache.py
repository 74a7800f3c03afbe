"""Visitors share whole pages for a few seconds; members never do."""

import pytest
from django.test import Client

from forum import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _visitor_page_cache(settings):
    settings.VISITOR_PAGE_CACHE_SECONDS = 30


def test_a_visitor_gets_the_thread_page_from_the_cache_the_second_time(
    thread, visitor_client, django_assert_max_num_queries
):
    first = visitor_client.get(thread.get_absolute_url())

    with django_assert_max_num_queries(1):  # the access check on the thread, nothing else
        second = visitor_client.get(thread.get_absolute_url())

    assert second.status_code == 200
    assert second.content == first.content


@pytest.mark.parametrize("url", ["/", "/c/transfers/"])
def test_home_and_category_pages_are_shared_by_visitors(url, thread, django_assert_max_num_queries):
    Client().get(url)

    with django_assert_max_num_queries(1):
        response = Client().get(url)

    assert response.status_code == 200
    assert thread.title in response.text


def test_a_member_never_gets_the_visitors_copy(thread, visitor_client, other_client):
    visitor_client.get(thread.get_absolute_url())

    response = other_client.get(thread.get_absolute_url())

    assert "Account menu" in response.text
    assert "Post your answer" in response.text


def test_a_thread_hidden_after_caching_is_gone_for_visitors_at_once(
    thread, moderator, visitor_client
):
    visitor_client.get(thread.get_absolute_url())
    thread.is_hidden = True
    thread.save(update_fields=["is_hidden"])

    assert visitor_client.get(thread.get_absolute_url()).status_code == 404


def test_each_language_has_its_own_copy(thread):
    Client().get(thread.get_absolute_url())

    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(thread.get_absolute_url())

    assert '<html lang="zh-Hans">' in chinese.text


def test_a_flash_message_is_neither_served_from_nor_put_in_the_cache(thread, other_client):
    Client().get("/")  # a visitor's copy of the home page is cached

    signed_out = other_client.post(
        "/accounts/logout/", follow=True
    )  # now a visitor, with a message
    later_visitor = Client().get("/")

    assert signed_out.request["PATH_INFO"] == "/"
    assert "You have signed out." in signed_out.text
    assert "You have signed out." not in later_visitor.text


def test_the_language_switch_works_from_a_cached_page(thread):
    Client().get(thread.get_absolute_url())  # someone else's token is in the cached page
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(thread.get_absolute_url())
    assert page.status_code == 200

    response = visitor.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert response.status_code == 302
    assert response.cookies["handoff_language"].value == "zh-hans"


@pytest.mark.parametrize("url", ["/", "/c/transfers/"])
def test_a_thread_hidden_by_a_moderator_leaves_the_visitors_cached_lists_at_once(
    url, thread, moderator, django_capture_on_commit_callbacks
):
    assert thread.title in Client().get(url).text  # cached for 30 seconds

    with django_capture_on_commit_callbacks(execute=True):
        services.set_thread_hidden(actor=moderator, thread=thread, is_hidden=True)

    assert thread.title not in Client().get(url).text


def test_a_post_hidden_by_a_moderator_leaves_the_visitors_cached_thread_page_at_once(
    thread, other_member, moderator, django_capture_on_commit_callbacks
):
    reply = services.create_post(author=other_member, thread=thread, body="Try tronscan.example")
    assert "tronscan.example" in Client().get(thread.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        services.set_post_hidden(actor=moderator, post=reply, is_hidden=True)

    assert "tronscan.example" not in Client().get(thread.get_absolute_url()).text
