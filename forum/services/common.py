"""What every forum service starts with: the checks on the actor and the thread, the thread's row lock, the moderation log, the visible-reply count."""

from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import powers, standing
from accounts.models import User
from forum import access
from forum.errors import InvalidTransition, NotAllowed
from forum.models import (
    ModerationLog,
    Post,
    Thread,
)


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


def _count_visible_reply(post: Post, delta: int) -> None:
    """A reply came into or went out of everyone's sight: Thread.reply_count follows, and
    staff_answer_count with it for a reply the support team posted as such."""
    if not post.is_question:
        changes = {"reply_count": F("reply_count") + delta}
        if post.posted_as == powers.AGENT:
            changes["staff_answer_count"] = F("staff_answer_count") + delta
        Thread.objects.filter(pk=post.thread_id).update(**changes)


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
