"""Account actions for moderators: silence, suspend, lift. The one way each is done.

Views (the profile, the flag queue, its bulk form), the admin and tests call these; each
checks the actor's powers again. Imposing a sanction, in one transaction: the Sanction
row (who, why, until when), the member's standing on their User row (accounts.standing
reads it), the member's posts waiting for review hidden through forum.services, a line in
the moderation log, and the email to the member in their language (the outbox). After
commit a suspended member's sessions are ended.

Modelled on Discourse's UserSilencer and UserSuspender: a silenced member reads but does
not post, reply, edit or flag; a suspended one is signed out and cannot sign in. Both end
by the clock, or when a moderator lifts them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import powers, standing
from accounts.models import Sanction, User
from forum import access
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Flag, ModerationLog, Post
from forum.services import moderation
from notifications.services.outbox import queue_account_email

# The periods a moderator chooses from; None is "until a moderator lifts it".
DURATIONS: dict[str, timedelta | None] = {
    "1d": timedelta(days=1),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "365d": timedelta(days=365),
    "forever": None,
}
DURATION_LABELS = {
    "1d": gettext_lazy("1 day"),
    "3d": gettext_lazy("3 days"),
    "7d": gettext_lazy("7 days"),
    "30d": gettext_lazy("30 days"),
    "365d": gettext_lazy("1 year"),
    "forever": gettext_lazy("Until lifted"),
}

_ACTIONS = {
    Sanction.Kind.SILENCE: ModerationLog.Action.SILENCE_MEMBER,
    Sanction.Kind.SUSPEND: ModerationLog.Action.SUSPEND_MEMBER,
}
_FIELDS = {Sanction.Kind.SILENCE: "silenced_until", Sanction.Kind.SUSPEND: "suspended_until"}


def ends_at_for(duration: str, *, now: datetime) -> datetime | None:
    """The end of a period chosen by its key in DURATIONS. Raises InvalidTransition."""
    if duration not in DURATIONS:
        raise InvalidTransition(_("Choose how long it lasts."))
    period = DURATIONS[duration]
    return None if period is None else now + period


def can_sanction(actor: User, member: User) -> bool:
    """A moderator acting with a verified second factor, on a member who holds no staff role."""
    return (
        access.is_moderator(actor)
        and member.pk != actor.pk
        and member.is_active
        and not powers.holds_staff_role(member)
    )


def silence_member(
    *, actor: User, member: User, reason: str, ends_at: datetime | None, now=None
) -> Sanction:
    """Silence `member` until `ends_at` (None: until lifted). Raises NotAllowed, InvalidTransition."""
    return _impose(
        actor=actor,
        member=member,
        kind=Sanction.Kind.SILENCE,
        reason=reason,
        ends_at=ends_at,
        now=now,
    )


def suspend_member(
    *, actor: User, member: User, reason: str, ends_at: datetime | None, now=None
) -> Sanction:
    """Suspend `member` until `ends_at` (None: until lifted); their sessions end after commit."""
    return _impose(
        actor=actor,
        member=member,
        kind=Sanction.Kind.SUSPEND,
        reason=reason,
        ends_at=ends_at,
        now=now,
    )


def sanction_members(
    *, actor: User, members, kind: str, reason: str, ends_at: datetime | None, now=None
) -> list[Sanction]:
    """The bulk path: the same function for each member, all or none."""
    impose = {Sanction.Kind.SILENCE: silence_member, Sanction.Kind.SUSPEND: suspend_member}.get(
        kind
    )
    if impose is None:
        raise InvalidTransition(_("Choose silence or suspend."))
    members = list(members)
    if not members:
        raise InvalidTransition(_("Choose at least one member."))
    with transaction.atomic():
        return [
            impose(actor=actor, member=member, reason=reason, ends_at=ends_at, now=now)
            for member in members
        ]


def _impose(*, actor, member, kind, reason, ends_at, now) -> Sanction:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not access.is_moderator(actor):
        raise NotAllowed(_("Only moderators can do that."))
    if member.pk == actor.pk:
        raise NotAllowed(_("You cannot silence or suspend your own account."))
    if powers.holds_staff_role(member):
        raise NotAllowed(
            _("Moderators, support agents and admins cannot be silenced or suspended.")
        )
    if not reason:
        raise InvalidTransition(_("Give a reason: the member is shown it."))
    if len(reason) > 500:
        raise InvalidTransition(_("Keep the reason under 500 characters."))
    if ends_at is not None and ends_at <= now:
        raise InvalidTransition(_("The end must be in the future."))
    caller_copy = member
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        if not member.is_active:
            raise InvalidTransition(_("This account is deactivated."))
        # A new sanction of a kind replaces the one in force: one reason and one end.
        for earlier in Sanction.objects.filter(user=member, kind=kind, lifted_at=None):
            if earlier.is_in_force(now=now):
                earlier.lifted_at, earlier.lifted_by = now, actor
                earlier.save(update_fields=["lifted_at", "lifted_by"])
        sanction = Sanction.objects.create(
            user=member, kind=kind, reason=reason, created_by=actor, starts_at=now, ends_at=ends_at
        )
        field = _FIELDS[kind]
        setattr(member, field, ends_at or standing.FOREVER)
        member.save(update_fields=[field])
        setattr(caller_copy, field, getattr(member, field))
        hidden = _hide_posts_waiting_for_review(actor=actor, member=member, reason=reason, now=now)
        ModerationLog.objects.create(
            actor=actor,
            action=_ACTIONS[kind],
            member=member,
            until=ends_at,
            reason=reason,
            details={"sanction": sanction.pk, "hidden_posts": hidden},
            created_at=now,
        )
        _tell_member(member, sanction, template=f"account_{sanction.kind}")
        if kind == Sanction.Kind.SUSPEND:
            transaction.on_commit(lambda: end_sessions(user_id=member.pk))
    return sanction


def _hide_posts_waiting_for_review(*, actor, member, reason, now) -> list[int]:
    """Hide the member's posts with open flags (those flags hid already stay hidden, their
    flags closed): the same service calls a moderator makes one post at a time."""
    post_ids = list(
        Flag.objects.filter(post__author=member, resolved_at=None, post__deleted_at=None)
        .values_list("post_id", flat=True)
        .distinct()
        .order_by("post_id")
    )
    for post in Post.objects.filter(pk__in=post_ids).order_by("pk"):
        if post.is_awaiting_review:
            moderation.confirm_hidden_post(actor=actor, post=post, reason=reason, now=now)
        elif not post.is_hidden:
            moderation.set_post_hidden(
                actor=actor, post=post, is_hidden=True, reason=reason, now=now
            )
    return post_ids


def lift_sanction(*, actor: User, sanction: Sanction, reason: str = "", now=None) -> Sanction:
    """End a silence or suspension before its time. Moderators and admins may."""
    now = now or timezone.now()
    if not access.is_moderator(actor):
        raise NotAllowed(_("Only moderators can do that."))
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=sanction.user_id)
        sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
        if not sanction.is_in_force(now=now):
            raise InvalidTransition(_("This silence or suspension has already ended."))
        sanction.lifted_at, sanction.lifted_by = now, actor
        sanction.save(update_fields=["lifted_at", "lifted_by"])
        field = _FIELDS[sanction.kind]
        setattr(member, field, None)
        member.save(update_fields=[field])
        if sanction.user is not None:
            setattr(sanction.user, field, None)
        ModerationLog.objects.create(
            actor=actor,
            action=ModerationLog.Action.LIFT_SANCTION,
            member=member,
            reason=(reason or "").strip()[:500],
            details={"sanction": sanction.pk, "kind": sanction.kind},
            created_at=now,
        )
        _tell_member(member, sanction, template="account_restored")
    return sanction


_SUBJECTS = {
    "account_silence": gettext_lazy("Your account is silenced"),
    "account_suspend": gettext_lazy("Your account is suspended"),
    "account_restored": gettext_lazy("Your account is in good standing again"),
}


def _tell_member(member: User, sanction: Sanction, *, template: str) -> None:
    """The email, in the member's language and zone; the outbox row commits with the change.
    Their next visit shows the same (accounts' standing banner, the sign-in refusal)."""
    queue_account_email(
        recipient=member,
        template=template,
        subject=_SUBJECTS[template],
        context={"sanction": sanction},
    )


def end_sessions(*, user_id: int) -> int:
    """Delete every session signed in as `user_id` (database and cache). Returns how many.

    Django keeps no index of sessions by user, so this reads the live ones; a suspension is
    rare. Until it runs, accounts.backends already refuses the suspended user on each request.
    """
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=2000):
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user_id):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
