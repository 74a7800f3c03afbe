"""Flags and moderation of posts and threads: hiding, confirming, dismissing, moving, closing, marking solved."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import trust
from accounts.models import User
from forum import events, pagecache
from forum.errors import InvalidTransition, NotAllowed
from forum.models import (
    Category,
    Flag,
    ModerationLog,
    Post,
    Thread,
)
from forum.services.answers import REPUTATION_FOR_ACCEPTED, _credit
from forum.services.common import (
    _count_visible_reply,
    _locked_thread,
    _log,
    _require_member,
    _require_moderator,
    _require_open,
    require_good_standing,
)
from safety import hosts
from safety.models import SecretRefusal
from safety.services import refuse_secrets


def flag_post(*, actor: User, post: Post, reason: str, note: str = "", now=None) -> Flag:
    """Report a post to the moderators.

    Once members who are trusted (trust.is_trusted), other than the author, have flags
    open on a post AUTO_HIDE_FLAGS at a time, the post is hidden at once, pending a
    moderator's review (confirm_hidden_post, or set_post_hidden to show it again).
    """
    require_good_standing(actor, now=now)
    _require_member(actor)
    refuse_secrets(where=SecretRefusal.Where.FLAG, texts=[note], now=now)
    if post.author_id == actor.pk:
        raise NotAllowed(_("You cannot flag your own post."))
    if reason not in Flag.Reason.values:
        raise InvalidTransition(_("Choose a reason for the flag."))
    now = now or timezone.now()
    with transaction.atomic():
        # Locked first, so two flags at once count each other and hide the post once.
        post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
        is_trusted = trust.is_trusted(actor, now=now)
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    post=post,
                    reporter=actor,
                    reason=reason,
                    note=note,
                    is_trusted=is_trusted,
                    created_at=now,
                )
        except IntegrityError:
            raise InvalidTransition(
                _("You already flagged this post; a moderator will look at it.")
            ) from None
        _count_open_flag(post)
        # Its links turn to text: visitors' saved pages must not keep them clickable.
        transaction.on_commit(pagecache.forget_visitor_pages)
        if is_trusted:  # only a trusted flag can make the count
            _hide_if_flagged_by_trusted_members(post=post, now=now)
    return flag


def _hide_if_flagged_by_trusted_members(*, post: Post, now) -> None:
    """Hide the post if enough trusted members flag it. Caller holds the post's row lock."""
    needed = settings.AUTO_HIDE_FLAGS
    if needed <= 0 or post.is_hidden or post.is_deleted:
        return
    trusted_ids = sorted(
        Flag.objects.filter(
            post=post, resolved_at__isnull=True, reporter__isnull=False, is_trusted=True
        )
        .exclude(reporter_id=post.author_id)
        .values_list("reporter_id", flat=True)
    )
    if len(trusted_ids) < needed:
        return
    post.is_hidden = True
    post.auto_hidden_at = now
    post.save(update_fields=["is_hidden", "auto_hidden_at"])
    _count_visible_reply(post, -1)
    _log(
        None,
        ModerationLog.Action.AUTO_HIDE_POST,
        thread=post.thread,
        post=post,
        details={"flagged_by": trusted_ids},
        now=now,
    )
    events.send_after_commit(events.post_hidden, post_id=post.pk, thread_id=post.thread_id)


def _flag_lookalike_links(*, post: Post, lookalikes: dict[str, str], now) -> None:
    """The forum's own flag on a post that links to look-alikes of official sites.

    Only trusted members get such a post through (check_links), so a moderator
    looks at it rather than the post being refused. One open flag of ours per post.
    """
    if not lookalikes:
        return
    note = "; ".join(
        f"{hosts.display_host(host)} ≈ {hosts.display_host(official)}"
        for host, official in lookalikes.items()
    )[:500]
    try:
        with transaction.atomic():
            Flag.objects.create(
                post=post, reporter=None, reason=Flag.Reason.SCAM, note=note, created_at=now
            )
    except IntegrityError:
        return  # our flag on this post is still open: the moderator will see the post anyway
    _count_open_flag(post)
    transaction.on_commit(pagecache.forget_visitor_pages)


