"""Visitors share whole pages for a few seconds; members never do."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from forum import pagecache
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting

pytestmark = pytest.mark.django_db

FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
HTMX_TOKEN = re.compile(r'"X-CSRFToken": "([^"]*)"')


def _form_tokens(html: str) -> list[str]:
    return FORM_TOKEN.findall(html)


def _csrf_tokens(html: str) -> set[str]:
    """Every token a page carries: in its forms and in the header htmx sends."""
    return set(_form_tokens(html)) | set(HTMX_TOKEN.findall(html))


def _without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: each serve masks the visitor's token afresh."""
    for token in _csrf_tokens(html):
        html = html.replace(token, "")
    return html


def _stored_copy(response) -> bytes:
    """What the shared cache holds for the page `response` answered (a visitor's, in English)."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE), timezone.override(None):
        stored = cache.get(pagecache._key(response.wsgi_request))
    assert stored is not None
    return stored


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
    assert _without_tokens(second.text) == _without_tokens(first.text)


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


def test_a_second_visitor_does_not_get_the_first_visitors_csrf_token(thread):
    first = Client().get(thread.get_absolute_url())

    second = Client().get(thread.get_absolute_url())

    first_tokens = _csrf_tokens(first.text)
    second_tokens = _csrf_tokens(second.text)
    assert first_tokens
    assert second_tokens
    assert not first_tokens & second_tokens
    assert second.cookies[settings.CSRF_COOKIE_NAME].value  # the cookie its token goes with


def test_the_cached_copy_holds_no_csrf_token(thread):
    response = Client().get(thread.get_absolute_url())

    stored = _stored_copy(response).decode()

    assert "Stay safe:" in stored  # the whole page is there
    assert "csrfmiddlewaretoken" in stored  # with its forms, but not the token they carry
    assert _csrf_tokens(response.text)
    assert all(token not in stored for token in _csrf_tokens(response.text))


def test_a_visitor_switches_language_from_a_cached_page_with_csrf_enforced(thread):
    Client().get(thread.get_absolute_url())  # the copy is made for someone else
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(thread.get_absolute_url())
    (token,) = set(_form_tokens(page.text))  # one token per page, in every form

    response = visitor.post(
        "/i18n/setlang/",
        {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert response.cookies["handoff_language"].value == "zh-hans"


def test_a_cached_page_sends_htmx_the_token_of_its_own_visitor(thread):
    Client().get(thread.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(thread.get_absolute_url())
    (header_token,) = HTMX_TOKEN.findall(page.text)

    response = visitor.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/"}, HTTP_X_CSRFTOKEN=header_token
    )

    assert response.status_code == 302


def test_a_post_quoting_a_placeholder_shows_the_text_and_no_token(thread, other_member):
    forum_posting.create_post(
        author=other_member, thread=thread, body="What is `__handoff:csrf__` in the page source?"
    )
    Client().get(thread.get_absolute_url())

    page = Client().get(thread.get_absolute_url())

    assert "<code>__handoff:csrf__</code>" in page.text
    assert page.text.count("csrfmiddlewaretoken") == len(_form_tokens(page.text))


@pytest.mark.parametrize("url", ["/", "/c/transfers/"])
def test_a_thread_hidden_by_a_moderator_leaves_the_visitors_cached_lists_at_once(
    url, thread, moderator, django_capture_on_commit_callbacks
):
    assert thread.title in Client().get(url).text  # cached for 30 seconds

    with django_capture_on_commit_callbacks(execute=True):
        forum_moderation.set_thread_hidden(actor=moderator, thread=thread, is_hidden=True)

    assert thread.title not in Client().get(url).text


def test_a_post_hidden_by_a_moderator_leaves_the_visitors_cached_thread_page_at_once(
    thread, other_member, moderator, django_capture_on_commit_callbacks
):
    reply = forum_posting.create_post(
        author=other_member, thread=thread, body="Try tronscan.example"
    )
    assert "tronscan.example" in Client().get(thread.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)

    assert "tronscan.example" not in Client().get(thread.get_absolute_url()).text


@pytest.mark.parametrize("url", ["/", "/c/transfers/"])
def test_a_page_rendered_while_a_thread_is_hidden_is_not_kept_for_later_visitors(
    url, thread, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    """The race: a visitor's page read the thread before the hiding committed and is
    saved after the visitor pages were forgotten. It must not be what others get next."""
    render = pagecache.render_for_visitors

    def hidden_while_rendering(request, build):
        def build_then_hide():
            response = build()  # read while the thread was visible
            with django_capture_on_commit_callbacks(execute=True):
                forum_moderation.set_thread_hidden(actor=moderator, thread=thread, is_hidden=True)
            return response

        return render(request, build_then_hide)

    monkeypatch.setattr("forum.views.lists.render_for_visitors", hidden_while_rendering)
    assert thread.title in Client().get(url).text  # this visitor's page was read before
    monkeypatch.undo()

    assert thread.title not in Client().get(url).text
