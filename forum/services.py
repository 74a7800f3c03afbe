"""Every change to forum state goes through a function here.

Views, tasks, commands and tests call these; each checks its own preconditions (again,
after the view did) and raises NotAllowed or InvalidTransition with a message for the user
(and safety's SecretRefused and LinkRefused for what the safety rules refuse).
Counters move with F() expressions; rows that change together are locked first.
"""

import html
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from accounts import powers, standing, trust
from accounts.models import User
from forum import access, events, extensions, pagecache
from forum.errors import AlreadyPosted, InvalidTransition, NotAllowed
from forum.markdown import find_outbound, is_within_budget, over_budget_message, render_markdown
from forum.models import (
    Category,
    Chain,
    Flag,
    Follow,
    ModerationLog,
    Post,
    PostRevision,
    Thread,
    Vote,
)
from notifications.models import Notification
from notifications.services.unread import unread_counts_at_end
from notifications.services.writer import notify, notify_many
from safety import hosts, links
from safety.models import SecretRefusal
from safety.services import refuse_secrets

REPUTATION_FOR_VOTE = 10
REPUTATION_FOR_ACCEPTED = 15
EXCERPT_CHARS = 140
# A double click, a form sent again after a slow answer, a retried request: the same
# text from the same author within this long is the post already made, not a new one.
DUPLICATE_WINDOW = timedelta(minutes=10)


def make_slug(title: str) -> str:
    return slugify(title, allow_unicode=True)[:80].strip("-") or "thread"


def _require_member(user: User) -> None:
    if not access.has_verified_email(user):
        raise NotAllowed(_("Verify your email address before you post."))


def require_good_standing(user: User, *, now=None) -> None:
    """A silenced or suspended account may not post, reply, edit or flag: NotAllowed,
    saying why and until when (accounts.standing)."""
    refusal = standing.refusal_for(user, now=now)
    if refusal:
        raise NotAllowed(refusal)


def _require_moderator(user: User) -> None:
    if not access.is_moderator(user):
        raise NotAllowed(_("Only moderators can do that."))


def _require_open(thread: Thread) -> None:
    if thread.is_hidden:
        raise NotAllowed(_("This thread is hidden."))
    if thread.is_closed:
        raise InvalidTransition(_("This thread is closed."))


def _locked_thread(thread_id: int) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread_id)


def check_links(*, author: User, body: str, now=None) -> links.PostLinks:
    """The body's links if `author` may post them (safety.links, as the markdown renders
    them, for the author's trust); raises LinkRefused saying why not. The forms call it to
    show the reason next to the text, the services again before they write."""
    return links.check_body(
        body=body, outbound=find_outbound(body), trust=trust.trust_of(author, now=now)
    )


# --- Asking and answering ----------------------------------------------------


def recent_duplicate(
    *, author: User, body: str, now, thread: Thread | None = None, title: str | None = None
) -> Post | None:
    """The post `author` made in the last DUPLICATE_WINDOW with this very body: a reply in
    `thread`, or else a question titled `title`. Deleted posts do not count."""
    posts = Post.objects.filter(
        author=author, body=body, created_at__gte=now - DUPLICATE_WINDOW, deleted_at=None
    )
    if thread is not None:
        posts = posts.filter(thread=thread)
    else:
        posts = posts.filter(number=1, thread__title=title)
    return posts.select_related("thread").order_by("-created_at").first()


def _require_renderable(body: str) -> None:
    """Refuse a body over the render budget (forum/markdown.py), as the form does."""
    if not is_within_budget(body):
        raise NotAllowed(over_budget_message())


def create_thread(
    *,
    author: User,
    category: Category,
    title: str,
    body: str,
    chain: Chain | None = None,
    app_version: str = "",
    device: str = "",
    tx_hash: str = "",
    now=None,
) -> Thread:
    """Ask a question: the thread, its first post, and the asker following it.

    Raises AlreadyPosted (with the question) if the author asked this same question,
    title and body, within DUPLICATE_WINDOW.
    """
    require_good_standing(author, now=now)
    _require_member(author)
    refuse_secrets(where=SecretRefusal.Where.ASK, texts=[title, body, tx_hash], now=now)
    if category.is_read_only and not access.is_moderator(author):
        raise NotAllowed(_("This category is read only."))
    now = now or timezone.now()
    _require_renderable(body)
    found = check_links(author=author, body=body, now=now)
    with transaction.atomic():
        # One author's questions one at a time, so two copies sent at once find each other.
        User.objects.select_for_update().filter(pk=author.pk).first()
        if duplicate := recent_duplicate(author=author, body=body, title=title, now=now):
            raise AlreadyPosted(duplicate)
        thread = Thread.objects.create(
            category=category,
            author=author,
            title=title,
            slug=make_slug(title),
            created_at=now,
            last_activity_at=now,
            post_count=1,
            chain=chain,
            app_version=app_version,
            device=device,
            tx_hash=tx_hash,
        )
        question = Post.objects.create(
            thread=thread,
            number=1,
            author=author,
            body=body,
            body_html=render_markdown(body),
            created_at=now,
            posted_as=powers.acting_role(author),
        )
        _flag_lookalike_links(post=question, lookalikes=found.lookalikes, now=now)
        Follow.objects.create(user=author, thread=thread, created_at=now)
        Category.objects.filter(pk=category.pk).update(
            thread_count=F("thread_count") + 1, last_activity_at=now
        )
        events.send_after_commit(events.thread_created, thread_id=thread.pk)
    return thread


