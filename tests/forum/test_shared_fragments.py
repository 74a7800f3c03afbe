"""Parts of the thread page kept per look never carry one request's input to another."""

import pytest

from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_rejected_reply_is_shown_only_to_its_writer(thread, other_member, member):
    writer, reader = client_for(other_member), client_for(member)
    reader.get(thread.get_absolute_url())  # the blank reply form is now kept

    rejected = writer.post(f"/thread/{thread.pk}/reply/", {"body": "too short"})
    page = reader.get(thread.get_absolute_url()).content.decode()

    assert "too short" in rejected.content.decode()
    assert "too short" not in page
    assert 'class="errorlist' not in page


def test_a_quote_fills_only_the_quoting_members_reply_box(thread, question, member, other_member):
    quoting = client_for(other_member).get(f"{thread.get_absolute_url()}?quote={question.pk}")
    plain = client_for(member).get(thread.get_absolute_url())

    assert "&gt; " in quoting.content.decode()
    assert "&gt; " not in plain.content.decode().split('id="reply"')[1]


def test_a_visitors_sign_in_link_returns_to_the_page_they_read(thread):
    client = client_for(None)
    client.get(thread.get_absolute_url())
    page = client.get(f"{thread.get_absolute_url()}?page=1&from=list").content.decode()

    assert "?next=" + f"{thread.get_absolute_url()}%3Fpage%3D1%26from%3Dlist" in page


def test_a_thread_renamed_by_a_moderator_shows_its_new_title_at_once(thread, member, moderator):
    from forum.services import posting as forum_posting

    client = client_for(member)
    client.get(thread.get_absolute_url())
    post = thread.posts.get(number=1)
    forum_posting.edit_post(
        actor=moderator, post=post, body=post.body, title="Renamed: USDT stuck on TRON", reason=""
    )
    thread.refresh_from_db()

    assert "Renamed: USDT stuck on TRON" in client.get(thread.get_absolute_url()).content.decode()
