"""Role names. Roles are Django groups so admins manage them in one familiar place."""

MODERATORS = "Moderators"
AGENTS = "Agents"
ALL_GROUPS = (MODERATORS, AGENTS)


def role_names_by_user(user_ids) -> dict[int, frozenset[str]]:
    """The role groups of each user, by one raw query.

    Every signed-in page asks this of its viewer, and the thread page of its authors; the
    ORM spent about ten times longer compiling the lookup than the database took to run it.
    """
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import User

    user_ids = list(dict.fromkeys(user_ids))
    names: dict[int, set[str]] = {user_id: set() for user_id in user_ids}
    if not user_ids:
        return {}
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