def create_post(*, author: User, thread: Thread, body: str, now=None) -> Post:
    """Reply to a thread. A reply by anyone but the asker makes the thread answered.

    Raises AlreadyPosted (with the reply) if the author sent this same body to this
    thread within DUPLICATE_WINDOW; the thread's row lock makes two copies sent at once
    find each other.
    """
    require_good_standing(author, now=now)
    _require_member(author)
    refuse_secrets(where=SecretRefusal.Where.REPLY, texts=[body], now=now)
    now = now or timezone.now()
    _require_renderable(body)
    found = check_links(author=author, body=body, now=now)
    with transaction.atomic(), unread_counts_at_end():
        thread = _locked_thread(thread.pk)
        _require_open(thread)
        if duplicate := recent_duplicate(author=author, body=body, thread=thread, now=now):
            raise AlreadyPosted(duplicate)
        post = Post.objects.create(
            thread=thread,
            number=thread.post_count + 1,
            author=author,
            body=body,
            body_html=render_markdown(body),
            created_at=now,
            posted_as=powers.acting_role(author),
        )
        _flag_lookalike_links(post=post, lookalikes=found.lookalikes, now=now)
        is_reply_by_other = author.pk != thread.author_id
        changes = {
            "post_count": F("post_count") + 1,
            "reply_count": F("reply_count") + 1,
            "last_activity_at": now,
        }
        if is_reply_by_other and thread.first_reply_at is None:
            changes["first_reply_at"] = now
        if is_reply_by_other:
            changes["needs_help_at"] = None  # answered: off the community's "needs an answer" list
        Thread.objects.filter(pk=thread.pk).update(**changes)
        Category.objects.filter(pk=thread.category_id).update(last_activity_at=now)
        _follow_quietly(user=author, thread=thread, now=now)
        told = extensions.run_post_hooks(thread=thread, post=post, author=author, now=now)
        notify_many(
            recipients=User.objects.filter(follows__thread=thread, is_active=True).exclude(
                pk__in={author.pk, *told}
            ),
            kind=Notification.Kind.REPLY,
            url=post.get_absolute_url(),
            params={
                "thread_title": thread.title,
                "author_name": author.public_name,
                "excerpt": excerpt(post),
                "thread_id": thread.pk,
                "post_id": post.pk,
            },
            actor=author,
            dedupe_key=f"reply:{post.pk}",
            now=now,
        )
        events.send_after_commit(
            events.post_created,
            post_id=post.pk,
            thread_id=thread.pk,
            is_reply_by_other=is_reply_by_other,
        )
    return post


def excerpt(post: Post) -> str:
    """The start of a post as plain text, for a notification."""
    text = " ".join(html.unescape(strip_tags(post.body_html)).split())
    return Truncator(text).chars(EXCERPT_CHARS)


def edit_post(
    *, actor: User, post: Post, body: str, title: str | None = None, reason: str = "", now=None
) -> Post:
    """Change a post's text (and the title, for the question), keeping the old text as a revision."""
    require_good_standing(actor, now=now)
    refuse_secrets(where=SecretRefusal.Where.EDIT, texts=[body, title or "", reason], now=now)
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(post.thread_id)
        post = Post.objects.select_for_update().get(pk=post.pk)
        post.thread = thread
        if not access.can_edit_post(actor, post):
            raise NotAllowed(_("You can only edit your own posts."))
        new_title = title if (title is not None and post.is_question) else thread.title
        if body == post.body and new_title == thread.title:
            return post
        _require_renderable(body)
        found = check_links(author=actor, body=body, now=now)
        already_there = links.find_links(post.body, outbound=find_outbound(post.body)).lookalikes
        PostRevision.objects.create(
            post=post,
            editor=actor,
            title=thread.title if post.is_question else "",
            body=post.body,
            created_at=now,
            reason=reason,
        )
        post.body = body
        post.body_html = render_markdown(body)
        post.edited_at = now
        post.save(update_fields=["body", "body_html", "edited_at"])
        _flag_lookalike_links(
            post=post,
            lookalikes={
                host: official
                for host, official in found.lookalikes.items()
                if host not in already_there
            },
            now=now,
        )
        if new_title != thread.title:
            thread.title = new_title
            thread.slug = make_slug(new_title)
            thread.save(update_fields=["title", "slug"])
        if actor.pk != post.author_id:
            _log(
                actor,
                ModerationLog.Action.EDIT_POST,
                thread=thread,
                post=post,
                reason=reason,
                now=now,
            )
    return post


