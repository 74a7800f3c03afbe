"""Following threads and categories."""

from django.utils.translation import gettext as _

from accounts.models import User
from forum.errors import NotAllowed
from forum.models import (
    Category,
    Follow,
    Thread,
)


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
