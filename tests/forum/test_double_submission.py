"""The same question or reply sent twice (a double click, a form sent again) is posted once.

The second submission lands on what the first one made, as a plain post and with htmx.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.errors import AlreadyPosted
from forum.models import Post, Thread
from forum.services import posting as forum_posting
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BODY = "Look the hash up on tronscan first; if it is confirmed, the exchange has it."


def question(category, **changes):
    return {
        "title": "USDT sent on TRON is pending for hours",
        "category": category.pk,
        "body": "I sent 50 USDT to an exchange two hours ago and the app still says pending.",
        **changes,
    }


def test_asking_the_same_question_twice_makes_one_thread_and_lands_on_it(member, category):
    client = client_for(member)
    first = client.post(reverse("forum:ask"), question(category))

    second = client.post(reverse("forum:ask"), question(category), follow=True)

    thread = Thread.objects.get()
    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == thread.get_absolute_url()
    assert "it was not posted twice" in second.content.decode()


def test_a_different_question_by_the_same_member_is_posted(member, category):
    client = client_for(member)
    client.post(reverse("forum:ask"), question(category))

    client.post(reverse("forum:ask"), question(category, title="Another question about fees"))

    assert Thread.objects.count() == 2


def test_sending_the_same_reply_twice_posts_it_once_and_lands_on_it(other_member, thread):
    client = client_for(other_member)
    url = reverse("forum:reply", args=[thread.pk])
    first = client.post(url, {"body": BODY})

    second = client.post(url, {"body": BODY})

    reply = Post.objects.get(thread=thread, number=2)
    assert thread.posts.count() == 2
    assert first["Location"] == second["Location"] == reply.get_absolute_url()


def test_sending_the_same_reply_twice_with_htmx_shows_the_thread_at_the_reply(other_member, thread):
    client = client_for(other_member)
    url = reverse("forum:reply", args=[thread.pk])
    client.post(url, {"body": BODY}, **HTMX)

    second = client.post(url, {"body": BODY}, **HTMX)

    reply = Post.objects.get(thread=thread, number=2)
    assert second.status_code == 200
    assert second["HX-Push-Url"].endswith(f"#post-{reply.pk}")
    assert "it was not posted twice" in second.content.decode()
    assert thread.posts.count() == 2


def test_the_service_refuses_a_copy_and_names_the_post_already_made(other_member, thread):
    now = timezone.now()
    first = forum_posting.create_post(author=other_member, thread=thread, body=BODY, now=now)

    with pytest.raises(AlreadyPosted) as refused:
        forum_posting.create_post(
            author=other_member, thread=thread, body=BODY, now=now + timedelta(seconds=5)
        )

    assert refused.value.post == first


def test_the_same_reply_later_or_by_someone_else_is_a_new_post(other_member, member, thread):
    now = timezone.now()
    forum_posting.create_post(author=other_member, thread=thread, body=BODY, now=now)

    forum_posting.create_post(author=member, thread=thread, body=BODY, now=now)
    forum_posting.create_post(
        author=other_member,
        thread=thread,
        body=BODY,
        now=now + forum_posting.DUPLICATE_WINDOW + timedelta(seconds=1),
    )

    assert thread.posts.count() == 4


def test_a_deleted_reply_can_be_posted_again(other_member, thread):
    first = forum_posting.create_post(author=other_member, thread=thread, body=BODY)
    forum_posting.delete_post(actor=other_member, post=first)

    forum_posting.create_post(author=other_member, thread=thread, body=BODY)

    assert thread.posts.filter(deleted_at=None).count() == 2
