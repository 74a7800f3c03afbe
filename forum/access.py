"""Who may see and do what in the forum. Views call these before any logic; services again."""

from allauth.account.models import EmailAddress
from django.http import Http404

from forum.models import Post, Thread


def is_moderator(user) -> bool:
    return user.is_authenticated and user.is_moderator


def can_see_hidden(user) -> bool:
    return is_moderator(user) or (user.is_authenticated and user.is_agent)


def get_thread_for_user(user, thread_id) -> Thread:
    """The thread if this user may see it; 404 for hidden threads unless staff."""
    try:
        thread = Thread.objects.select_related("category", "author", "chain").get(pk=thread_id)
    except (Thread.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if thread.is_hidden and not can_see_hidden(user):
        raise Http404
    return thread


def get_post_for_user(user, post_id) -> Post:
    try:
        post = Post.objects.select_related("thread", "thread__category", "author").get(pk=post_id)
    except (Post.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if (post.is_hidden or post.thread.is_hidden) and not can_see_hidden(user):
        raise Http404
    return post


def has_verified_email(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def can_edit_post(user, post: Post) -> bool:
    if not user.is_authenticated:
        return False
    if is_moderator(user):
        return True
    return (
        post.author_id == user.pk
        and not post.is_hidden
        and not post.is_deleted
        and not post.thread.is_closed
    )


def can_accept(user, thread: Thread) -> bool:
    return user.is_authenticated and (thread.author_id == user.pk or is_moderator(user))
