"""Flags from enough trusted members hide a post at once, until a moderator reviews it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from forum import events
from forum.errors import NotAllowed
from forum.models import Flag, ModerationLog, Post
from forum.services import moderation as forum_moderation
from tests.factories import UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

SCAM = Flag.Reason.SCAM


@pytest.fixture(autouse=True)
def _three_trusted_flags_hide(settings):
    settings.AUTO_HIDE_FLAGS = 3
    settings.TRUSTED_REPUTATION = 50
    settings.TRUSTED_ACCOUNT_DAYS = 14


def trusted(n: int) -> list:
    joined = timezone.now() - timedelta(days=90)
    return [UserFactory(reputation=60, date_joined=joined) for _i in range(n)]


def untrusted(n: int) -> list:
    return [UserFactory(reputation=0) for _i in range(n)]


def flag_by(people, post) -> None:
    for person in people:
        forum_moderation.flag_post(actor=person, post=post, reason=SCAM)


def fresh(post) -> Post:
    return Post.objects.get(pk=post.pk)


def test_flags_from_three_trusted_members_hide_the_post(reply, django_capture_on_commit_callbacks):
    first, second, third = trusted(3)
    flag_by([first, second], reply)
    assert not fresh(reply).is_hidden

    hidden = []

    def told(sender, *, post_id, **kwargs):
        hidden.append(post_id)

    events.post_hidden.connect(told)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            flag_by([third], reply)
    finally:
        events.post_hidden.disconnect(told)

    post = fresh(reply)
    assert post.is_hidden
    assert post.is_awaiting_review
    assert hidden == [reply.pk]


def test_hiding_is_logged_with_the_system_as_actor(reply):
    people = trusted(3)
    flag_by(people, reply)

    entry = ModerationLog.objects.get(post=reply)
    assert entry.actor is None
    assert entry.action == ModerationLog.Action.AUTO_HIDE_POST
    assert entry.details == {"flagged_by": sorted(person.pk for person in people)}


def test_the_flags_stay_open_for_a_moderator(reply):
    flag_by(trusted(3), reply)

    assert Flag.objects.filter(post=reply, resolved_at=None).count() == 3


def test_flags_from_members_who_are_not_trusted_do_not_count(reply):
    flag_by([*trusted(2), *untrusted(5)], reply)

    assert not fresh(reply).is_hidden


def test_the_author_cannot_flag_their_own_post_towards_hiding_it(reply, other_member):
    other_member.reputation = 100
    other_member.date_joined = timezone.now() - timedelta(days=90)
    other_member.save()
    flag_by(trusted(2), reply)

    with pytest.raises(NotAllowed):
        forum_moderation.flag_post(actor=other_member, post=reply, reason=SCAM)

    assert not fresh(reply).is_hidden


def test_a_moderators_flag_counts_as_a_trusted_one(reply, moderator):
    flag_by([*trusted(2), moderator], reply)

    assert fresh(reply).is_hidden


def test_the_forums_own_flag_does_not_count(reply):
    Flag.objects.create(post=reply, reporter=None, reason=SCAM, note="x.example ≈ tpwallet.com")
    flag_by(trusted(2), reply)

    assert not fresh(reply).is_hidden


def test_flags_a_moderator_already_dismissed_do_not_count(reply, moderator):
    flag_by(trusted(2), reply)
    forum_moderation.dismiss_flags(actor=moderator, post=reply)

    flag_by(trusted(1), reply)

    assert not fresh(reply).is_hidden


def test_the_threshold_is_a_setting(reply, settings):
    settings.AUTO_HIDE_FLAGS = 1

    flag_by(trusted(1), reply)

    assert fresh(reply).is_hidden


def test_a_question_can_be_hidden_too(question):
    flag_by(trusted(3), question)

    assert fresh(question).is_hidden


# --- What people see -----------------------------------------------------------------


def test_members_no_longer_see_the_post_and_moderators_see_why(
    thread, reply, other_client, moderator_client
):
    flag_by(trusted(3), reply)

    assert reply.body[:30] not in other_client.get(thread.get_absolute_url()).content.decode()
    page = moderator_client.get(thread.get_absolute_url()).content.decode()
    assert reply.body[:30] in page
    assert "Hidden after flags, waiting for a moderator" in page


def test_the_flag_queue_shows_it_first_marked_hidden_automatically(
    thread, reply, question, moderator_client
):
    flag_by(untrusted(2), question)
    flag_by(trusted(3), reply)

    page = moderator_client.get(reverse("forum:flag-queue")).content.decode()

    assert "Hidden automatically" in page
    assert page.index(f"/p/{reply.pk}/keep-hidden/") < page.index(f"/p/{question.pk}/hide/")
    assert f"/p/{reply.pk}/unhide/" in page


def test_the_moderation_log_names_the_system(reply, moderator_client):
    flag_by(trusted(3), reply)

    page = moderator_client.get(reverse("forum:moderation-log")).content.decode()

    assert "System" in page
    assert "Hid a post after flags from trusted members" in page


# --- A moderator's review ---------------------------------------------------------------


def test_a_moderator_keeps_it_hidden_and_the_flags_close(reply, moderator, moderator_client):
    flag_by(trusted(3), reply)

    response = moderator_client.post(
        reverse("forum:confirm-hidden-post", args=[reply.pk]),
        {"reason": "Fake support", "next": reverse("forum:flag-queue")},
    )

    assert response.status_code == 302
    post = fresh(reply)
    assert post.is_hidden
    assert not post.is_awaiting_review
    assert set(Flag.objects.filter(post=reply).values_list("outcome", flat=True)) == {"hidden"}
    entry = ModerationLog.objects.filter(post=reply).first()
    assert (entry.actor, entry.action) == (moderator, ModerationLog.Action.CONFIRM_HIDDEN_POST)
    queue = moderator_client.get(reverse("forum:flag-queue")).content.decode()
    assert f"/p/{reply.pk}/" not in queue


def test_a_moderator_shows_it_again_and_the_flags_are_dismissed(reply, moderator_client):
    flag_by(trusted(3), reply)

    moderator_client.post(reverse("forum:unhide-post", args=[reply.pk]))

    post = fresh(reply)
    assert not post.is_hidden
    assert not post.is_awaiting_review
    assert not Flag.objects.filter(post=reply, resolved_at=None).exists()
    assert ModerationLog.objects.filter(action=ModerationLog.Action.UNHIDE_POST).exists()


def test_a_post_shown_again_needs_a_full_set_of_new_flags_to_hide_again(reply, moderator):
    flag_by(trusted(3), reply)
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=False)

    flag_by([UserFactory(reputation=99, date_joined=timezone.now() - timedelta(days=99))], reply)

    assert not fresh(reply).is_hidden


def test_dismissing_the_flags_shows_the_post_again(reply, moderator):
    flag_by(trusted(3), reply)

    forum_moderation.dismiss_flags(actor=moderator, post=reply)

    assert not fresh(reply).is_hidden
    assert not fresh(reply).is_awaiting_review


def test_members_cannot_review(reply, other_member):
    flag_by(trusted(3), reply)

    response = client_for(UserFactory()).post(reverse("forum:confirm-hidden-post", args=[reply.pk]))

    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        forum_moderation.confirm_hidden_post(actor=other_member, post=reply)


def test_only_a_post_waiting_for_review_can_be_kept_hidden(reply, moderator_client):
    response = moderator_client.post(reverse("forum:confirm-hidden-post", args=[reply.pk]))

    assert response.status_code == 302
    assert not fresh(reply).is_hidden


def test_agents_flags_count_as_trusted(reply):
    agent = UserFactory(role=roles.AGENTS)
    flag_by([*trusted(2), agent], reply)

    assert fresh(reply).is_hidden