def delete_post(*, actor: User, post: Post, now=None) -> Post:
    """Soft-delete one's own reply. The thread keeps its shape; the text is gone from view."""
    now = now or timezone.now()
    with transaction.atomic():
        thread = _locked_thread(post.thread_id)
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.author_id != actor.pk and not access.is_moderator(actor):
            raise NotAllowed(_("You can only delete your own posts."))
        if post.is_deleted:
            raise InvalidTransition(_("This post is already deleted."))
        if post.is_question:
            raise NotAllowed(
                _("A question cannot be deleted; edit it, or ask a moderator to close it.")
            )
        if thread.accepted_post_id == post.pk:
            raise InvalidTransition(_("This is the accepted answer; it cannot be deleted."))
        post.deleted_at = now
        post.save(update_fields=["deleted_at"])
        if not post.is_hidden:
            _count_visible_reply(post, -1)
    return post


def _count_visible_reply(post: Post, delta: int) -> None:
    """A reply came into or went out of everyone's sight: Thread.reply_count follows."""
    if not post.is_question:
        Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") + delta)


# --- Accepting and voting ----------------------------------------------------


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


# --- Following ---------------------------------------------------------------


def _follow_quietly(*, user: User, thread: Thread, now) -> None:
    Follow.objects.get_or_create(user=user, thread=thread, defaults={"created_at": now})


def follow_thread(*, actor: User, thread: Thread) -> None:
    if not actor.is_authenticated:
        raise NotAllowed(_("Sign in to follow threads."))
    Follow.objects.get_or_create(user=actor, thread=thread)


def unfollow_thread(*, actor: User, thread: Thread) -> None:
    Follow.objects.filter(user=actor, thread=thread).delete()


def follow_category(*, actor: User, category: Category) -> None:
    if not actor.is_authenticated:
        raise NotAllowed(_("Sign in to follow categories."))
    Follow.objects.get_or_create(user=actor, category=category)


def unfollow_category(*, actor: User, category: Category) -> None:
    Follow.objects.filter(user=actor, category=category).delete()


# --- Flags and moderation ----------------------------------------------------


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


def mark_needs_help(*, thread_ids, now=None) -> list[int]:
    """Put open, unanswered, visible threads on the community's "needs an answer" list.

    Returns the ids flagged by this call: threads answered, solved, closed, hidden or
    already flagged in the meantime are left alone, so two callers never both flag one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        flagged = list(
            Thread.objects.select_for_update()
            .filter(
                pk__in=list(thread_ids),
                state=Thread.State.OPEN,
                is_hidden=False,
                first_reply_at=None,
                needs_help_at=None,
            )
            .order_by("pk")  # one lock order for every caller that locks several threads
            .values_list("pk", flat=True)
        )
        Thread.objects.filter(pk__in=flagged).update(needs_help_at=now)
    return flagged


def set_escalated(*, thread_ids, escalated_at) -> None:
    """The support team took these threads on at `escalated_at` (forum/states.py): they
    leave the community's "needs help" lists (selectors), and show as with the team."""
    Thread.objects.filter(pk__in=list(thread_ids)).update(
        escalated_at=escalated_at, support_resolved_at=None
    )


def set_support_resolved(*, thread_ids, resolved_at) -> None:
    """The support team resolved (or closed) its request on these threads at `resolved_at`."""
    Thread.objects.filter(pk__in=list(thread_ids)).update(
        escalated_at=None, support_resolved_at=resolved_at
    )


def _log(
    actor: User | None, action: str, *, thread=None, post=None, reason="", details=None, now=None
) -> None:
    """One line of the moderation log; no actor means the forum acted by itself."""
    ModerationLog.objects.create(
        actor=actor,
        action=action,
        thread=thread,
        post=post,
        reason=reason,
        details=details or {},
        created_at=now or timezone.now(),
    )


# --- Reputation --------------------------------------------------------------


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