def _count_open_flag(post: Post) -> None:
    """One more open flag on the post (Post.open_flag_count), in the flag's transaction."""
    Post.objects.filter(pk=post.pk).update(open_flag_count=F("open_flag_count") + 1)
    post.open_flag_count += 1


def set_post_hidden(
    *, actor: User, post: Post, is_hidden: bool, reason: str = "", now=None
) -> Post:
    """Hide or unhide a post.

    Hiding resolves its open flags as acted upon; showing it again dismisses them, since
    the moderator has judged them (and they would otherwise hide it again at once).
    """
    _require_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
        if post.is_hidden == is_hidden:
            raise InvalidTransition(
                _("This post is already hidden.") if is_hidden else _("This post is not hidden.")
            )
        post.is_hidden = is_hidden
        post.auto_hidden_at = None
        post.save(update_fields=["is_hidden", "auto_hidden_at"])
        if not post.is_deleted:
            _count_visible_reply(post, -1 if is_hidden else 1)
        outcome = Flag.Outcome.HIDDEN if is_hidden else Flag.Outcome.DISMISSED
        _resolve_flags(post=post, actor=actor, outcome=outcome, now=now)
        action = ModerationLog.Action.HIDE_POST if is_hidden else ModerationLog.Action.UNHIDE_POST
        _log(actor, action, thread=post.thread, post=post, reason=reason, now=now)
        signal = events.post_hidden if is_hidden else events.post_unhidden
        events.send_after_commit(signal, post_id=post.pk, thread_id=post.thread_id)
        transaction.on_commit(pagecache.forget_visitor_pages)
    return post


def confirm_hidden_post(*, actor: User, post: Post, reason: str = "", now=None) -> Post:
    """A moderator agrees with the flags that hid a post: it stays hidden, the flags close."""
    _require_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
        if not post.is_awaiting_review:
            raise InvalidTransition(_("This post is not waiting for a review."))
        post.auto_hidden_at = None
        post.save(update_fields=["auto_hidden_at"])
        _resolve_flags(post=post, actor=actor, outcome=Flag.Outcome.HIDDEN, now=now)
        _log(
            actor,
            ModerationLog.Action.CONFIRM_HIDDEN_POST,
            thread=post.thread,
            post=post,
            reason=reason,
            now=now,
        )
    return post


def dismiss_flags(*, actor: User, post: Post, reason: str = "", now=None) -> int:
    """Close a post's open flags as unfounded. A post they hid automatically shows again."""
    _require_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
        count = _resolve_flags(post=post, actor=actor, outcome=Flag.Outcome.DISMISSED, now=now)
        if not count:
            raise InvalidTransition(_("This post has no open flags."))
        transaction.on_commit(pagecache.forget_visitor_pages)  # its links work again
        _log(
            actor,
            ModerationLog.Action.DISMISS_FLAGS,
            thread=post.thread,
            post=post,
            reason=reason,
            now=now,
        )
        if post.is_awaiting_review:
            post.is_hidden = False
            post.auto_hidden_at = None
            post.save(update_fields=["is_hidden", "auto_hidden_at"])
            if not post.is_deleted:
                _count_visible_reply(post, 1)
            _log(
                actor,
                ModerationLog.Action.UNHIDE_POST,
                thread=post.thread,
                post=post,
                reason=reason,
                now=now,
            )
            events.send_after_commit(
                events.post_unhidden, post_id=post.pk, thread_id=post.thread_id
            )
    return count


def _resolve_flags(*, post: Post, actor: User, outcome: str, now) -> int:
    """Close the post's open flags. Caller holds the post's row lock."""
    count = Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor, outcome=outcome
    )
    Post.objects.filter(pk=post.pk).update(open_flag_count=0)
    post.open_flag_count = 0
    return count


