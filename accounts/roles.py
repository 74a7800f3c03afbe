"""Role names. Roles are Django groups so admins manage them in one familiar place."""

from config import caching

MODERATORS = "Moderators"
AGENTS = "Agents"
ALL_GROUPS = (MODERATORS, AGENTS)


# Role names are read on every signed-in page (the viewer's) and for a thread page's
# authors: kept in the shared cache (config/caching.py), forgotten whenever a membership
# or a role group changes. The time limit only bounds what a change made behind the
# ORM's back could leave.
CACHE_SECONDS = caching.ROLES_TTL
_cache_key = caching.roles_key


def role_names_by_user(user_ids) -> dict[int, frozenset[str]]:
    """The role groups of each user: from the cache, the rest by one raw query.

    The ORM spent about ten times longer compiling the lookup than the database took to
    run it, and on PostgreSQL the round trip cost a tenth of a member's thread page.
    """
    from django.core.cache import cache

    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return {}
    cached = cache.get_many([_cache_key(user_id) for user_id in user_ids])
    names = {}
    missing = []
    for user_id in user_ids:
        hit = cached.get(_cache_key(user_id))
        if hit is None:
            missing.append(user_id)
        else:
            names[user_id] = frozenset(hit)
    if missing:
        found = query_role_names(missing)
        cache.set_many(
            {_cache_key(user_id): tuple(sorted(found[user_id])) for user_id in missing},
            CACHE_SECONDS,
        )
        names.update(found)
    return names


def query_role_names(user_ids: list[int]) -> dict[int, frozenset[str]]:
    """The role groups of each user, read now (one query, no cache)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    User = get_user_model()
    names: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    memberships = User.groups.through._meta.db_table
    groups = Group._meta.db_table
    placeholders = ", ".join(["%s"] * len(user_ids))
    role_placeholders = ", ".join(["%s"] * len(ALL_GROUPS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.user_id, g.name FROM {memberships} m JOIN {groups} g ON g.id = m.group_id "
            f"WHERE m.user_id IN ({placeholders}) AND g.name IN ({role_placeholders})",
            [*user_ids, *ALL_GROUPS],
        )
        for user_id, name in cursor.fetchall():
            names[user_id].add(name)
    return {user_id: frozenset(found) for user_id, found in names.items()}


def names_column(user_id_sql: str) -> str:
    """SQL of one column of a statement that reads users: the role group names of the
    user whose id is `user_id_sql`, comma-joined (`names_from_column` reads it back). Its
    parameters are ALL_GROUPS, where the column stands in the statement."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    quote = connection.ops.quote_name
    joined = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    memberships = quote(get_user_model().groups.through._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ALL_GROUPS))
    return (
        f"(SELECT {joined}(g.name, ',') FROM {memberships} m "
        f"JOIN {quote(Group._meta.db_table)} g ON g.id = m.{quote('group_id')} "
        f"WHERE m.{quote('user_id')} = {user_id_sql} AND g.name IN ({placeholders}))"
    )


def names_from_column(value: str | None) -> frozenset[str]:
    """The role names of a `names_column` value."""
    return frozenset(value.split(",")) if value else frozenset()


def forget(user_ids) -> None:
    """Drop these users' cached roles, now and again when the transaction commits.

    Again at commit: a page read in between would otherwise cache what the database
    held before the change.
    """
    from django.core.cache import cache
    from django.db import transaction

    keys = [_cache_key(user_id) for user_id in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_on_membership_change(sender, instance, action, reverse, pk_set, using, **kwargs):
    """m2m_changed on User.groups, from a user (user.groups) or a group (group.user_set)."""
    if not reverse:
        if action.startswith("post_"):
            forget([instance.pk])
        return
    if action == "pre_clear":  # clear() names nobody: remember who is about to leave
        instance._role_users_leaving = list(
            sender.objects.using(using)
            .filter(group_id=instance.pk)
            .values_list("user_id", flat=True)
        )
    elif action == "post_clear":
        forget(vars(instance).pop("_role_users_leaving", []))
    elif action in ("post_add", "post_remove"):
        forget(pk_set or [])


def forget_group_members(sender, instance, **kwargs):
    """A role group renamed or deleted: its members' roles change without a membership signal."""
    if instance.pk is None:
        return
    forget(instance.user_set.values_list("pk", flat=True))


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_save, pre_delete

    User = get_user_model()
    m2m_changed.connect(
        forget_on_membership_change, sender=User.groups.through, dispatch_uid="role_cache"
    )
    post_save.connect(forget_group_members, sender=Group, dispatch_uid="role_cache_group_saved")
    pre_delete.connect(forget_group_members, sender=Group, dispatch_uid="role_cache_group_deleted")


def agents_q(prefix: str = ""):
    """User.is_agent as a query: active staff accounts in the Agents group, and superusers.

    `prefix` reaches the user through a relation ("user" for AgentStatus). Joining the
    groups can repeat a user: add .distinct() where rows are listed.
    """
    from django.db.models import Q

    at = f"{prefix}__" if prefix else ""
    return Q(**{f"{at}is_active": True, f"{at}is_staff": True}) & (
        Q(**{f"{at}is_superuser": True}) | Q(**{f"{at}groups__name": AGENTS})
    )
