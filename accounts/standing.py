"""An account's standing: whether it is silenced or suspended now, and why.

Read from the User row every request already loads (silenced_until, suspended_until), so
a member in good standing costs no query; the Sanction row (who, why, until when) is read
only for someone under one. A sanction ends by the clock: nothing runs at its end, the
comparison with `now` says it is over. forum.sanctions writes all of it.

Everything that must refuse a sanctioned account asks here: posting and flagging
(forum.services), trust (accounts.trust, which the rate limits are told), signing in
and the session's user (accounts.adapter, accounts.backends), the banner
(accounts.templatetags).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from config import times

# What silenced_until / suspended_until hold for a sanction "until lifted" (its
# Sanction.ends_at is empty): later than any period a moderator can choose.
FOREVER = datetime(3000, 1, 1, tzinfo=UTC)


def _holds(until, now) -> bool:
    return until is not None and (now or timezone.now()) < until


def is_silenced(user, *, now=None) -> bool:
    """May read but not post, reply, edit or flag. A suspended account is silenced too."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _holds(user.silenced_until, now) or _holds(user.suspended_until, now)


def is_suspended(user, *, now=None) -> bool:
    """May not sign in; its sessions are ended."""
    return getattr(user, "is_authenticated", False) and _holds(user.suspended_until, now)


def is_sanctioned(user, *, now=None) -> bool:
    return is_silenced(user, now=now)


def current_sanction(user, *, now=None):
    """The sanction in force on `user` now (a suspension before a silence), or None.

    No query for an account in good standing."""
    from accounts.models import Sanction

    now = now or timezone.now()
    if not is_silenced(user, now=now):
        return None
    in_force = [
        sanction
        for sanction in Sanction.objects.filter(user=user, lifted_at=None, starts_at__lte=now)
        if sanction.is_in_force(now=now)
    ]
    in_force.sort(key=lambda s: (s.kind != Sanction.Kind.SUSPEND, -s.starts_at.timestamp()))
    return in_force[0] if in_force else None


def viewer_key(user, *, now=None) -> tuple:
    """What a page shows of the viewer's standing, for the member page cache's key: the
    sanction in force, if any (the banner and the reply form's notice show it)."""
    sanction = current_sanction(user, now=now)
    return (sanction.pk, sanction.ends_at, sanction.lifted_at) if sanction else ()


def until_text(sanction) -> str:
    """ "until Dec. 8, 2026, 5 a.m. UTC+8" or "until a moderator lifts it", as a sentence's
    second half, in the active language and time zone."""
    if sanction.ends_at is None:
        return _("It lasts until a moderator lifts it.")
    return _("It ends on %(time)s.") % {"time": times.absolute_text(sanction.ends_at)}


def refusal_message(sanction) -> str:
    """Why a sanctioned member cannot do this, with the reason and when it ends."""
    from accounts.models import Sanction

    if sanction.kind == Sanction.Kind.SUSPEND:
        first = _("Your account is suspended, so you cannot sign in or post.")
    else:
        first = _(
            "Your account is silenced: you can read the forum, but you cannot post, reply, "
            "edit or flag."
        )
    reason = _("The reason given: “%(reason)s”.") % {"reason": sanction.reason}
    return f"{first} {reason} {until_text(sanction)}"


def refusal_for(user, *, now=None) -> str | None:
    """The refusal for a silenced or suspended `user`, or None if they may post."""
    sanction = current_sanction(user, now=now)
    return refusal_message(sanction) if sanction else None
