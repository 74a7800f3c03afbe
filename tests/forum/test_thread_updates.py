"""After an htmx action on a thread the whole page tells the truth, as after a reload.

The action's answer is the thread's body and, out of band, the header's state, the reply
count and the sidebar (`forum/thread.html#thread-update`). A refused reply leaves the
thread on the page, with what was typed and why it was refused.
"""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from forum.models import Flag, Post, Thread
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from tests.factories import PostFactory, UserFactory
from tests.forum.conftest import client_for
from tests.secret_samples import EN_24, TX_HASH

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
QUESTION_TEXT = "I sent 50 USDT to an exchange and the wallet still says pending."
REPLY_TEXT = "Look the hash up on tronscan; if it is confirmed, ask the exchange."
ANSWER = "Check the transaction on the explorer, then write to the exchange with the hash."


def region(text: str, start: str, end: str) -> str:
    assert start in text, f"{start!r} is not in the answer"
    return text.split(start, 1)[1].split(end, 1)[0]


def header_state(text: str) -> str:
    return region(text, '<span id="thread-state"', 'id="reply-count"')  # next in both


def reply_count(text: str) -> str:
    return region(text, '<span id="reply-count"', "</span>").split(">", 1)[1]


def sidebar(text: str) -> str:
    return region(text, '<aside id="thread-sidebar"', "</aside>")


def facts_state(text: str) -> str:
    return region(sidebar(text), "<dt>Status</dt><dd>", "</dd>")


def textarea(text: str) -> str:
    match = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', text, re.S)
    assert match, "no reply box"
    return html.unescape(match.group(1)).removeprefix("\n")


def assert_out_of_band(text: str) -> None:
    assert '<span id="thread-state" class="thread-state" hx-swap-oob="true">' in text
    assert '<span id="reply-count" hx-swap-oob="true">' in text
    assert '<aside id="thread-sidebar" class="thread-sidebar" hx-swap-oob="true">' in text


# --- A refused reply ----------------------------------------------------------------


def with_phrase() -> str:
    return "My funds are gone. Here are my words:\n" + EN_24 + "\nWhat now?"


@pytest.mark.parametrize(
    ("body", "kept", "why"),
    [
        ("Try again", "Try again", "Write at least 20 characters."),
        (with_phrase(), "[removed]", "This looks like a recovery phrase"),
        # Unlabelled: a labelled hash ("tx hash: …") posts without a question.
        (f"I got {TX_HASH} back, is it stuck?", TX_HASH, "64-character code"),
    ],
    ids=["too-short", "recovery-phrase", "hash-to-confirm"],
)
def test_a_refused_reply_keeps_the_thread_the_text_and_says_why(
    thread, reply, other_client, body, kept, why
):
    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body}, **HTMX)

    assert response.status_code == 200
    text = response.text
    assert '<div id="thread-body">' in text  # the reply form's target, whole
    assert QUESTION_TEXT in text  # the question stays
    assert REPLY_TEXT in text  # and every answer
    assert kept in textarea(text)
    assert why in html.unescape(text)
    assert_out_of_band(text)
    assert reply_count(text) == "1 reply"
    assert Post.objects.filter(thread=thread).count() == 2
    if kept == "[removed]":
        assert EN_24.split()[5] not in textarea(text)


def test_a_reply_the_service_refuses_keeps_the_thread_and_the_text(thread, reply):
    """The form let it through; the service said no (here: an unverified address)."""
    unverified = UserFactory(verified=False)
    text = "Same for me, the exchange says it never arrived."

    response = client_for(unverified).post(f"/thread/{thread.pk}/reply/", {"body": text}, **HTMX)

    assert response.status_code == 200
    assert QUESTION_TEXT in response.text
    assert REPLY_TEXT in response.text
    assert textarea(response.text) == text
    assert "Verify your email address before you post." in response.text
    assert Post.objects.filter(thread=thread).count() == 2


def test_a_refused_reply_stays_on_the_page_it_was_sent_from(thread, other_member, member):
    for n in range(24):
        PostFactory(thread=thread, author=(other_member, member)[n % 2])
    thread.refresh_from_db()
    on_page_two = thread.posts.get(number=22)

    response = client_for(other_member).post(
        f"/thread/{thread.pk}/reply/", {"body": "short", "page": "2"}, **HTMX
    )

    assert f'id="post-{on_page_two.pk}"' in response.text
    assert "Page 2 of 2" in response.text


