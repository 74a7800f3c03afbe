"""Accepting an answer and voting for one, and the reputation they give."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from forum import access, events
from forum.errors import InvalidTransition, NotAllowed
from forum.models import (
    Post,
    Thread,
    Vote,
)
from forum.services.common import _locked_thread, _require_member, _require_open
from notifications.models import Notification
from notifications.services.writer import notify

REPUTATION_FOR_VOTE = 10


REPUTATION_FOR_ACCEPTED = 15


def accept_answer(*, actor: User, post: Post, now=None) -> Thread:
    """Mark post as the accepted answer: the thread becomes solved and the answerer is credited."""
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(post.thread_id)
        post = Post.objects.select_related("author").get(pk=post.pk)
        if not access.can_accept(actor, thread):
            raise NotAllowed(_("Only the asker or a moderator can accept an answer."))
        _require_open(thread)
        if post.is_question:
            raise InvalidTransition(_("The question itself cannot be the answer."))
        if post.is_hidden or post.is_deleted:
            raise InvalidTransition(_("A hidden or deleted post cannot be accepted."))
        if thread.accepted_post_id == post.pk:
            raise InvalidTransition(_("This answer is already accepted."))
        previous_id = thread.accepted_post_id
        if previous_id:
            previous_author = (
                Post.objects.filter(pk=previous_id).values_list("author_id", flat=True).first()
            )
            _credit(previous_author, -REPUTATION_FOR_ACCEPTED, asker_id=thread.author_id)
        _credit(post.author_id, REPUTATION_FOR_ACCEPTED, asker_id=thread.author_id)
        thread.accepted_post = post
        was_solved = thread.is_solved
        thread.state = Thread.State.SOLVED
        thread.solved_at = thread.solved_at if was_solved else now
        thread.save(update_fields=["accepted_post", "state", "solved_at"])
        notify(
            recipient=post.author,
            kind=Notification.Kind.ANSWER_ACCEPTED,
            url=post.get_absolute_url(),
            params={"thread_title": thread.title, "thread_id": thread.pk, "post_id": post.pk},
            actor=actor,
            dedupe_key=f"accepted:{post.pk}",
            now=now,
        )
        events.send_after_commit(
            events.answer_accepted, thread_id=thread.pk, post_id=post.pk, actor_id=actor.pk
        )
        if not was_solved:
            events.send_after_commit(events.thread_solved, thread_id=thread.pk, actor_id=actor.pk)
    return thread


def mark_solved_by_asker(*, actor: User, thread: Thread, now=None) -> Thread:
    """The asker says their question is answered without a reply to accept: something
    outside the thread answered it (the help app's first-line bot offered an article or
    a solved thread). The thread is solved, with no accepted answer and nobody credited."""
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(thread.pk)
        if not actor.is_authenticated or actor.pk != thread.author_id:
            raise NotAllowed(_("Only the person who asked can say the question is answered."))
        _require_open(thread)
        if thread.is_solved:
            raise InvalidTransition(_("This thread is already solved."))
        thread.state, thread.solved_at = Thread.State.SOLVED, now
        thread.save(update_fields=["state", "solved_at"])
        events.send_after_commit(events.thread_solved, thread_id=thread.pk, actor_id=actor.pk)
    return thread


def unaccept_answer(*, actor: User, thread: Thread) -> Thread:
    with transaction.atomic():
        thread = _locked_thread(thread.pk)
        if not access.can_accept(actor, thread):
            raise NotAllowed(_("Only the asker or a moderator can change the accepted answer."))
        if not thread.accepted_post_id:
            raise InvalidTransition(_("This thread has no accepted answer."))
        post = Post.objects.get(pk=thread.accepted_post_id)
        _credit(post.author_id, -REPUTATION_FOR_ACCEPTED, asker_id=thread.author_id)
        thread.accepted_post = None
        thread.state = Thread.State.OPEN
        thread.solved_at = None
        thread.save(update_fields=["accepted_post", "state", "solved_at"])
        events.send_after_commit(
            events.answer_unaccepted, thread_id=thread.pk, post_id=post.pk, actor_id=actor.pk
        )
        events.send_after_commit(events.thread_unsolved, thread_id=thread.pk)
    return thread


def _credit(user_id: int | None, points: int, *, asker_id: int) -> None:
    """Reputation for answering; answering one's own question earns nothing."""
    if user_id and user_id != asker_id:
        User.objects.filter(pk=user_id).update(reputation=F("reputation") + points)


def vote(*, actor: User, post: Post) -> Post:
    """Mark a post helpful. Once per person, never one's own."""
    _require_member(actor)
    if post.author_id == actor.pk:
        raise NotAllowed(_("You cannot vote on your own post."))
    if post.is_hidden or post.is_deleted or post.thread.is_hidden:
        raise NotAllowed(_("You cannot vote on a hidden or deleted post."))
    try:
        with transaction.atomic():
            Vote.objects.create(user=actor, post=post)
            _count_vote(post, +1)
    except IntegrityError:
        raise InvalidTransition(_("You already marked this post helpful.")) from None
    post.refresh_from_db(fields=["vote_count"])
    return post


def unvote(*, actor: User, post: Post) -> Post:
    with transaction.atomic():
        deleted, _rows = Vote.objects.filter(user=actor, post=post).delete()
        if not deleted:
            raise InvalidTransition(_("You have not marked this post helpful."))
        _count_vote(post, -1)
    post.refresh_from_db(fields=["vote_count"])
    return post


def _count_vote(post: Post, delta: int) -> None:
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + delta)
    if post.is_question:
        Thread.objects.filter(pk=post.thread_id).update(vote_count=F("vote_count") + delta)
    User.objects.filter(pk=post.author_id).update(
        reputation=F("reputation") + delta * REPUTATION_FOR_VOTE
    )


def recompute_reputation() -> int:
    """Rebuild every user's reputation from votes and accepted answers. Returns users changed."""
    from django.db.models import Count, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    votes = (
        Vote.objects.filter(post__author=OuterRef("pk"))
        .values("post__author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    accepted = (
        Thread.objects.filter(accepted_post__author=OuterRef("pk"))
        .exclude(author=OuterRef("pk"))
        .values("accepted_post__author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    expected = (
        Coalesce(Subquery(votes), Value(0)) * REPUTATION_FOR_VOTE
        + Coalesce(Subquery(accepted), Value(0)) * REPUTATION_FOR_ACCEPTED
    )
    with transaction.atomic():
        users = User.objects.annotate(expected=expected).exclude(reputation=F("expected"))
        return users.update(reputation=expected)
