"""Asking and answering: new threads and posts, edits and deletions, with the link and secret rules they pass."""

import html
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts import powers, trust
from accounts.models import User
from forum import access, events, extensions
from forum.errors import AlreadyPosted, InvalidTransition, NotAllowed
from forum.markdown import find_outbound, is_within_budget, over_budget_message, render_markdown
from forum.models import (
    Category,
    Chain,
    Follow,
    ModerationLog,
    Post,
    PostRevision,
    Thread,
)
from forum.search import index as search_index
from forum.services.common import (
    _count_visible_reply,
    _locked_thread,
    _log,
    _require_member,
    _require_open,
    make_slug,
    require_good_standing,
)
from forum.services.following import _follow_quietly
from forum.services.moderation import _flag_lookalike_links
from notifications.models import Notification
from notifications.services.unread import unread_counts_at_end
from notifications.services.writer import notify_many
from safety import links
from safety.models import SecretRefusal
from safety.services import refuse_secrets

EXCERPT_CHARS = 140


# A double click, a form sent again after a slow answer, a retried request: the same
# text from the same author within this long is the post already made, not a new one.
DUPLICATE_WINDOW = timedelta(minutes=10)


def check_links(*, author: User, body: str, now=None) -> links.PostLinks:
    """The body's links if `author` may post them (safety.links, as the markdown renders
    them, for the author's trust); raises LinkRefused saying why not. The forms call it to
    show the reason next to the text, the services again before they write."""
    return links.check_body(
        body=body, outbound=find_outbound(body), trust=trust.trust_of(author, now=now)
    )


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
        search_index.index_post(question, thread=thread)
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
        search_index.index_post(post, thread=thread)
        is_reply_by_other = author.pk != thread.author_id
        changes = {
            "post_count": F("post_count") + 1,
            "reply_count": F("reply_count") + 1,
            "last_activity_at": now,
        }
        if post.posted_as == powers.AGENT:
            changes["staff_answer_count"] = F("staff_answer_count") + 1
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
        search_index.index_post(post, thread=thread)
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
        search_index.remove_post(post)
        if not post.is_hidden:
            _count_visible_reply(post, -1)
    return post
