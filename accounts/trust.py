"""How far the forum trusts a member: new, ordinary, or trusted.

From the account's age and reputation (settings NEW_MEMBER_* and TRUSTED_*), and from a
moderator's silence or suspension (accounts.standing: never trusted, treated as a new
member while it holds). Moderators and staff acting with their powers are always trusted
and never new. The safety rules (safety.limits, safety.links) take the answer as a Trust
from the caller: trust_of(user).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts import powers, standing
from safety.limits import Trust


def _is_staff_or_moderator(user) -> bool:
    """Acting as staff now: a staff password without its second factor earns no trust."""
    return powers.acts_as_agent(user) or powers.acts_as_moderator(user)


def _account_age(user, now) -> timedelta:
    return (now or timezone.now()) - user.date_joined


def is_new_member(user, *, now=None) -> bool:
    """Joined fewer than NEW_MEMBER_DAYS ago and has less than NEW_MEMBER_REPUTATION, or
    silenced or suspended now (accounts.standing): the strictest limits, whatever its age."""
    if _is_staff_or_moderator(user):
        return False
    if standing.is_sanctioned(user, now=now):
        return True
    return (
        _account_age(user, now) < timedelta(days=settings.NEW_MEMBER_DAYS)
        and user.reputation < settings.NEW_MEMBER_REPUTATION
    )


def is_trusted(user, *, now=None) -> bool:
    """A moderator or staff, or TRUSTED_REPUTATION and an account TRUSTED_ACCOUNT_DAYS old;
    never while silenced or suspended (accounts.standing)."""
    if _is_staff_or_moderator(user):
        return True
    return (
        user.is_active
        and not standing.is_sanctioned(user, now=now)
        and user.reputation >= settings.TRUSTED_REPUTATION
        and _account_age(user, now) >= timedelta(days=settings.TRUSTED_ACCOUNT_DAYS)
    )


def trust_of(user, *, now=None) -> Trust:
    """What the safety rules need to know of `user` now.

    Someone signed out has earned nothing: only limits that do not depend on trust (the
    previews) ever meet them.
    """
    if not user.is_authenticated:
        return Trust(is_new_member=True, is_trusted=False)
    return Trust(is_new_member=is_new_member(user, now=now), is_trusted=is_trusted(user, now=now))
