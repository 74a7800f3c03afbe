"""Rendered HTML of posts and thread rows, cached and fetched in one round trip per page.

Django templates cost far more than the queries behind a page. The parts of a post or a
thread row that look the same to every viewer are rendered once and kept in the shared
cache, keyed by everything they show (config/caching.py: a change makes a new key rather
than needing an invalidation, and the deploy version covers every template they include
and the code that renders them). What differs per viewer (votes, accept, edit,
moderation buttons) is rendered around them on every request.
"""

from django.urls import reverse

from config import caching
from safety.selectors import domain_rules


def attach_post_html(view, *, user) -> None:
    """post.html for every post a thread page shows, as this viewer's class of people sees it.

    The viewer's class is what changes the buttons: signed in or not, the post's author or
    not, the asker or not, has voted or not, may accept, may reply, moderates.
    """
    thread = view.thread
    unaccept_url = reverse("forum:unaccept", args=[thread.pk])
    posts = [post for post in (view.question, view.accepted, *view.posts) if post is not None]
    link_rules = domain_rules().fingerprint  # which links show as text (forum/defang.py)

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

    def values(post):
        author = post.author
        parts = (
            post.pk,
            post.created_at,
            post.edited_at,
            post.is_hidden,
            post.auto_hidden_at,
            post.deleted_at,
            post.has_links_as_text,
            link_rules,
            post.vote_count,
            author.pk,
            author.username,
            author.public_name,
            author.reputation,
            post.badge,  # posted_as and the author's current roles (Post.badge)
            tuple(flags(post).values()),
        )
        if post.number == 1:
            chain = thread.chain.name if thread.chain_id else None  # loaded with the thread
            parts += (chain, thread.app_version, thread.device, thread.tx_hash)
        return parts

    def context_for(post):
        return {
            "post": post,
            "thread": thread,
            "unaccept_url": unaccept_url,
            "is_staff_author": post.badge == "agent",
            **flags(post),
        }

    caching.attach_html(
        posts,
        template_name="forum/_post.html",
        attribute="html",
        values=values,
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

    def values(thread):
        category = (
            (thread.category.slug, thread.category.name, thread.category.name_zh_hans)
            if show_category
            else ()
        )
        return (
            *category,
            thread.pk,
            thread.title,
            thread.slug,
            thread.question_state.value,
            thread.is_hidden,
            thread.reply_count,
            thread.vote_count,
            thread.last_activity_at,
            thread.author.public_name,
            thread.category_id,
            show_category,
        )

    caching.attach_html(
        threads,
        template_name="forum/_thread_row.html",
        attribute="row_html",
        values=values,
        context_for=lambda thread: {"thread": thread, "show_category": show_category},
    )
