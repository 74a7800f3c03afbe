"""New members' limits and the rate limits on posting and flagging: 429 and a clear page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.models import Flag, Post, Thread
from forum.services import posting as forum_posting
from safety.errors import LinkRefused
from tests.factories import PostFactory, UserFactory
from tests.forum.conftest import client_for
from tests.secret_samples import EN_12

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LONG_AGO = timedelta(days=60)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.NEW_MEMBER_DAYS = 3
    settings.NEW_MEMBER_REPUTATION = 10
    settings.NEW_MEMBER_MAX_LINKS = 2
    settings.TRUSTED_REPUTATION = 50
    settings.TRUSTED_ACCOUNT_DAYS = 14
    settings.NEW_MEMBER_POST_RATE = "2/h"
    settings.POST_RATE = "4/h"
    settings.FLAG_RATE = "2/h"
    settings.OFFICIAL_DOMAINS = ["tpwallet.com"]
    settings.BLOCKED_DOMAINS = []


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", date_joined=timezone.now() - timedelta(hours=2))


@pytest.fixture
def regular(db):
    """A member for months, with a little reputation: past the new-member limits."""
    return UserFactory(username="regular", date_joined=timezone.now() - LONG_AGO)


def ask(client, category, n):
    return client.post(
        reverse("forum:ask"),
        {
            "title": f"Transfer number {n} is pending for hours",
            "category": category.pk,
            "body": "I sent USDT on TRON two hours ago and it still shows as pending.",
        },
    )


def reply(client, thread, n, **extra):
    return client.post(
        reverse("forum:reply", args=[thread.pk]),
        {"body": f"Answer {n}: look the hash up on the explorer before anything else."},
        **extra,
    )


def assert_form_kept(response, *, says: str, typed: str):
    """A limited question or reply: its form again, with the text, and when it can be sent."""
    assert response.status_code == 429
    page = response.content.decode()
    assert says in page
    assert typed in page
    assert "You can send it at" in page
    assert "Please slow down" not in page  # not the bare 429 page
    assert 0 < int(response["Retry-After"]) <= 3600


def assert_429_page(response, *, says: str):
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please slow down" in page
    assert says in page
    assert "You can try again at" in page
    assert 0 < int(response["Retry-After"]) <= 3600


# --- What new members may post -----------------------------------------------------


def test_a_new_member_may_put_two_links_in_a_post_but_not_three(newcomer):
    two = "See https://tronscan.org/a and https://etherscan.io/b please."
    three = two + " Also https://bscscan.com/c."

    forum_posting.check_links(author=newcomer, body=two)
    with pytest.raises(
        LinkRefused, match="at most 2 links to other sites in a post; this one has 3"
    ):
        forum_posting.check_links(author=newcomer, body=three)


def test_links_to_this_site_do_not_count_towards_a_new_members_links(newcomer):
    body = "Like [this one](/t/1/) and [that one](/t/2/) and [the other](/t/3/) and https://tronscan.org"

    forum_posting.check_links(author=newcomer, body=body)


def test_a_new_member_cannot_post_images(newcomer):
    with pytest.raises(LinkRefused, match="New members cannot post images"):
        forum_posting.check_links(
            author=newcomer, body="Here is my screen: ![error](/media/shot.png)"
        )


def test_an_established_member_may_post_images_and_many_links(regular):
    body = "![error](/media/shot.png) " + " ".join(f"https://site{n}.example" for n in range(6))

    forum_posting.check_links(author=regular, body=body)


def test_a_new_members_refused_post_keeps_its_text_and_stores_nothing(newcomer, category):
    body = "Screenshot of the failed transfer: ![shot](/media/shot.png) please help."

    response = client_for(newcomer).post(
        reverse("forum:ask"),
        {"title": "Transfer failed with an odd error", "category": category.pk, "body": body},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "New members cannot post images yet" in page
    assert "Screenshot of the failed transfer" in page
    assert not Thread.objects.exists()


# --- Rate limits: posting ------------------------------------------------------------


def test_a_new_member_asking_once_too_often_gets_429_and_nothing_is_stored(newcomer, category):
    client = client_for(newcomer)
    assert [ask(client, category, n).status_code for n in range(2)] == [302, 302]

    response = ask(client, category, 3)

    assert_form_kept(
        response,
        says="New members can post only a few times an hour",
        typed="Transfer number 3 is pending for hours",
    )
    assert "I sent USDT on TRON two hours ago" in response.content.decode()
    assert Thread.objects.count() == 2


def test_an_established_member_posts_at_the_higher_rate(regular, thread):
    client = client_for(regular)
    assert [reply(client, thread, n).status_code for n in range(4)] == [302] * 4

    response = reply(client, thread, 5)

    assert_form_kept(
        response, says="You have posted many times in a short while", typed="Answer 5: look"
    )
    assert Post.objects.filter(author=regular).count() == 4


def test_questions_and_replies_count_together(newcomer, category, thread):
    client = client_for(newcomer)
    ask(client, category, 1)
    reply(client, thread, 1)

    assert reply(client, thread, 2).status_code == 429
    assert ask(client, category, 2).status_code == 429


def test_a_reply_refused_by_htmx_keeps_its_text_in_the_form(newcomer, thread):
    client = client_for(newcomer)
    for n in range(2):
        reply(client, thread, n, **HTMX)
    count = Post.objects.count()

    response = reply(client, thread, 3, **HTMX)

    assert_form_kept(
        response, says="New members can post only a few times an hour", typed="Answer 3: look"
    )
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'id="thread-body"' in fragment  # what the reply form targets
    assert Post.objects.count() == count


def test_a_limited_reply_keeps_its_text_but_never_a_secret(newcomer, thread, settings):
    settings.NEW_MEMBER_POST_RATE = "0/h"
    body = f"My phrase is {EN_12} and the transfer is stuck."

    response = client_for(newcomer).post(reverse("forum:reply", args=[thread.pk]), {"body": body})

    page = response.content.decode()
    assert response.status_code == 429
    assert "and the transfer is stuck." in page
    assert EN_12 not in page
    assert "[removed]" in page


def test_the_limited_form_says_when_in_a_whole_sentence_in_chinese(newcomer, category):
    newcomer.language = "zh-hans"
    newcomer.timezone = "Asia/Shanghai"
    newcomer.save()
    client = client_for(newcomer)
    with time_machine.travel(timezone.now().replace(minute=10, second=0), tick=False):
        for n in range(2):
            ask(client, category, n)
        response = ask(client, category, 3)

    page = response.content.decode()
    assert response.status_code == 429
    assert "UTC+8" in page
    assert re.search(r"您可以在 \S.* UTC\+8（\d+\xa0?分钟后）发送。", page), page


def test_pages_tell_htmx_to_show_a_429_and_have_a_messages_area(newcomer, thread):
    page = client_for(newcomer).get(thread.get_absolute_url()).content.decode()

    assert '{"code": "429", "swap": true}' in page
    assert 'id="messages"' in page


def test_a_form_with_mistakes_does_not_use_up_the_allowance(newcomer, thread):
    client = client_for(newcomer)
    for _attempt in range(5):
        client.post(reverse("forum:reply", args=[thread.pk]), {"body": "too short"})

    assert [reply(client, thread, n).status_code for n in range(2)] == [302, 302]


def test_the_limit_lifts_when_its_hour_is_over(newcomer, thread):
    client = client_for(newcomer)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(2):
            reply(client, thread, n)
        assert reply(client, thread, 3).status_code == 429

        traveller.shift(timedelta(hours=1, minutes=1))

        assert reply(client, thread, 4).status_code == 302


def test_one_members_limit_is_not_anothers(newcomer, other_member, thread):
    client = client_for(newcomer)
    for n in range(2):
        reply(client, thread, n)

    assert reply(client_for(other_member), thread, 1).status_code == 302


# --- Rate limits: flagging -------------------------------------------------------------


def test_flagging_once_too_often_gets_429_and_stores_no_flag(regular, thread, db):
    posts = [PostFactory(thread=thread, author=UserFactory()) for _n in range(3)]
    client = client_for(regular)
    for post in posts[:2]:
        response = client.post(reverse("forum:flag", args=[post.pk]), {"reason": "spam"})
        assert response.status_code == 302

    response = client.post(reverse("forum:flag", args=[posts[2].pk]), {"reason": "spam"})

    assert_429_page(response, says="You have flagged many posts in a short while")
    assert Flag.objects.count() == 2


def test_a_rate_limited_member_can_still_read(newcomer, thread):
    client = client_for(newcomer)
    for n in range(3):
        reply(client, thread, n)

    assert client.get(thread.get_absolute_url()).status_code == 200
    assert client.get(reverse("forum:flag", args=[thread.posts.first().pk])).status_code == 200


# --- Rate limits: every submission, edits, previews ---------------------------------


def refused_ask(client, category):
    """A question the link rules refuse: the form is read, checked, and nothing is stored."""
    return client.post(
        reverse("forum:ask"),
        {
            "title": "Where do I download the wallet app?",
            "category": category.pk,
            "body": "Somebody sent me https://tpwallet-support.com, is it the official site?",
        },
    )


def test_25_refused_questions_in_a_row_get_429_and_store_nothing(newcomer, category):
    client = client_for(newcomer)
    statuses = [refused_ask(client, category).status_code for _attempt in range(25)]

    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 5
    assert_form_kept(
        refused_ask(client, category),
        says="counting the ones that were not accepted",
        typed="Where do I download the wallet app?",
    )
    assert not Thread.objects.exists()


def test_refused_replies_count_towards_the_submission_limit(regular, thread, settings):
    settings.SUBMIT_RATE = "3/h"
    client = client_for(regular)
    for _attempt in range(3):
        assert (
            client.post(reverse("forum:reply", args=[thread.pk]), {"body": "short"}).status_code
            == 200
        )

    assert reply(client, thread, 1).status_code == 429
    assert thread.posts.count() == 1


def test_editing_ones_post_too_often_gets_429_and_keeps_the_last_edit(regular, thread, settings):
    settings.EDIT_RATE = "3/h"
    post = PostFactory(thread=thread, author=regular, body="First version of my answer here.")
    client = client_for(regular)
    url = reverse("forum:edit-post", args=[post.pk])
    for n in range(3):
        body = f"Edited answer number {n}: check the hash on the explorer."
        assert client.post(url, {"body": body}).status_code == 302

    response = client.post(url, {"body": "Edited once more, after the limit was reached."})

    assert_429_page(response, says="You have edited posts many times in a short while")
    post.refresh_from_db()
    assert post.body.startswith("Edited answer number 2")


def test_previews_are_limited_per_member(regular, other_member, settings):
    settings.PREVIEW_RATE = "2/m"
    client = client_for(regular)
    url = reverse("forum:preview")
    assert [client.post(url, {"body": "**hi**"}).status_code for _n in range(2)] == [200, 200]

    response = client.post(url, {"body": "**hi**"}, **HTMX)

    assert response.status_code == 429
    assert response["HX-Retarget"] == "#messages"
    assert "You have asked for many previews" in response.content.decode()
    assert client_for(other_member).post(url, {"body": "**hi**"}).status_code == 200


def test_previews_from_visitors_are_limited_per_client_address(db, settings):
    settings.PREVIEW_RATE = "2/m"
    url = reverse("forum:preview")
    here, there = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.9")
    for _n in range(2):
        here.post(url, {"body": "*hi*"})

    assert here.post(url, {"body": "*hi*"}).status_code == 429
    assert there.post(url, {"body": "*hi*"}).status_code == 200


# --- An asker's own follow-ups -----------------------------------------------------------


def test_a_new_askers_follow_ups_in_their_own_thread_do_not_use_up_their_posts(
    newcomer, category, settings
):
    """Issue 14: stopped 7 minutes after sign-up, after one question and two follow-ups."""
    settings.NEW_MEMBER_POST_RATE = "3/h"
    client = client_for(newcomer)
    assert ask(client, category, 1).status_code == 302
    own = Thread.objects.get(author=newcomer)

    statuses = [reply(client, own, n).status_code for n in range(4)]

    assert statuses == [302] * 4
    assert ask(client, category, 2).status_code == 302  # still two new threads to go


def test_follow_ups_have_a_more_generous_limit_of_their_own(newcomer, category, settings):
    settings.NEW_MEMBER_FOLLOW_UP_RATE = "3/h"
    client = client_for(newcomer)
    ask(client, category, 1)
    own = Thread.objects.get(author=newcomer)
    for n in range(3):
        reply(client, own, n)

    response = reply(client, own, 4)

    assert_form_kept(
        response,
        says="You have added to your question many times in a short while.",
        typed="Answer 4: look",
    )
    assert own.posts.count() == 4


def test_a_reply_in_someone_elses_thread_still_counts_as_posting(newcomer, category, thread):
    client = client_for(newcomer)
    ask(client, category, 1)
    own = Thread.objects.get(author=newcomer)
    reply(client, own, 1)  # a follow-up: not counted with posts

    assert reply(client, thread, 1).status_code == 302
    assert reply(client, thread, 2).status_code == 429  # the question and this answer: 2/h
