"""How much a member may do, by their trust: rate limits, and what new members may post.

A member's Trust (new or not, trusted or not) is worked out by accounts.trust from the
account's age and reputation, its staff powers and its standing, and passed in by the
caller: these rules know nothing of accounts. A new member posts less often, with fewer
links and no images; a trusted one may link to a look-alike of an official site (a
moderator is told) and their flags can hide a post.

Rate limits count in the shared cache with django-ratelimit: a well-kept library that
counts with the cache's atomic add/incr (so every web process shares one count with a
Redis cache) and tells how long the current window has left. It is not an installed app:
its system checks know neither Django's own RedisCache nor our one-process locmem default.
POSTING and FLAGGING are checked before any work (the form is not even read) and
counted once the form is valid, just before the post or flag is saved, so a mistyped
form does not use up a member's allowance of posts; an asker's replies in their own
thread count against FOLLOWING_UP instead (posting_limit). A question or reply a limit
refuses is shown again with what was typed and when it can be sent (unsent_message).
SUBMITTING and EDITING are counted on every submission before the form is read, refused
ones included: checking a body
(the secret guard, the link rules, the markdown budget) is the costly part, and 25
refused questions in a row are a probe, not typos. PREVIEWING is per member, or per
client address (config.ratelimit.client_ip) for someone signed out, and so are the help
app's LOOKING_UP (similar questions while asking) and ANSWERING_FEEDBACK (an article's
"Did this answer your question?").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from config import times
from config.ratelimit import RateLimited, client_ip, retry_moment


@dataclass(frozen=True)
class Trust:
    """What the rules need to know of the member acting (accounts.trust.trust_of).

    A new member gets the strictest limits; a trusted one may link to a look-alike of an
    official site. Neither, for an ordinary member.
    """

    is_new_member: bool = False
    is_trusted: bool = False


# --- Rate limits ---------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """One thing a member may do only so often: its counter, and its rate and words for a user."""

    group: str
    rate: Callable[[Trust], str]
    message: Callable[[Trust], str]


def _posting_rate(trust: Trust) -> str:
    return settings.NEW_MEMBER_POST_RATE if trust.is_new_member else settings.POST_RATE


def _posting_message(trust: Trust) -> str:
    if trust.is_new_member:
        return _(
            "New members can post only a few times an hour while they find their feet. "
            "The limit goes once your account is a few days old or your answers are "
            "voted helpful."
        )
    return _("You have posted many times in a short while.")


def _follow_up_rate(trust: Trust) -> str:
    if trust.is_new_member:
        return settings.NEW_MEMBER_FOLLOW_UP_RATE
    return settings.FOLLOW_UP_RATE


# Questions and replies to other people's threads count together.
POSTING = Limit(group="forum:post", rate=_posting_rate, message=_posting_message)
# An asker's replies in their own thread: a bucket of their own (posting_limit).
FOLLOWING_UP = Limit(
    group="forum:follow-up",
    rate=_follow_up_rate,
    message=lambda trust: _("You have added to your question many times in a short while."),
)


def posting_limit(*, user, thread) -> Limit:
    """The limit a reply by `user` in `thread` counts against.

    An asker answering the questions put to them, or saying what they tried, is not
    starting new threads: their follow-ups count apart (FOLLOW_UP_RATE), so a new member
    is not stopped in their own thread after a question and two follow-ups.
    """
    return FOLLOWING_UP if thread.author_id == user.pk else POSTING


FLAGGING = Limit(
    group="forum:flag",
    rate=lambda trust: settings.FLAG_RATE,
    message=lambda trust: _("You have flagged many posts in a short while."),
)


SUBMITTING = Limit(
    group="forum:submit",
    rate=lambda trust: settings.SUBMIT_RATE,
    message=lambda trust: _(
        "You have sent many posts in a short while, counting the ones that were not accepted."
    ),
)
EDITING = Limit(
    group="forum:edit",
    rate=lambda trust: settings.EDIT_RATE,
    message=lambda trust: _("You have edited posts many times in a short while."),
)
PREVIEWING = Limit(
    group="forum:preview",
    rate=lambda trust: settings.PREVIEW_RATE,
    message=lambda trust: _("You have asked for many previews in a short while."),
)

# Looking up questions like the one being typed (the ask page's suggestions).
LOOKING_UP = Limit(
    group="help:similar",
    rate=lambda trust: settings.SIMILAR_RATE,
    message=lambda trust: _("You have looked for similar questions many times in a short while."),
)
# "Did this answer your question?" on a help article.
ANSWERING_FEEDBACK = Limit(
    group="help:feedback",
    rate=lambda trust: settings.FEEDBACK_RATE,
    message=lambda trust: _("You have rated many help articles in a short while."),
)


def _client_key(_group, request) -> str:
    """The member, or for someone signed out the client's address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"address:{client_ip(request)}"


def _usage(request, limit: Limit, *, trust: Trust, increment: bool) -> dict | None:
    return get_usage(
        request,
        group=limit.group,
        key=_client_key,
        rate=lambda _group, request: limit.rate(trust),
        increment=increment,
    )


def check(request, limit: Limit, *, trust: Trust) -> None:
    """Raise RateLimited if the client (of this `trust`) has used up `limit`; count nothing."""
    usage = _usage(request, limit, trust=trust, increment=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        raise RateLimited(retry_after=usage["time_left"], message=limit.message(trust))


def count(request, limit: Limit, *, trust: Trust) -> None:
    """Count one use of `limit`; raise RateLimited if that goes over it.

    Called just before the work is saved: check() came first, but two requests at once
    may both have passed it, and the cache's increment tells them apart.
    """
    usage = _usage(request, limit, trust=trust, increment=True)
    if usage is not None and usage["should_limit"]:
        raise RateLimited(retry_after=usage["time_left"], message=limit.message(trust))


# --- What new members may post -----------------------------------------------------


def unsent_message(limited: RateLimited, *, now=None) -> str:
    """Why a form was not sent and when it can be, in whole sentences, for the form itself:
    "New members can post only a few times an hour… You can send it at Dec. 8, 2026,
    5:12 p.m. UTC+8, in 14 minutes." """
    now = now or timezone.now()
    retry_at = retry_moment(limited.retry_after, now=now)
    when = _("You can send it at %(time)s, in %(wait)s.") % {
        "time": times.absolute_text(retry_at),
        "wait": times.until(retry_at, now=now),
    }
    return f"{limited.message} {when}" if limited.message else when


def new_member_refusal(trust: Trust, *, link_count: int, image_count: int) -> str | None:
    """Why a new member may not post a body with these links and images; None if they may."""
    if not trust.is_new_member:
        return None
    if image_count:
        return _(
            "New members cannot post images yet. Describe what you see in words, or "
            "copy the text of the error message."
        )
    if link_count > settings.NEW_MEMBER_MAX_LINKS:
        return ngettext(
            "New members can put at most %(max)d link to another site in a post; "
            "this one has %(count)d.",
            "New members can put at most %(max)d links to other sites in a post; "
            "this one has %(count)d.",
            settings.NEW_MEMBER_MAX_LINKS,
        ) % {"max": settings.NEW_MEMBER_MAX_LINKS, "count": link_count}
    return None
