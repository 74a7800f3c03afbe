"""Every thread page says how real staff behave, before any post, in the reader's language."""

import pytest
from django.test import Client

from forum.selectors import POSTS_PER_PAGE
from tests.factories import PostFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

NOTICE = {
    "en": (
        "Staff will never ask for your recovery phrase or private key.",
        "They never contact you first and answer only here, with a “Support team” badge.",
        "Anyone asking for your phrase is a scammer.",
    ),
    "zh-hans": (
        "官方工作人员绝不会索要您的助记词或私钥。",
        "他们绝不会主动联系您，只会在这里回复，并带有“客服团队”标识。",
        "任何向您索要助记词的人都是骗子。",
    ),
}


def notice_of(page: str) -> str:
    """The notice's text, which comes before the thread's first post."""
    start = page.index('<aside class="alert alert-warning safety-banner" role="note">')
    end = page.index("</aside>", start)
    assert end < page.index('<div id="thread-body">')
    return " ".join(page[start:end].split())


@pytest.mark.parametrize("reader", ["visitor", "member", "other_member", "moderator", "agent"])
def test_every_reader_sees_the_notice_before_the_posts(request, thread, reply, reader):
    user = None if reader == "visitor" else request.getfixturevalue(reader)

    page = client_for(user).get(thread.get_absolute_url()).text

    notice = notice_of(page)
    for sentence in NOTICE["en"]:
        assert sentence in notice


def test_the_notice_is_on_every_page_of_a_long_thread(thread, other_member):
    for _ in range(POSTS_PER_PAGE + 1):
        PostFactory(thread=thread, author=other_member)

    page = Client().get(thread.get_absolute_url() + "?page=2")

    assert page.status_code == 200
    assert NOTICE["en"][0] in notice_of(page.text)


def test_a_chinese_reader_sees_it_in_chinese(thread, other_member):
    other_member.language = "zh-hans"
    other_member.save(update_fields=["language"])

    for client in (client_for(other_member), Client(HTTP_ACCEPT_LANGUAGE="zh-hans")):
        notice = notice_of(client.get(thread.get_absolute_url()).text)
        for sentence in NOTICE["zh-hans"]:
            assert sentence in notice
        assert "recovery phrase" not in notice


def test_the_visitors_cached_copy_keeps_the_notice(settings, thread):
    settings.VISITOR_PAGE_CACHE_SECONDS = 30
    Client().get(thread.get_absolute_url())

    cached = Client().get(thread.get_absolute_url())

    assert NOTICE["en"][0] in notice_of(cached.text)
