"""The forum tells people: a reply reaches the thread's followers, an accepted answer its author."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.errors import InvalidTransition
from forum.services import answers as forum_answers
from forum.services import following as forum_following
from forum.services import moderation as forum_moderation
from notifications.models import Notification, OutboundEmail
from tests.factories import PostFactory, ThreadFactory, UserFactory
from tests.forum.conftest import client_for
from tests.notifications.conftest import Kind, unread_count


@pytest.fixture
def thread(member):
    """A question asked by `member`, who follows it by asking."""
    return ThreadFactory(author=member, title="USDT sent on TRON shows pending")


def _told(kind=Kind.REPLY) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_a_reply_tells_the_asker(thread, member, other_member):
    post = PostFactory(thread=thread, author=other_member, body="Look it up on **tronscan**.")

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == Kind.REPLY
    assert notification.url == post.get_absolute_url()
    assert notification.actor == other_member
    assert notification.params == {
        "thread_title": "USDT sent on TRON shows pending",
        "author_name": "Otto Other",
        "excerpt": "Look it up on tronscan.",
        "thread_id": thread.pk,
        "post_id": post.pk,
    }
    assert notification.dedupe_key == f"reply:{post.pk}"
    assert unread_count(member) == 1


def test_a_reply_tells_every_follower_but_not_its_author(thread, member, other_member):
    follower = UserFactory(username="fay")
    forum_following.follow_thread(actor=follower, thread=thread)

    PostFactory(thread=thread, author=other_member)

    assert _told() == ["fay", "member"]


def test_the_asker_replying_tells_the_others_not_themselves(thread, member, other_member):
    PostFactory(thread=thread, author=other_member)  # other_member now follows, by replying

    post = PostFactory(thread=thread, author=member)

    told = Notification.objects.filter(dedupe_key=f"reply:{post.pk}")
    assert [n.recipient for n in told] == [other_member]


def test_someone_who_unfollowed_is_not_told(thread, member, other_member):
    forum_following.unfollow_thread(actor=member, thread=thread)

    PostFactory(thread=thread, author=other_member)

    assert _told() == []


def test_a_deactivated_follower_is_not_told(thread, member, other_member):
    member.is_active = False
    member.save(update_fields=["is_active"])

    PostFactory(thread=thread, author=other_member)

    assert _told() == []


def test_a_reply_emails_the_follower(thread, member, other_member):
    PostFactory(thread=thread, author=other_member)

    email = OutboundEmail.objects.get()
    assert email.to == [member.email]
    assert "Otto Other replied to “USDT sent on TRON shows pending”" in email.text


def test_the_excerpt_is_plain_text_of_about_140_characters(thread, other_member):
    # Filler that is no wallet's words ("word" twelve times is a valid recovery phrase).
    body = "Check `the hash` & the [explorer](https://tronscan.org). " + "lorem ipsum " * 30

    PostFactory(thread=thread, author=other_member, body=body)

    excerpt = Notification.objects.get().params["excerpt"]
    # The link's real host stays with its text (forum/markdown.py), here as in the post.
    assert excerpt.startswith("Check the hash & the explorer tronscan.org. lorem")
    assert len(excerpt) <= 140
    assert excerpt.endswith("…")


def test_accepting_an_answer_tells_its_author(thread, member, other_member):
    post = PostFactory(thread=thread, author=other_member)

    forum_answers.accept_answer(actor=member, post=post)

    notification = Notification.objects.get(kind=Kind.ANSWER_ACCEPTED)
    assert notification.recipient == other_member
    assert notification.actor == member
    assert notification.url == post.get_absolute_url()
    assert notification.params == {
        "thread_title": "USDT sent on TRON shows pending",
        "thread_id": thread.pk,
        "post_id": post.pk,
    }
    assert unread_count(other_member) == 1


def test_accepting_the_same_answer_again_tells_its_author_once(thread, member, other_member):
    post = PostFactory(thread=thread, author=other_member)
    forum_answers.accept_answer(actor=member, post=post)
    forum_answers.unaccept_answer(actor=member, thread=thread)

    forum_answers.accept_answer(actor=member, post=post)

    assert _told(Kind.ANSWER_ACCEPTED) == ["other"]
    assert unread_count(other_member) == 1


def test_accepting_ones_own_answer_tells_nobody(thread, member):
    post = PostFactory(thread=thread, author=member)

    forum_answers.accept_answer(actor=member, post=post)

    assert _told(Kind.ANSWER_ACCEPTED) == []


def test_a_refused_reply_tells_nobody(thread, member, other_member, moderator):
    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)

    with pytest.raises(InvalidTransition):
        PostFactory(thread=thread, author=other_member)

    assert not Notification.objects.exists()
    assert unread_count(member) == 0


# --- Opening a thread reads its notifications -----------------------------------------


def test_opening_the_thread_marks_its_notifications_read(thread, member, other_member):
    other_thread = ThreadFactory(author=member, title="Another question of mine")
    PostFactory(thread=thread, author=other_member)
    PostFactory(thread=thread, author=other_member)
    PostFactory(thread=other_thread, author=other_member)
    client = client_for(member)

    response = client.get(thread.get_absolute_url())

    assert response.status_code == 200
    unread = Notification.objects.filter(recipient=member, read_at=None)
    assert [n.params["thread_id"] for n in unread] == [other_thread.pk]
    assert unread_count(member) == 1
    # The header of this very page already shows the new count.
    assert "Notifications, 1 unread" in response.content.decode()


def test_opening_a_thread_leaves_other_peoples_notifications_alone(thread, member, other_member):
    forum_following.follow_thread(actor=other_member, thread=thread)
    PostFactory(thread=thread, author=UserFactory())

    client_for(member).get(thread.get_absolute_url())

    assert unread_count(member) == 0
    assert unread_count(other_member) == 1


def test_opening_a_thread_with_nothing_unread_writes_nothing(thread, member):
    client = client_for(member)
    client.get(thread.get_absolute_url())  # warm the caches

    with CaptureQueriesContext(connection) as captured:
        assert client.get(thread.get_absolute_url()).status_code == 200

    sql = [q["sql"].lstrip().upper() for q in captured]
    assert not [q for q in sql if q.startswith(("UPDATE", "INSERT", "DELETE"))]
    assert not [q for q in sql if "NOTIFICATIONS_NOTIFICATION" in q]
