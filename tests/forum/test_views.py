"""The forum's pages and actions, as each persona meets them."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Category, Flag, Follow, Post, Thread, Vote
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from tests.factories import PostFactory, ThreadFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

PERSONAS = ("visitor", "unverified", "asker", "other", "moderator", "agent")
LOGIN = "login"  # a 302 to the sign-in page
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clients(member, other_member, unverified, moderator, agent):
    users = {
        "visitor": None,
        "unverified": unverified,
        "asker": member,
        "other": other_member,
        "moderator": moderator,
        "agent": agent,
    }
    return {name: client_for(user) for name, user in users.items()}


def outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[Thread, Post], str]
    expected: tuple  # one outcome per persona, in PERSONAS order
    data: dict | Callable[[Thread], dict] | None = None


def expect(*outcomes):
    assert len(outcomes) == len(PERSONAS)
    return outcomes


def everyone(code):
    return expect(*[code] * len(PERSONAS))


def signed_in(code):
    return expect(LOGIN, *[code] * (len(PERSONAS) - 1))


MODERATORS_ONLY = expect(LOGIN, 403, 403, 403, 200, 403)
MODERATORS_ACT = expect(LOGIN, 403, 403, 403, 302, 403)
REPLY_BODY = {"body": "Check the hash on tronscan before anything else."}

CASES = [
    Case("home", "get", lambda t, r: "/", everyone(200)),
    Case("category", "get", lambda t, r: "/c/transfers/", everyone(200)),
    Case("search", "get", lambda t, r: "/search/?q=pending", everyone(200)),
    Case("ask", "get", lambda t, r: "/ask/", signed_in(200)),
    Case("preview", "post", lambda t, r: "/ask/preview/", everyone(200), {"body": "**hi**"}),
    Case("thread-redirect", "get", lambda t, r: f"/t/{t.pk}/", everyone(301)),
    Case("thread", "get", lambda t, r: t.get_absolute_url(), everyone(200)),
    Case("permalink", "get", lambda t, r: f"/p/{r.pk}/", everyone(302)),
    Case("history", "get", lambda t, r: f"/p/{r.pk}/history/", everyone(200)),
    # The reply is other's: its author and moderators may edit it, the rest are sent back.
    Case("edit", "get", lambda t, r: f"/p/{r.pk}/edit/", expect(LOGIN, 302, 302, 200, 200, 302)),
    Case("flag-form", "get", lambda t, r: f"/p/{r.pk}/flag/", signed_in(200)),
    Case("move-form", "get", lambda t, r: f"/thread/{t.pk}/move/", MODERATORS_ONLY),
    Case("flag-queue", "get", lambda t, r: "/mod/flags/", MODERATORS_ONLY),
    Case("moderation-log", "get", lambda t, r: "/mod/log/", MODERATORS_ONLY),
    Case("reply", "post", lambda t, r: f"/thread/{t.pk}/reply/", signed_in(302), REPLY_BODY),
    Case("vote", "post", lambda t, r: f"/p/{r.pk}/vote/", signed_in(302)),
    Case("follow", "post", lambda t, r: f"/thread/{t.pk}/follow/", signed_in(302)),
    Case("accept", "post", lambda t, r: f"/p/{r.pk}/accept/", signed_in(302)),
    Case("unaccept", "post", lambda t, r: f"/thread/{t.pk}/unaccept/", signed_in(302)),
    Case("delete", "post", lambda t, r: f"/p/{r.pk}/delete/", signed_in(302)),
    Case("flag", "post", lambda t, r: f"/p/{r.pk}/flag/", signed_in(302), {"reason": "spam"}),
    Case("hide", "post", lambda t, r: f"/p/{r.pk}/hide/", MODERATORS_ACT),
    Case("unhide", "post", lambda t, r: f"/p/{r.pk}/unhide/", MODERATORS_ACT),
    Case("dismiss-flags", "post", lambda t, r: f"/p/{r.pk}/dismiss-flags/", MODERATORS_ACT),
    Case("close", "post", lambda t, r: f"/thread/{t.pk}/close/", MODERATORS_ACT),
    Case("reopen", "post", lambda t, r: f"/thread/{t.pk}/reopen/", MODERATORS_ACT),
    Case("mark-solved", "post", lambda t, r: f"/thread/{t.pk}/mark-solved/", MODERATORS_ACT),
    Case("mark-unsolved", "post", lambda t, r: f"/thread/{t.pk}/mark-unsolved/", MODERATORS_ACT),
    Case(
        "move",
        "post",
        lambda t, r: f"/thread/{t.pk}/move/",
        MODERATORS_ACT,
        lambda t: {"category": Category.objects.exclude(pk=t.category_id).get().pk},
    ),
    # Actions are POST only, whoever asks.
    Case("reply-by-get", "get", lambda t, r: f"/thread/{t.pk}/reply/", everyone(405)),
    Case("vote-by-get", "get", lambda t, r: f"/p/{r.pk}/vote/", everyone(405)),
    Case("close-by-get", "get", lambda t, r: f"/thread/{t.pk}/close/", everyone(405)),
]


def request_as(client: Client, case: Case, thread, reply):
    data = case.data(thread) if callable(case.data) else case.data
    return getattr(client, case.method)(case.url(thread, reply), data or {})


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_persona_gets_the_status_the_rules_say(case, clients, thread, reply, other_category):
    seen = {
        persona: outcome(request_as(clients[persona], case, thread, reply)) for persona in PERSONAS
    }

    assert seen == dict(zip(PERSONAS, case.expected, strict=True))


HIDDEN_THREAD_CASES = [
    Case("thread-redirect", "get", lambda t, r: f"/t/{t.pk}/", expect(404, 404, 404, 404, 301, 301)),
    Case("thread", "get", lambda t, r: t.get_absolute_url(), expect(404, 404, 404, 404, 200, 200)),
    Case("permalink", "get", lambda t, r: f"/p/{r.pk}/", expect(404, 404, 404, 404, 302, 302)),
    Case("history", "get", lambda t, r: f"/p/{r.pk}/history/", expect(404, 404, 404, 404, 200, 200)),
    Case("reply", "post", lambda t, r: f"/thread/{t.pk}/reply/", expect(LOGIN, 404, 404, 404, 302, 302), REPLY_BODY),
    Case("vote", "post", lambda t, r: f"/p/{r.pk}/vote/", expect(LOGIN, 404, 404, 404, 302, 302)),
    Case("follow", "post", lambda t, r: f"/thread/{t.pk}/follow/", expect(LOGIN, 404, 404, 404, 302, 302)),
    Case("flag-form", "get", lambda t, r: f"/p/{r.pk}/flag/", expect(LOGIN, 404, 404, 404, 200, 200)),
]  # fmt: skip


@pytest.mark.parametrize("case", HIDDEN_THREAD_CASES, ids=lambda case: case.name)
def test_a_hidden_thread_is_not_found_except_by_staff(case, clients, thread, reply):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)

    seen = {
        persona: outcome(request_as(clients[persona], case, thread, reply)) for persona in PERSONAS
    }

    assert seen == dict(zip(PERSONAS, case.expected, strict=True))


def test_nobody_can_reply_to_a_hidden_thread_even_staff(thread, moderator_client):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)

    moderator_client.post(f"/thread/{thread.pk}/reply/", REPLY_BODY)

    assert thread.posts.count() == 1


# --- Thread URLs ---------------------------------------------------------------


def test_the_short_thread_url_redirects_permanently_to_the_slugged_one(thread, visitor_client):
    response = visitor_client.get(f"/t/{thread.pk}/")

    assert response.status_code == 301
    assert response["Location"] == f"/t/{thread.pk}/usdt-sent-on-tron-shows-pending-for-two-hours/"


def test_a_wrong_slug_redirects_to_the_right_one(thread, visitor_client):
    response = visitor_client.get(f"/t/{thread.pk}/an-old-title/")

    assert response.status_code == 301
    assert response["Location"] == thread.get_absolute_url()


@pytest.mark.parametrize("title", ["Close!!!!!!!", "Reopen?!?!?!", "Mark solved!!!"])
def test_a_thread_whose_slug_looks_like_an_action_is_served(
    title, member, category, visitor_client
):
    thread = ThreadFactory(author=member, category=category, title=title)

    response = visitor_client.get(thread.get_absolute_url())

    assert response.status_code == 200
    assert title in response.text


def test_moderators_close_a_thread_from_its_page(thread, moderator_client):
    page = moderator_client.get(thread.get_absolute_url())
    close_url = reverse("forum:close-thread", args=[thread.pk])
    assert f'action="{close_url}"' in page.text

    response = moderator_client.post(close_url, {"reason": "Resolved elsewhere"})

    assert response["Location"] == thread.get_absolute_url()
    thread.refresh_from_db()
    assert thread.is_closed


def test_a_chinese_slug_is_served(member, category, visitor_client):
    thread = ThreadFactory(author=member, category=category, title="转账一直显示等待中怎么办")

    response = visitor_client.get(thread.get_absolute_url())

    assert response.status_code == 200
    assert "转账一直显示等待中怎么办" in response.text


@pytest.mark.parametrize(
    "url", ["/t/999999/", "/t/999999/some-slug/", "/t/99999999999999999999999/"]
)
def test_an_unknown_thread_is_not_found(url, db, visitor_client):
    assert visitor_client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/p/999999/", "/p/99999999999999999999999/history/"])
def test_an_unknown_post_is_not_found(url, db, visitor_client):
    assert visitor_client.get(url).status_code == 404


def test_the_permalink_goes_to_the_page_holding_the_post(thread, other_member, visitor_client):
    posts = [PostFactory(thread=thread, author=other_member) for _ in range(21)]

    first_page = visitor_client.get(f"/p/{posts[0].pk}/")
    second_page = visitor_client.get(f"/p/{posts[-1].pk}/")

    assert first_page["Location"] == f"{thread.get_absolute_url()}#post-{posts[0].pk}"
    assert second_page["Location"] == f"{thread.get_absolute_url()}?page=2#post-{posts[-1].pk}"


@pytest.mark.parametrize("page", ["0", "-3", "abc", "²", "999999", "9" * 5000])
def test_a_strange_page_number_still_shows_the_thread(page, thread, reply, visitor_client):
    response = visitor_client.get(thread.get_absolute_url(), {"page": page})

    assert response.status_code == 200
    assert f"post-{reply.pk}" in response.text


@pytest.mark.parametrize("quote", ["²", "99999999999999999999999", "0", "x"])
def test_a_strange_quote_number_still_shows_the_thread(quote, thread, asker_client):
    response = asker_client.get(thread.get_absolute_url(), {"quote": quote})

    assert response.status_code == 200


def test_quoting_a_post_fills_the_reply_box(thread, reply, asker_client):
    response = asker_client.get(thread.get_absolute_url(), {"quote": reply.pk})

    assert "&gt; Look the hash up on tronscan" in response.text


# --- Asking --------------------------------------------------------------------

GOOD_ASK = {
    "title": "USDT sent on TRON shows pending for two hours",
    "body": "I sent 50 USDT to an exchange and the wallet still says pending.",
}


def test_asking_creates_the_thread_and_goes_to_it(member, category, asker_client):
    response = asker_client.post("/ask/", {**GOOD_ASK, "category": category.pk})

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert (thread.author, thread.category, thread.title) == (member, category, GOOD_ASK["title"])
    assert thread.posts.get().body == GOOD_ASK["body"]


def test_the_ask_form_preselects_the_category_from_the_link(category, asker_client):
    response = asker_client.get("/ask/", {"category": category.slug})

    assert f'<option value="{category.pk}" selected>' in response.text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": "", "body": "", "category": ""}, "This field is required."),
        ({"title": "Too short"}, "The title needs at least 10 characters"),
        ({"title": "Why " + "so " * 70 + "slow?"}, "at most 200 characters"),
        ({"body": "Stuck. Help me."}, "Write at least 20 characters."),
        ({"body": "pending " * 6251}, "at most 50000 characters"),
        ({"category": 987654}, "Choose one of the categories."),
        ({"category": "read-only"}, "Choose one of the categories."),
    ],
    ids=["empty", "short-title", "long-title", "short-body", "huge-body", "unknown-category", "read-only"],
)  # fmt: skip
def test_a_bad_question_shows_the_error_and_creates_nothing(changes, error, category, asker_client):
    if changes.get("category") == "read-only":
        news = Category.objects.create(name="News", slug="news", is_read_only=True)
        changes = {**changes, "category": news.pk}
    data = {**GOOD_ASK, "category": category.pk, **changes}

    response = asker_client.post("/ask/", data)

    assert response.status_code == 200
    assert error in response.text
    assert not Thread.objects.exists()
    assert not Post.objects.exists()


def test_an_unverified_user_is_told_to_verify_before_asking(unverified, category):
    response = client_for(unverified).post("/ask/", {**GOOD_ASK, "category": category.pk})

    assert response.status_code == 200
    assert "Verify your email address before you post." in response.text
    assert not Thread.objects.exists()


def test_the_preview_renders_markdown_safely(db, visitor_client):
    response = visitor_client.post("/ask/preview/", {"body": "**bold** <script>x</script>"})

    assert "<strong>bold</strong>" in response.text
    assert "<script>" not in response.text


# --- Replying ------------------------------------------------------------------


def test_a_plain_reply_goes_to_the_new_posts_permalink(thread, other_client):
    response = other_client.post(f"/thread/{thread.pk}/reply/", REPLY_BODY)

    post = thread.posts.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == f"/p/{post.pk}/"
    assert post.body == REPLY_BODY["body"]


def test_an_htmx_reply_returns_the_thread_body_with_the_new_post(thread, other_client):
    response = other_client.post(f"/thread/{thread.pk}/reply/", REPLY_BODY, **HTMX)

    post = thread.posts.get(number=2)
    assert response.status_code == 200
    assert 'id="thread-body"' in response.text
    assert f'id="post-{post.pk}"' in response.text
    assert "<html" not in response.text
    assert response["HX-Push-Url"] == f"{thread.get_absolute_url()}#post-{post.pk}"


def test_an_htmx_reply_on_a_later_page_shows_that_page(thread, other_member, other_client):
    for _ in range(20):
        PostFactory(thread=thread, author=other_member)

    response = other_client.post(f"/thread/{thread.pk}/reply/", REPLY_BODY, **HTMX)

    post = thread.posts.get(number=22)
    assert f'id="post-{post.pk}"' in response.text
    assert response["HX-Push-Url"] == f"{thread.get_absolute_url()}?page=2#post-{post.pk}"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_too_short_reply_shows_the_error_and_creates_nothing(headers, thread, other_client):
    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": "ok"}, **headers)

    assert response.status_code == 200
    assert "Write at least 20 characters." in response.text
    assert thread.posts.count() == 1


def test_a_reply_to_a_closed_thread_is_refused_with_a_message(thread, moderator, other_client):
    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)

    response = other_client.post(f"/thread/{thread.pk}/reply/", REPLY_BODY, follow=True)

    assert response.redirect_chain[0] == (thread.get_absolute_url(), 302)
    assert "This thread is closed." in response.text
    assert "This thread is closed to new replies." in response.text
    assert thread.posts.count() == 1


def test_an_htmx_reply_to_a_closed_thread_creates_nothing(thread, moderator, other_client):
    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)

    response = other_client.post(f"/thread/{thread.pk}/reply/", REPLY_BODY, **HTMX)

    assert response.status_code == 200
    assert "This thread is closed to new replies." in response.text
    assert '<div class="alert alert-error">This thread is closed.</div>' in response.text
    assert thread.posts.count() == 1


def test_an_unverified_user_cannot_reply(thread, unverified):
    response = client_for(unverified).post(f"/thread/{thread.pk}/reply/", REPLY_BODY, follow=True)

    assert "Verify your email address before you post." in response.text
    assert thread.posts.count() == 1


# --- Voting, following, accepting ------------------------------------------------


def test_an_htmx_vote_returns_the_pressed_vote_button(reply, asker_client):
    response = asker_client.post(f"/p/{reply.pk}/vote/", **HTMX)

    assert response.status_code == 200
    assert f'id="vote-{reply.pk}"' in response.text
    assert 'aria-pressed="true"' in response.text
    assert '<span class="vote-count">1</span>' in response.text
    assert "<html" not in response.text
    assert Vote.objects.filter(post=reply).count() == 1


def test_an_htmx_unvote_returns_the_released_vote_button(reply, member, asker_client):
    forum_answers.vote(actor=member, post=reply)

    response = asker_client.post(f"/p/{reply.pk}/vote/", {"undo": "1"}, **HTMX)

    assert 'aria-pressed="false"' in response.text
    assert '<span class="vote-count">0</span>' in response.text
    assert not Vote.objects.exists()


def test_an_htmx_vote_on_ones_own_post_shows_why_not(reply, other_client):
    response = other_client.post(f"/p/{reply.pk}/vote/", **HTMX)

    assert response.status_code == 200
    assert "You cannot vote on your own post." in response.text
    assert not Vote.objects.exists()


def test_a_plain_vote_goes_back_to_the_post(reply, asker_client):
    response = asker_client.post(f"/p/{reply.pk}/vote/")

    assert response["Location"] == f"/p/{reply.pk}/"
    assert Vote.objects.filter(post=reply).exists()


def test_an_htmx_follow_returns_the_pressed_follow_button(thread, other_member, other_client):
    response = other_client.post(f"/thread/{thread.pk}/follow/", **HTMX)

    assert response.status_code == 200
    assert 'id="follow-button"' in response.text
    assert 'aria-pressed="true"' in response.text
    assert "<html" not in response.text
    assert Follow.objects.filter(user=other_member, thread=thread).exists()


def test_an_htmx_unfollow_returns_the_released_follow_button(thread, member, asker_client):
    response = asker_client.post(f"/thread/{thread.pk}/follow/", {"undo": "1"}, **HTMX)

    assert 'aria-pressed="false"' in response.text
    assert not Follow.objects.filter(user=member, thread=thread).exists()


def test_the_asker_accepts_an_answer_with_htmx(thread, reply, asker_client):
    response = asker_client.post(f"/p/{reply.pk}/accept/", **HTMX)

    assert response.status_code == 200
    assert "Accepted answer" in response.text
    thread.refresh_from_db()
    assert thread.accepted_post == reply


@pytest.mark.parametrize("page", ["²", "9" * 5000, "-1"])
def test_a_strange_page_in_an_htmx_action_still_answers(page, thread, reply, asker_client):
    response = asker_client.post(f"/p/{reply.pk}/accept/", {"page": page}, **HTMX)

    assert response.status_code == 200


def test_someone_else_cannot_accept_an_answer(thread, reply, other_client):
    other_client.post(f"/p/{reply.pk}/accept/")

    thread.refresh_from_db()
    assert thread.accepted_post is None


# --- Hidden posts and moderation -------------------------------------------------


@pytest.fixture
def hidden_reply(reply, moderator):
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)
    return reply


def test_moderators_see_a_hidden_post_with_a_badge(thread, hidden_reply, moderator_client):
    response = moderator_client.get(thread.get_absolute_url())

    assert f'id="post-{hidden_reply.pk}"' in response.text
    assert "Hidden by a moderator" in response.text


@pytest.mark.parametrize("who", ["visitor", "asker", "other"])
def test_others_do_not_see_a_hidden_post_at_all(who, clients, thread, hidden_reply):
    response = clients[who].get(thread.get_absolute_url())

    assert response.status_code == 200
    assert f'id="post-{hidden_reply.pk}"' not in response.text
    assert "tronscan" not in response.text
    assert "Hidden by a moderator" not in response.text


@pytest.mark.parametrize(
    ("who", "status"),
    [("visitor", 404), ("asker", 404), ("other", 404), ("moderator", 302), ("agent", 302)],
)
def test_a_hidden_posts_permalink_is_not_found_except_by_staff(who, status, clients, hidden_reply):
    assert clients[who].get(f"/p/{hidden_reply.pk}/").status_code == status


def test_flagging_a_post_through_the_form(reply, member, asker_client):
    response = asker_client.post(f"/p/{reply.pk}/flag/", {"reason": "scam", "note": "DM me"})

    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reason, flag.note) == (member, "scam", "DM me")


def test_the_flag_queue_lists_only_posts_with_open_flags_most_flagged_first(
    thread, question, reply, member, other_member, moderator_client
):
    unflagged = PostFactory(thread=thread, author=member, body="Never flagged, still pending.")
    forum_moderation.flag_post(actor=other_member, post=question, reason="off_topic")
    forum_moderation.flag_post(actor=member, post=reply, reason="scam")
    forum_moderation.flag_post(actor=UserFactory(), post=reply, reason="spam")

    response = moderator_client.get("/mod/flags/")

    listed = re.findall(r'action="/p/(\d+)/dismiss-flags/"', response.text)
    assert listed == [str(reply.pk), str(question.pk)]
    assert f"/p/{unflagged.pk}/" not in response.text
    assert "Scam or impersonation" in response.text


def test_a_moderator_hides_a_flagged_post_from_the_queue(reply, member, moderator_client):
    forum_moderation.flag_post(actor=member, post=reply, reason="spam")
    queue = moderator_client.get("/mod/flags/")
    assert f"/p/{reply.pk}/hide/" in queue.text

    response = moderator_client.post(
        f"/p/{reply.pk}/hide/", {"reason": "Spam", "next": "/mod/flags/"}
    )

    assert response["Location"] == "/mod/flags/"
    reply.refresh_from_db()
    assert reply.is_hidden
    assert "No open flags" in moderator_client.get("/mod/flags/").text
    assert "Hid a post" in moderator_client.get("/mod/log/").text


def test_dismissing_flags_that_are_not_there_says_only_so(reply, moderator_client):
    response = moderator_client.post(f"/p/{reply.pk}/dismiss-flags/", follow=True)

    assert "This post has no open flags." in response.text
    assert "Flags dismissed." not in response.text


def test_dismissing_flags_from_the_queue(reply, member, moderator_client):
    forum_moderation.flag_post(actor=member, post=reply, reason="spam")

    response = moderator_client.post(f"/p/{reply.pk}/dismiss-flags/", follow=True)

    assert "Flags dismissed." in response.text
    assert "No open flags" in response.text
    assert Flag.objects.get().outcome == Flag.Outcome.DISMISSED


def test_a_moderation_next_url_must_be_local(thread, moderator_client):
    response = moderator_client.post(
        f"/thread/{thread.pk}/close/", {"next": "https://evil.example/phish"}
    )

    assert response["Location"] == thread.get_absolute_url()


def test_a_moderator_moves_a_thread(thread, other_category, moderator_client):
    response = moderator_client.post(
        f"/thread/{thread.pk}/move/", {"category": other_category.pk, "reason": "Wrong place"}
    )

    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.category == other_category


def test_moving_a_thread_to_where_it_is_shows_the_error(thread, category, moderator_client):
    response = moderator_client.post(f"/thread/{thread.pk}/move/", {"category": category.pk})

    assert response.status_code == 200
    assert "The thread is already in that category." in response.text


def test_the_moderation_tools_show_only_for_moderators(thread, clients):
    assert "Close thread" in clients["moderator"].get(thread.get_absolute_url()).text
    assert "Close thread" not in clients["asker"].get(thread.get_absolute_url()).text


def test_editing_ones_own_reply_through_the_form(reply, other_client):
    response = other_client.post(
        f"/p/{reply.pk}/edit/", {"body": "A better answer: check the memo field too."}
    )

    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "A better answer: check the memo field too."
    history = other_client.get(f"/p/{reply.pk}/history/")
    assert "Look the hash up on tronscan" in history.text


def test_a_member_cannot_edit_someone_elses_reply_through_the_form(reply, asker_client):
    asker_client.post(f"/p/{reply.pk}/edit/", {"body": "Vandalised text, long enough."})

    reply.refresh_from_db()
    assert "tronscan" in reply.body


def test_deleting_ones_reply_shows_it_as_deleted(thread, reply, other_client):
    response = other_client.post(f"/p/{reply.pk}/delete/", follow=True)

    assert "This post was deleted by its author." in response.text
    assert "tronscan" not in response.text


def test_the_home_page_lists_the_latest_threads(thread, visitor_client):
    response = visitor_client.get("/")

    assert thread.title in response.text
    assert "Transfers" in response.text


def test_search_finds_a_thread_by_words_in_its_title(thread, visitor_client):
    response = visitor_client.get("/search/", {"q": "tron pending"})

    # The title's matched words are marked (tests/forum/test_search.py has the rest).
    assert (
        "USDT sent on <mark>TRON</mark> shows <mark>pending</mark> for two hours" in response.text
    )


def test_search_finds_a_thread_by_its_transaction_hash(member, db, visitor_client):
    category = Category.objects.create(name="Transfers", slug="transfers")
    tx_hash = "a" * 64
    thread = ThreadFactory(author=member, category=category, tx_hash=tx_hash)

    response = visitor_client.get("/search/", {"q": tx_hash})

    assert thread.get_absolute_url() in response.text


def test_the_thread_page_is_named_thread_detail_at_the_same_path():
    assert reverse("forum:thread-detail", args=[42, "gas-fee"]) == "/t/42/gas-fee/"