def move_thread(
    *, actor: User, thread: Thread, category: Category, reason: str = "", now=None
) -> Thread:
    _require_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(thread.pk)
        if thread.category_id == category.pk:
            raise InvalidTransition(_("The thread is already in that category."))
        from_id = thread.category_id
        thread.category = category
        thread.save(update_fields=["category"])
        Category.objects.filter(pk=from_id).update(thread_count=F("thread_count") - 1)
        Category.objects.filter(pk=category.pk).update(thread_count=F("thread_count") + 1)
        _log(
            actor,
            ModerationLog.Action.MOVE_THREAD,
            thread=thread,
            reason=reason,
            details={"from": from_id, "to": category.pk},
            now=now,
        )
        events.send_after_commit(
            events.thread_moved,
            thread_id=thread.pk,
            from_category_id=from_id,
            to_category_id=category.pk,
        )
    return thread


def set_thread_closed(
    *, actor: User, thread: Thread, is_closed: bool, reason: str = "", now=None
) -> Thread:
    """Close a thread to new replies, or reopen it (to solved if it has an accepted answer)."""
    _require_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(thread.pk)
        if thread.is_closed == is_closed:
            raise InvalidTransition(
                _("This thread is already closed.")
                if is_closed
                else _("This thread is not closed.")
            )
        if is_closed:
            thread.state = Thread.State.CLOSED
        else:
            thread.state = Thread.State.SOLVED if thread.solved_at else Thread.State.OPEN
        thread.save(update_fields=["state"])
        action = (
            ModerationLog.Action.CLOSE_THREAD if is_closed else ModerationLog.Action.REOPEN_THREAD
        )
        _log(actor, action, thread=thread, reason=reason, now=now)
        signal = events.thread_closed if is_closed else events.thread_reopened
        events.send_after_commit(signal, thread_id=thread.pk)
    return thread


def set_thread_hidden(
    *, actor: User, thread: Thread, is_hidden: bool, reason: str = "", now=None
) -> Thread:
    """Hide a thread from everyone but moderators and the support team, or show it again.

    The one way a thread is hidden (the admin's checkbox comes here too). After commit,
    every visitor page cached so far is forgotten: the home page, its category and its
    search results stop showing its title at once, not when their cached copy expires.
    """
    _require_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(thread.pk)
        if thread.is_hidden == is_hidden:
            raise InvalidTransition(
                _("This thread is already hidden.")
                if is_hidden
                else _("This thread is not hidden.")
            )
        thread.is_hidden = is_hidden
        thread.save(update_fields=["is_hidden"])
        action = (
            ModerationLog.Action.HIDE_THREAD if is_hidden else ModerationLog.Action.UNHIDE_THREAD
        )
        _log(actor, action, thread=thread, reason=reason, now=now)
        transaction.on_commit(pagecache.forget_visitor_pages)
    return thread


def set_thread_solved(
    *, actor: User, thread: Thread, is_solved: bool, reason: str = "", now=None
) -> Thread:
    """A moderator marks a thread solved without an accepted answer (or takes it back)."""
    _require_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(thread.pk)
        _require_open(thread)
        if thread.is_solved == is_solved:
            raise InvalidTransition(
                _("This thread is already solved.")
                if is_solved
                else _("This thread is not solved.")
            )
        if is_solved:
            thread.state, thread.solved_at = Thread.State.SOLVED, now
        else:
            if thread.accepted_post_id:
                post_author = (
                    Post.objects.filter(pk=thread.accepted_post_id)
                    .values_list("author_id", flat=True)
                    .first()
                )
                _credit(post_author, -REPUTATION_FOR_ACCEPTED, asker_id=thread.author_id)
            thread.state, thread.solved_at, thread.accepted_post = Thread.State.OPEN, None, None
        thread.save(update_fields=["state", "solved_at", "accepted_post"])
        action = (
            ModerationLog.Action.MARK_SOLVED if is_solved else ModerationLog.Action.UNMARK_SOLVED
        )
        _log(actor, action, thread=thread, reason=reason, now=now)
        if is_solved:
            events.send_after_commit(events.thread_solved, thread_id=thread.pk, actor_id=actor.pk)
        else:
            events.send_after_commit(events.thread_unsolved, thread_id=thread.pk)
    return thread
