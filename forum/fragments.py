"""Rendered HTML of posts and thread rows, cached and fetched in one round trip per page.

Django templates cost far more than the queries behind a page. The parts of a post or a
thread row that look the same to every viewer are rendered once and kept in the cache,
keyed by everything they show (so a change makes a new key rather than needing an
invalidation), the language, the time zone and the template's own source (so a deploy
that changes the template never serves old HTML). What differs per viewer (votes,
accept, edit, moderation buttons) is rendered around them on every request.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

TTL = 24 * 60 * 60

_template_versions: dict[str, str] = {}


def _version(template_name: str) -> str:
    """A short hash of the template's source, so changed templates get new keys."""
    if template_name not in _template_versions:
        origin = get_template(template_name).origin
        with open(origin.name, "rb") as source:
            _template_versions[template_name] = hashlib.blake2b(
                source.read(), digest_size=6
            ).hexdigest()
    return _template_versions[template_name]


def _locale_key() -> str:
    return f"{translation.get_language()}|{timezone.get_current_timezone_name()}"


def _attach(
    objects, *, template_name: str, attribute: str, key_parts, context_for, before_render=None
) -> None:
    """Set `attribute` on each object to its rendered HTML, from the cache where possible.

    `before_render(misses)` may load, in one go, what only rendering needs.
    """
    if not objects:
        return
    template = get_template(template_name)
    prefix = f"frag:{template_name}:{_version(template_name)}:{_locale_key()}"
    keys = {}
    for obj in objects:
        digest = hashlib.blake2b(repr(key_parts(obj)).encode(), digest_size=12).hexdigest()
        keys[obj] = f"{prefix}:{digest}"
    found = cache.get_many(list(keys.values()))
    if before_render is not None:
        misses = [obj for obj, key in keys.items() if key not in found]
        if misses:
            before_render(misses)
    missing = {}
    for obj, key in keys.items():
        html = found.get(key)
        if html is None:
            html = template.render(context_for(obj))
            missing[key] = str(html)
        setattr(obj, attribute, mark_safe(html))  # our own template's output
    if missing:
        cache.set_many(missing, TTL)


def attach_post_html(view, *, user) -> None:
    """post.html for every post a thread page shows, as this viewer's class of people sees it.

    The viewer's class is what changes the buttons: signed in or not, the post's author or
    not, the asker or not, has voted or not, may accept, may reply, moderates.
    """
    thread = view.thread
    unaccept_url = reverse("forum:unaccept", args=[thread.pk])
    posts = [post for post in (view.question, view.accepted, *view.posts) if post is not None]

    def flags(post):
        is_signed_in = user.is_authenticated
        return {
            "is_signed_in": is_signed_in,
            "is_author": is_signed_in and post.author_id == user.pk,
            "is_asker": is_signed_in and thread.author_id == user.pk,
            "has_voted": post.pk in view.voted_post_ids,
            "is_accepted": post.pk == thread.accepted_post_id,
            "can_accept": view.can_accept,
            "can_reply": view.can_reply,
            "can_moderate": view.can_moderate,
        }

    def key_parts(post):
        author = post.author
        parts = (
            post.pk,
            post.edited_at,
            post.is_hidden,
            post.auto_hidden_at,
            post.deleted_at,
            post.vote_count,
            author.pk,
            author.public_name,
            author.reputation,
            post.badge,
            tuple(flags(post).values()),
        )
        if post.number == 1:
            parts += (thread.chain_id, thread.app_version, thread.device, thread.tx_hash)
        return parts

    def context_for(post):
        return {
            "post": post,
            "thread": thread,
            "unaccept_url": unaccept_url,
            "is_staff_author": post.badge == "agent",
            **flags(post),
        }

    _attach(
        posts,
        template_name="forum/_post.html",
        attribute="html",
        key_parts=key_parts,
        context_for=context_for,
        before_render=_load_bodies,
    )


def _load_bodies(posts) -> None:
    """The rendered bodies of the posts whose HTML was not cached, in one query."""
    from forum.models import Post

    bodies = dict(
        Post.objects.filter(pk__in=[post.pk for post in posts]).values_list("pk", "body_html")
    )
    for post in posts:
        post.body_html = bodies[post.pk]


def attach_row_html(threads, *, show_category: bool) -> None:
    """thread.row_html: one line of a thread list, the same for every viewer."""

    def key_parts(thread):
        category = (thread.category.name, thread.category.name_zh_hans) if show_category else ()
        return (
            *category,
            thread.pk,
            thread.title,
            thread.slug,
            thread.state,
            thread.is_hidden,
            thread.reply_count,
            thread.vote_count,
            thread.first_reply_at is not None,
            thread.needs_help_at is not None,
            thread.escalated_at is not None,
            thread.last_activity_at,
            thread.author.public_name,
            thread.category_id,
            show_category,
        )

    _attach(
        threads,
        template_name="forum/_thread_row.html",
        attribute="row_html",
        key_parts=key_parts,
        context_for=lambda thread: {"thread": thread, "show_category": show_category},
    )
