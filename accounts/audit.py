"""The audit log of roles: who granted or revoked whose group, staff or superuser status.

Roles change in the admin and in `manage.py shell`, by plain ORM calls
(`user.groups.add(...)`, `user.is_staff = True; user.save()`) that no service of ours
sees, so model signals are the one place every path goes through: `m2m_changed` on
User.groups (from either side) and pre_save/post_save for the two flags. A queryset
`.update()` sends no signal and is not recorded: change roles on instances.

The actor is the signed-in user of the request being served, set by
accounts.middleware.AuditActorMiddleware in a context variable, or "system" outside a
request (shell, commands, Celery).
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save

from accounts.models import RoleChange, User

SYSTEM = "system"
FLAGS = (RoleChange.STAFF, RoleChange.SUPERUSER)

# The request being served on this thread (or task); its user is read only when a
# role changes, so an ordinary page view costs nothing.
_current_request = ContextVar("role_audit_request", default=None)


@contextmanager
def request_scope(request):
    """Credit role changes made inside the block to `request.user`."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_actor() -> User | None:
    request = _current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(*, user: User, changes: Iterable[tuple[str, str]]) -> list[RoleChange]:
    """Write one RoleChange per (role, action) pair, credited to the current actor."""
    actor = current_actor()
    return RoleChange.objects.bulk_create(
        RoleChange(
            user=user,
            username=user.username,
            role=role,
            action=action,
            actor=actor,
            actor_name=actor.username if actor else SYSTEM,
        )
        for role, action in changes
    )


def remember_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save: note the flags as stored, when this save may change them."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(FLAGS) & set(update_fields):
        return  # last_login, settings, …: the flags are not written
    instance._role_flags_before = User.objects.filter(pk=instance.pk).values(*FLAGS).first()


def record_flag_changes(sender, instance, created, raw=False, **kwargs):
    """post_save: record each flag whose stored value the save changed."""
    if raw:
        return
    before = vars(instance).pop("_role_flags_before", None)
    if created or before is None:
        before = dict.fromkeys(FLAGS, False)
    changes = [
        (flag, RoleChange.Action.GRANTED if getattr(instance, flag) else RoleChange.Action.REVOKED)
        for flag in FLAGS
        if bool(getattr(instance, flag)) != bool(before[flag])
    ]
    if changes:
        record(user=instance, changes=changes)


def record_group_changes(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    """m2m_changed on User.groups, from a user (user.groups) or a group (group.user_set).

    post_add's pk_set holds only the rows actually added, but remove() names whatever
    it was given and clear() names nothing: those look up the memberships that exist
    before the rows go.
    """
    side, other_side = ("group_id", "user_id") if reverse else ("user_id", "group_id")
    if action in ("pre_remove", "pre_clear"):
        going = sender.objects.using(using).filter(**{side: instance.pk})
        if action == "pre_remove":
            going = going.filter(**{f"{other_side}__in": pk_set})
        instance._role_memberships_going = set(going.values_list(other_side, flat=True))
        return
    if action == "post_add":
        verb, other_pks = RoleChange.Action.GRANTED, pk_set
    elif action in ("post_remove", "post_clear"):
        verb, other_pks = (
            RoleChange.Action.REVOKED,
            vars(instance).pop("_role_memberships_going", set()),
        )
    else:
        return
    if not other_pks:
        return
    if reverse:  # group.user_set.add(...): one group, some users
        for user in User.objects.using(using).filter(pk__in=other_pks).order_by("pk"):
            record(user=user, changes=[(instance.name, verb)])
    else:  # user.groups.add(...): one user, some groups
        names = Group.objects.using(using).filter(pk__in=other_pks).order_by("name")
        record(
            user=instance, changes=[(name, verb) for name in names.values_list("name", flat=True)]
        )


def connect() -> None:
    pre_save.connect(remember_flags, sender=User, dispatch_uid="role_audit_flags_before")
    post_save.connect(record_flag_changes, sender=User, dispatch_uid="role_audit_flags")
    m2m_changed.connect(
        record_group_changes, sender=User.groups.through, dispatch_uid="role_audit_groups"
    )
