"""forum.services: every change to forum state, with its rules."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from forum import events
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Category, Flag, Follow, ModerationLog, Post, PostRevision, Thread, Vote
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from tests.factories import PostFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


def reputation(user) -> int:
    return User.objects.values_list("reputation", flat=True).get(pk=user.pk)


def fresh(obj):
    obj.refresh_from_db()
    return obj


@contextmanager
def receiving(signal):
    """Collect the keyword arguments of every send of `signal` inside the block."""
    calls = []

    def receiver(sender, **kwargs):
        kwargs.pop("signal", None)
        calls.append(kwargs)

    signal.connect(receiver, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


# --- Asking and answering ----------------------------------------------------


def test_create_thread_makes_the_thread_and_the_question(member, category):
    thread = forum_posting.create_thread(
        author=member,
        category=category,
        title="Balance shows zero after the update",
        body="After updating to 3.2 my balance shows zero on every network.",
    )

    assert thread.author == member
    assert thread.state == Thread.State.OPEN
    assert thread.post_count == 1
    assert thread.slug == "balance-shows-zero-after-the-update"
    question = thread.posts.get()
    assert question.number == 1
    assert question.author == member
    assert "balance shows zero" in question.body_html


def test_the_asker_follows_the_new_thread(member, category):
    thread = ThreadFactory(author=member, category=category)

    assert Follow.objects.filter(user=member, thread=thread).exists()


def test_create_thread_counts_the_thread_in_its_category(member, category):
    ThreadFactory(author=member, category=category)
    ThreadFactory(author=member, category=category)

    assert fresh(category).thread_count == 2
    assert category.last_activity_at is not None


def test_a_chinese_title_keeps_a_chinese_slug(member, category):
    thread = ThreadFactory(author=member, category=category, title="转账一直显示等待中怎么办")

    assert thread.slug == "转账一直显示等待中怎么办"


def test_unverified_users_cannot_ask(unverified, category):
    with pytest.raises(NotAllowed):
        ThreadFactory(author=unverified, category=category)

    assert not Thread.objects.exists()


def test_members_cannot_ask_in_a_read_only_category(member):
    announcements = Category.objects.create(name="News", slug="news", is_read_only=True)

    with pytest.raises(NotAllowed):
        ThreadFactory(author=member, category=announcements)


def test_moderators_can_post_in_a_read_only_category(moderator):
    announcements = Category.objects.create(name="News", slug="news", is_read_only=True)

    thread = ThreadFactory(author=moderator, category=announcements)

    assert thread.category == announcements


def test_unverified_users_cannot_reply(thread, unverified):
    with pytest.raises(NotAllowed):
        PostFactory(thread=thread, author=unverified)

    assert thread.posts.count() == 1


def test_posts_are_numbered_in_order(thread, member, other_member):
    first = PostFactory(thread=thread, author=other_member)
    second = PostFactory(thread=thread, author=member)
    third = PostFactory(thread=thread, author=other_member)

    assert [first.number, second.number, third.number] == [2, 3, 4]
    thread = fresh(thread)
    assert thread.post_count == 4
    assert thread.reply_count == 3


def test_a_reply_moves_the_last_activity(thread, other_member):
    later = timezone.now() + timedelta(hours=1)

    forum_posting.create_post(author=other_member, thread=thread, body="x" * 30, now=later)

    assert fresh(thread).last_activity_at == later


def test_a_reply_by_someone_else_answers_the_thread(thread, other_member):
    later = timezone.now() + timedelta(minutes=5)

    forum_posting.create_post(
        author=other_member, thread=thread, body="Check tronscan first.", now=later
    )

    assert fresh(thread).first_reply_at == later


def test_the_askers_own_follow_up_does_not_answer_the_thread(thread, member):
    PostFactory(thread=thread, author=member, body="Still pending, any ideas anyone?")

    assert fresh(thread).first_reply_at is None


def test_a_later_reply_does_not_move_the_first_reply_time(thread, other_member, moderator):
    first = PostFactory(thread=thread, author=other_member)
    later = timezone.now() + timedelta(hours=2)
    forum_posting.create_post(
        author=moderator, thread=thread, body="Check the memo too.", now=later
    )

    assert fresh(thread).first_reply_at == first.created_at


def test_replying_follows_the_thread(thread, other_member):
    PostFactory(thread=thread, author=other_member)
    PostFactory(thread=thread, author=other_member)

    assert Follow.objects.filter(user=other_member, thread=thread).count() == 1


def test_nobody_can_reply_to_a_closed_thread(thread, other_member, moderator):
    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)

    with pytest.raises(InvalidTransition):
        PostFactory(thread=thread, author=other_member)

    assert fresh(thread).post_count == 1


def test_nobody_can_reply_to_a_hidden_thread(thread, other_member):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)

    with pytest.raises(NotAllowed):
        PostFactory(thread=thread, author=other_member)


# --- Accepting ---------------------------------------------------------------


def test_accepting_an_answer_solves_the_thread(thread, reply, member):
    now = timezone.now()

    forum_answers.accept_answer(actor=member, post=reply, now=now)

    thread = fresh(thread)
    assert thread.state == Thread.State.SOLVED
    assert thread.solved_at == now
    assert thread.accepted_post == reply


def test_an_accepted_answer_earns_its_author_15_reputation(thread, reply, member, other_member):
    forum_answers.accept_answer(actor=member, post=reply)

    assert reputation(other_member) == 15
    assert reputation(member) == 0


def test_accepting_ones_own_answer_earns_nothing(thread, member):
    own = PostFactory(thread=thread, author=member, body="Fixed it myself: wrong network.")

    forum_answers.accept_answer(actor=member, post=own)

    assert fresh(thread).is_solved
    assert reputation(member) == 0


def test_switching_the_accepted_answer_moves_the_reputation(thread, reply, member, moderator):
    better = PostFactory(thread=thread, author=moderator, body="The exchange needs the memo too.")
    forum_answers.accept_answer(actor=member, post=reply)
    solved_at = fresh(thread).solved_at

    forum_answers.accept_answer(actor=member, post=better)

    assert reputation(reply.author) == 0
    assert reputation(moderator) == 15
    thread = fresh(thread)
    assert thread.accepted_post == better
    assert thread.solved_at == solved_at


def test_accepting_the_same_answer_twice_is_refused(thread, reply, member):
    forum_answers.accept_answer(actor=member, post=reply)

    with pytest.raises(InvalidTransition):
        forum_answers.accept_answer(actor=member, post=reply)

    assert reputation(reply.author) == 15


def test_the_question_cannot_be_the_answer(thread, question, member):
    with pytest.raises(InvalidTransition):
        forum_answers.accept_answer(actor=member, post=question)

    assert fresh(thread).state == Thread.State.OPEN


def test_only_the_asker_can_accept(thread, reply, other_member):
    third = UserFactory()

    with pytest.raises(NotAllowed):
        forum_answers.accept_answer(actor=third, post=reply)
    with pytest.raises(NotAllowed):
        forum_answers.accept_answer(actor=other_member, post=reply)

    assert not fresh(thread).is_solved


def test_a_moderator_can_accept_for_the_asker(thread, reply, moderator):
    forum_answers.accept_answer(actor=moderator, post=reply)

    assert fresh(thread).accepted_post == reply
    assert reputation(reply.author) == 15


def test_accepting_on_a_closed_thread_is_refused(thread, reply, member, moderator):
    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)

    with pytest.raises(InvalidTransition):
        forum_answers.accept_answer(actor=member, post=reply)

    assert reputation(reply.author) == 0


def test_accepting_on_a_hidden_thread_is_refused(thread, reply, member):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)

    with pytest.raises(NotAllowed):
        forum_answers.accept_answer(actor=member, post=reply)

    assert reputation(reply.author) == 0


def test_a_hidden_post_cannot_be_accepted(thread, reply, member, moderator):
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)

    with pytest.raises(InvalidTransition):
        forum_answers.accept_answer(actor=member, post=reply)


def test_unaccepting_reopens_the_thread_and_takes_the_reputation_back(thread, reply, member):
    forum_answers.accept_answer(actor=member, post=reply)

    forum_answers.unaccept_answer(actor=member, thread=thread)

    thread = fresh(thread)
    assert thread.state == Thread.State.OPEN
    assert thread.solved_at is None
    assert thread.accepted_post is None
    assert reputation(reply.author) == 0


def test_unaccepting_without_an_accepted_answer_is_refused(thread, member):
    with pytest.raises(InvalidTransition):
        forum_answers.unaccept_answer(actor=member, thread=thread)


def test_only_the_asker_or_a_moderator_can_unaccept(thread, reply, member, other_member):
    forum_answers.accept_answer(actor=member, post=reply)

    with pytest.raises(NotAllowed):
        forum_answers.unaccept_answer(actor=other_member, thread=thread)

    assert fresh(thread).is_solved


# --- Voting ------------------------------------------------------------------


def test_a_vote_earns_the_author_10_reputation(reply, member):
    post = forum_answers.vote(actor=member, post=reply)

    assert post.vote_count == 1
    assert reputation(reply.author) == 10


def test_a_vote_on_a_reply_does_not_count_on_the_thread(thread, reply, member):
    forum_answers.vote(actor=member, post=reply)

    assert fresh(thread).vote_count == 0


def test_a_vote_on_the_question_counts_on_the_thread(thread, question, other_member):
    forum_answers.vote(actor=other_member, post=question)

    assert fresh(thread).vote_count == 1
    assert reputation(thread.author) == 10


def test_voting_twice_is_refused(reply, member):
    forum_answers.vote(actor=member, post=reply)

    with pytest.raises(InvalidTransition):
        forum_answers.vote(actor=member, post=reply)

    assert fresh(reply).vote_count == 1
    assert Vote.objects.filter(post=reply).count() == 1
    assert reputation(reply.author) == 10


def test_voting_on_ones_own_post_is_refused(reply, other_member):
    with pytest.raises(NotAllowed):
        forum_answers.vote(actor=other_member, post=reply)

    assert fresh(reply).vote_count == 0


def test_unverified_users_cannot_vote(reply, unverified):
    with pytest.raises(NotAllowed):
        forum_answers.vote(actor=unverified, post=reply)


def test_unvoting_takes_the_vote_and_reputation_back(thread, question, other_member):
    forum_answers.vote(actor=other_member, post=question)

    post = forum_answers.unvote(actor=other_member, post=question)

    assert post.vote_count == 0
    assert fresh(thread).vote_count == 0
    assert reputation(thread.author) == 0
    assert not Vote.objects.exists()


def test_unvoting_without_a_vote_is_refused(reply, member):
    with pytest.raises(InvalidTransition):
        forum_answers.unvote(actor=member, post=reply)

    assert reputation(reply.author) == 0


# --- Editing and deleting ----------------------------------------------------


def test_editing_keeps_the_old_text_as_a_revision(reply, other_member):
    old_body = reply.body

    post = forum_posting.edit_post(
        actor=other_member, post=reply, body="New **text** for the answer."
    )

    revision = PostRevision.objects.get(post=reply)
    assert revision.body == old_body
    assert revision.editor == other_member
    assert post.body == "New **text** for the answer."
    assert "<strong>text</strong>" in fresh(reply).body_html
    assert post.edited_at is not None


def test_editing_the_question_can_change_the_title(thread, question, member):
    forum_posting.edit_post(
        actor=member, post=question, body=question.body, title="USDT on TRON never arrived"
    )

    thread = fresh(thread)
    assert thread.title == "USDT on TRON never arrived"
    assert thread.slug == "usdt-on-tron-never-arrived"
    assert PostRevision.objects.get(post=question).title.startswith("USDT sent on TRON")


def test_an_edit_that_changes_nothing_keeps_no_revision(reply, other_member):
    forum_posting.edit_post(actor=other_member, post=reply, body=reply.body)

    assert not PostRevision.objects.exists()


def test_members_cannot_edit_someone_elses_post(reply, member):
    with pytest.raises(NotAllowed):
        forum_posting.edit_post(actor=member, post=reply, body="Something else entirely here.")

    assert fresh(reply).edited_at is None
    assert not PostRevision.objects.exists()


def test_a_moderators_edit_is_logged(reply, moderator):
    forum_posting.edit_post(
        actor=moderator, post=reply, body="Removed an address.", reason="Scam link"
    )

    entry = ModerationLog.objects.get()
    assert (entry.actor, entry.action, entry.post) == (
        moderator,
        ModerationLog.Action.EDIT_POST,
        reply,
    )
    assert entry.reason == "Scam link"


def test_editing_ones_own_post_is_not_logged(reply, other_member):
    forum_posting.edit_post(actor=other_member, post=reply, body="A clearer answer than before.")

    assert not ModerationLog.objects.exists()


def test_deleting_a_reply_is_soft(thread, reply, other_member):
    forum_posting.delete_post(actor=other_member, post=reply)

    reply = fresh(reply)
    assert reply.is_deleted
    assert fresh(thread).post_count == 2


def test_deleting_twice_is_refused(reply, other_member):
    forum_posting.delete_post(actor=other_member, post=reply)

    with pytest.raises(InvalidTransition):
        forum_posting.delete_post(actor=other_member, post=reply)


def test_the_question_cannot_be_deleted(question, member):
    with pytest.raises(NotAllowed):
        forum_posting.delete_post(actor=member, post=question)

    assert not fresh(question).is_deleted


def test_the_accepted_answer_cannot_be_deleted(reply, member, other_member):
    forum_answers.accept_answer(actor=member, post=reply)

    with pytest.raises(InvalidTransition):
        forum_posting.delete_post(actor=other_member, post=reply)

    assert not fresh(reply).is_deleted


def test_members_cannot_delete_someone_elses_post(reply, member):
    with pytest.raises(NotAllowed):
        forum_posting.delete_post(actor=member, post=reply)

    assert not fresh(reply).is_deleted


# --- Flags and moderation ----------------------------------------------------


def test_flagging_a_post_opens_a_flag(reply, member):
    flag = forum_moderation.flag_post(
        actor=member, post=reply, reason=Flag.Reason.SCAM, note="DM me"
    )

    assert (flag.reporter, flag.reason, flag.resolved_at) == (member, "scam", None)


def test_flagging_ones_own_post_is_refused(reply, other_member):
    with pytest.raises(NotAllowed):
        forum_moderation.flag_post(actor=other_member, post=reply, reason=Flag.Reason.SPAM)

    assert not Flag.objects.exists()


def test_flagging_twice_is_refused(reply, member):
    forum_moderation.flag_post(actor=member, post=reply, reason=Flag.Reason.SPAM)

    with pytest.raises(InvalidTransition):
        forum_moderation.flag_post(actor=member, post=reply, reason=Flag.Reason.RUDE)

    assert Flag.objects.count() == 1


def test_an_unknown_flag_reason_is_refused(reply, member):
    with pytest.raises(InvalidTransition):
        forum_moderation.flag_post(actor=member, post=reply, reason="because")


def test_hiding_a_post_resolves_its_flags_and_is_logged(reply, member, moderator):
    forum_moderation.flag_post(actor=member, post=reply, reason=Flag.Reason.SECRET)

    forum_moderation.set_post_hidden(
        actor=moderator, post=reply, is_hidden=True, reason="Seed phrase"
    )

    assert fresh(reply).is_hidden
    flag = Flag.objects.get()
    assert (flag.outcome, flag.resolved_by) == (Flag.Outcome.HIDDEN, moderator)
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.post, entry.reason) == (
        ModerationLog.Action.HIDE_POST,
        reply,
        "Seed phrase",
    )


def test_unhiding_a_post_is_logged(reply, moderator):
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)

    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=False)

    assert not fresh(reply).is_hidden
    assert ModerationLog.objects.first().action == ModerationLog.Action.UNHIDE_POST


def test_hiding_a_hidden_post_is_refused(reply, moderator):
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)

    with pytest.raises(InvalidTransition):
        forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)
    assert ModerationLog.objects.count() == 1


def test_unhiding_a_visible_post_is_refused(reply, moderator):
    with pytest.raises(InvalidTransition):
        forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=False)

    assert not ModerationLog.objects.exists()


def test_dismissing_flags_resolves_them_and_is_logged(reply, member, moderator):
    forum_moderation.flag_post(actor=member, post=reply, reason=Flag.Reason.SPAM)
    forum_moderation.flag_post(actor=UserFactory(), post=reply, reason=Flag.Reason.SPAM)

    count = forum_moderation.dismiss_flags(actor=moderator, post=reply, reason="Not spam")

    assert count == 2
    assert set(Flag.objects.values_list("outcome", flat=True)) == {Flag.Outcome.DISMISSED}
    assert ModerationLog.objects.get().action == ModerationLog.Action.DISMISS_FLAGS
    assert not fresh(reply).is_hidden


def test_dismissing_without_open_flags_is_refused(reply, moderator):
    with pytest.raises(InvalidTransition):
        forum_moderation.dismiss_flags(actor=moderator, post=reply)

    assert not ModerationLog.objects.exists()


def test_a_dismissed_flag_can_be_raised_again(reply, member, moderator):
    forum_moderation.flag_post(actor=member, post=reply, reason=Flag.Reason.SPAM)
    forum_moderation.dismiss_flags(actor=moderator, post=reply)

    forum_moderation.flag_post(actor=member, post=reply, reason=Flag.Reason.SCAM)

    assert Flag.objects.filter(resolved_at__isnull=True).count() == 1


def test_moving_a_thread_moves_the_counts_and_is_logged(thread, category, moderator):
    elsewhere = Category.objects.create(name="Install", slug="install")

    forum_moderation.move_thread(
        actor=moderator, thread=thread, category=elsewhere, reason="Off topic"
    )

    assert fresh(thread).category == elsewhere
    assert fresh(category).thread_count == 0
    assert fresh(elsewhere).thread_count == 1
    entry = ModerationLog.objects.get()
    assert entry.action == ModerationLog.Action.MOVE_THREAD
    assert entry.details == {"from": category.pk, "to": elsewhere.pk}


def test_moving_a_thread_to_its_own_category_is_refused(thread, category, moderator):
    with pytest.raises(InvalidTransition):
        forum_moderation.move_thread(actor=moderator, thread=thread, category=category)

    assert fresh(category).thread_count == 1
    assert not ModerationLog.objects.exists()


def test_closing_and_reopening_a_thread_is_logged(thread, moderator):
    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)
    assert fresh(thread).state == Thread.State.CLOSED

    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=False)

    assert fresh(thread).state == Thread.State.OPEN
    assert list(ModerationLog.objects.values_list("action", flat=True)) == [
        ModerationLog.Action.REOPEN_THREAD,
        ModerationLog.Action.CLOSE_THREAD,
    ]


def test_reopening_a_solved_thread_makes_it_solved_again(thread, reply, member, moderator):
    forum_answers.accept_answer(actor=member, post=reply)
    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)

    forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=False)

    assert fresh(thread).state == Thread.State.SOLVED


@pytest.mark.parametrize("is_closed", [True, False])
def test_closing_a_closed_or_reopening_an_open_thread_is_refused(thread, moderator, is_closed):
    if is_closed:
        forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)
    logged = ModerationLog.objects.count()

    with pytest.raises(InvalidTransition):
        forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=is_closed)

    assert ModerationLog.objects.count() == logged


def test_marking_a_thread_solved_is_logged(thread, moderator):
    forum_moderation.set_thread_solved(actor=moderator, thread=thread, is_solved=True)

    thread = fresh(thread)
    assert thread.state == Thread.State.SOLVED
    assert thread.solved_at is not None
    assert thread.accepted_post is None
    assert ModerationLog.objects.get().action == ModerationLog.Action.MARK_SOLVED


def test_marking_a_thread_unsolved_takes_back_the_accepted_answer(thread, reply, member, moderator):
    forum_answers.accept_answer(actor=member, post=reply)

    forum_moderation.set_thread_solved(actor=moderator, thread=thread, is_solved=False)

    thread = fresh(thread)
    assert (thread.state, thread.solved_at, thread.accepted_post) == (
        Thread.State.OPEN,
        None,
        None,
    )
    assert reputation(reply.author) == 0
    assert ModerationLog.objects.get().action == ModerationLog.Action.UNMARK_SOLVED


@pytest.mark.parametrize("is_solved", [True, False])
def test_marking_a_thread_as_it_already_is_is_refused(thread, moderator, is_solved):
    if is_solved:
        forum_moderation.set_thread_solved(actor=moderator, thread=thread, is_solved=True)
    logged = ModerationLog.objects.count()

    with pytest.raises(InvalidTransition):
        forum_moderation.set_thread_solved(actor=moderator, thread=thread, is_solved=is_solved)

    assert ModerationLog.objects.count() == logged


@pytest.mark.parametrize(
    "action",
    [
        lambda actor, thread, post: forum_moderation.set_post_hidden(
            actor=actor, post=post, is_hidden=True
        ),
        lambda actor, thread, post: forum_moderation.dismiss_flags(actor=actor, post=post),
        lambda actor, thread, post: forum_moderation.move_thread(
            actor=actor, thread=thread, category=Category.objects.create(slug="x", name="X")
        ),
        lambda actor, thread, post: forum_moderation.set_thread_closed(
            actor=actor, thread=thread, is_closed=True
        ),
        lambda actor, thread, post: forum_moderation.set_thread_solved(
            actor=actor, thread=thread, is_solved=True
        ),
    ],
    ids=["hide", "dismiss", "move", "close", "mark-solved"],
)
@pytest.mark.parametrize("persona", ["member", "agent"])
def test_only_moderators_can_moderate(request, thread, reply, action, persona):
    actor = request.getfixturevalue(persona)

    with pytest.raises(NotAllowed):
        action(actor, thread, reply)

    assert not ModerationLog.objects.exists()
    assert fresh(thread).state == Thread.State.OPEN


# --- Events ------------------------------------------------------------------


def test_events_are_sent_only_after_commit(
    member, other_member, category, django_capture_on_commit_callbacks
):
    with receiving(events.thread_created) as created, receiving(events.post_created) as replied:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            thread = ThreadFactory(author=member, category=category)
            post = PostFactory(thread=thread, author=other_member)
        assert created == []
        assert replied == []

        for callback in callbacks:
            callback()

    assert created == [{"thread_id": thread.pk}]
    assert replied == [{"post_id": post.pk, "thread_id": thread.pk, "is_reply_by_other": True}]


def test_the_askers_follow_up_is_announced_as_not_a_reply_by_another(
    thread, member, django_capture_on_commit_callbacks
):
    with (
        receiving(events.post_created) as replied,
        django_capture_on_commit_callbacks(execute=True),
    ):
        PostFactory(thread=thread, author=member)

    assert replied[0]["is_reply_by_other"] is False


def test_accepting_announces_the_answer_and_the_solved_thread(
    thread, reply, member, django_capture_on_commit_callbacks
):
    with (
        receiving(events.answer_accepted) as accepted,
        receiving(events.thread_solved) as solved,
        django_capture_on_commit_callbacks(execute=True),
    ):
        forum_answers.accept_answer(actor=member, post=reply)

    assert accepted == [{"thread_id": thread.pk, "post_id": reply.pk, "actor_id": member.pk}]
    assert solved == [{"thread_id": thread.pk, "actor_id": member.pk}]


def test_switching_the_answer_does_not_announce_a_second_solve(
    thread, reply, member, moderator, django_capture_on_commit_callbacks
):
    better = PostFactory(thread=thread, author=moderator)
    forum_answers.accept_answer(actor=member, post=reply)

    with (
        receiving(events.thread_solved) as solved,
        receiving(events.answer_accepted) as accepted,
        django_capture_on_commit_callbacks(execute=True),
    ):
        forum_answers.accept_answer(actor=member, post=better)

    assert solved == []
    assert [call["post_id"] for call in accepted] == [better.pk]


def test_moderation_announces_what_it_did(
    thread, reply, moderator, other_category, django_capture_on_commit_callbacks
):
    with (
        receiving(events.post_hidden) as hidden,
        receiving(events.thread_moved) as moved,
        receiving(events.thread_closed) as closed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)
        forum_moderation.move_thread(actor=moderator, thread=thread, category=other_category)
        forum_moderation.set_thread_closed(actor=moderator, thread=thread, is_closed=True)

    assert hidden == [{"post_id": reply.pk, "thread_id": thread.pk}]
    assert moved == [
        {
            "thread_id": thread.pk,
            "from_category_id": thread.category_id,
            "to_category_id": other_category.pk,
        }
    ]
    assert closed == [{"thread_id": thread.pk}]


def test_a_refused_action_announces_nothing(thread, member, django_capture_on_commit_callbacks):
    question = thread.posts.get(number=1)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvalidTransition),
    ):
        forum_answers.accept_answer(actor=member, post=question)

    assert callbacks == []


def test_a_failing_receiver_does_not_break_the_others(
    thread, other_member, django_capture_on_commit_callbacks
):
    def broken(sender, **kwargs):
        raise RuntimeError("search index is down")

    events.post_created.connect(broken, weak=False)
    try:
        with (
            receiving(events.post_created) as replied,
            django_capture_on_commit_callbacks(execute=True),
        ):
            post = PostFactory(thread=thread, author=other_member)
    finally:
        events.post_created.disconnect(broken)

    assert Post.objects.filter(pk=post.pk).exists()
    assert len(replied) == 1


# --- Reputation --------------------------------------------------------------


def test_recompute_reputation_restores_a_corrupted_reputation(
    thread, question, reply, member, other_member, moderator
):
    forum_answers.vote(actor=member, post=reply)
    forum_answers.vote(actor=moderator, post=reply)
    forum_answers.vote(actor=other_member, post=question)
    forum_answers.accept_answer(actor=member, post=reply)
    own = PostFactory(thread=thread, author=member)
    forum_answers.vote(actor=other_member, post=own)
    expected = {member.pk: 20, other_member.pk: 35, moderator.pk: 0}
    User.objects.filter(pk=other_member.pk).update(reputation=9999)
    User.objects.filter(pk=member.pk).update(reputation=-3)

    changed = forum_answers.recompute_reputation()

    assert changed == 2
    assert dict(User.objects.values_list("pk", "reputation")) == expected


def test_recompute_reputation_changes_nothing_when_all_is_right(reply, member):
    forum_answers.vote(actor=member, post=reply)
    forum_answers.accept_answer(actor=member, post=reply)

    assert forum_answers.recompute_reputation() == 0
    assert reputation(reply.author) == 25