def test_a_plain_refused_reply_shows_the_whole_thread_with_its_sidebar(thread, reply, member):
    response = client_for(member).post(f"/thread/{thread.pk}/reply/", {"body": "short"})

    assert response.status_code == 200
    assert QUESTION_TEXT in response.text
    assert "short" in textarea(response.text)
    assert "Answered</span>" in header_state(response.text)
    assert "Answered</span>" in facts_state(response.text)


# --- What an action changes shows at once --------------------------------------------


def test_the_first_answer_turns_new_into_answered_everywhere_on_the_page(thread, other_client):
    before = other_client.get(thread.get_absolute_url()).text
    assert "New</span>" in header_state(before)
    assert reply_count(before) == "0 replies"

    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": ANSWER}, **HTMX)

    text = response.text
    assert_out_of_band(text)
    assert "Answered</span>" in header_state(text)
    assert "New</span>" not in header_state(text)
    assert "Answered</span>" in facts_state(text)
    assert reply_count(text) == "1 reply"


def test_accepting_shows_solved_in_the_header_and_sidebar_at_once(thread, reply, asker_client):
    asker_client.get(thread.get_absolute_url())  # the header and facts are cached as Answered

    response = asker_client.post(f"/p/{reply.pk}/accept/", {"page": "1"}, **HTMX)

    text = response.text
    assert "✓ Solved</span>" in header_state(text)
    assert "Solved</span>" in facts_state(text)
    assert "Answered" not in header_state(text)
    assert "Accepted answer" in text

    response = asker_client.post(f"/thread/{thread.pk}/unaccept/", {"page": "1"}, **HTMX)

    assert "Answered</span>" in header_state(response.text)
    assert "Answered</span>" in facts_state(response.text)


def test_a_moderators_mark_solved_buttons_follow_the_state(thread, reply, member, moderator):
    client = client_for(moderator, second_factor=True)
    assert "Mark solved" in sidebar(client.get(thread.get_absolute_url()).text)

    response = client.post(f"/p/{reply.pk}/accept/", {"page": "1"}, **HTMX)

    assert "Mark unsolved" in sidebar(response.text)


# --- The reply count counts what readers see -----------------------------------------


def test_the_reply_count_leaves_out_hidden_and_deleted_replies(thread, other_member, moderator):
    """3 replies written, 1 that readers see: the header and the lists say 1."""
    _kept, hidden, deleted = (PostFactory(thread=thread, author=other_member) for _ in range(3))
    forum_moderation.set_post_hidden(actor=moderator, post=hidden, is_hidden=True)
    forum_posting.delete_post(actor=other_member, post=deleted)

    assert reply_count(client_for(None).get(thread.get_absolute_url()).text) == "1 reply"
    assert "<strong>1</strong> reply" in client_for(None).get("/").text  # the thread's row
    assert Thread.objects.get(pk=thread.pk).reply_count == 1

    forum_moderation.set_post_hidden(actor=moderator, post=hidden, is_hidden=False)

    assert Thread.objects.get(pk=thread.pk).reply_count == 2


def test_hiding_a_reply_by_htmx_updates_the_count_at_once(thread, reply, moderator):
    client = client_for(moderator, second_factor=True)
    assert reply_count(client.get(thread.get_absolute_url()).text) == "1 reply"

    response = client.post(f"/p/{reply.pk}/hide/", {"page": "1"}, **HTMX)

    assert response.status_code == 200
    assert_out_of_band(response.text)
    assert reply_count(response.text) == "0 replies"
    assert "Hidden by a moderator" in response.text  # a moderator still sees it, marked

    response = client.post(f"/p/{reply.pk}/unhide/", {"page": "1"}, **HTMX)

    assert reply_count(response.text) == "1 reply"


def test_deleting_ones_reply_by_htmx_updates_the_count_at_once(thread, reply, other_client):
    response = other_client.post(f"/p/{reply.pk}/delete/", {"page": "1"}, **HTMX)

    assert reply_count(response.text) == "0 replies"


def test_flags_that_hide_a_reply_take_it_out_of_the_count(thread, reply, settings):
    settings.AUTO_HIDE_FLAGS = 2
    settings.TRUSTED_REPUTATION = 50
    settings.TRUSTED_ACCOUNT_DAYS = 14
    joined = timezone.now() - timedelta(days=90)
    for flagger in [UserFactory(reputation=60, date_joined=joined) for _ in range(2)]:
        forum_moderation.flag_post(actor=flagger, post=reply, reason=Flag.Reason.SCAM)

    assert Post.objects.get(pk=reply.pk).is_hidden
    assert Thread.objects.get(pk=thread.pk).reply_count == 0

    forum_moderation.dismiss_flags(actor=UserFactory(role=roles.MODERATORS), post=reply)

    assert Thread.objects.get(pk=thread.pk).reply_count == 1
