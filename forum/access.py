"""Who may see and do what in the forum. Views call these before any logic; services again."""

from allauth.account.models import EmailAddress
from django.db import connection
from django.http import Http404

from accounts import powers
from accounts.models import User
from config import rawrows
from forum.models import Category, Chain, Post, Thread


def is_moderator(user) -> bool:
    """May moderate now: the role, and a second factor verified in this session."""
    return powers.acts_as_moderator(user)


def can_see_hidden(user) -> bool:
    return powers.acts_as_moderator(user) or powers.acts_as_agent(user)


def get_thread_for_user(user, thread_id) -> Thread:
    """The thread if this user may see it; 404 for hidden threads unless staff."""
    return visible_to(user, load_thread(thread_id))


def visible_to(user, thread: Thread | None) -> Thread:
    """`thread` (as read) if this user may see it; 404 for none, or a hidden one unless staff."""
    if thread is None:
        raise Http404
    if thread.is_hidden and not can_see_hidden(user):
        raise Http404
    return thread


def is_public_thread(thread_id: int) -> bool:
    """The thread exists and is not hidden: one indexed read of one column, no instance."""
    quote = connection.ops.quote_name
    rows = rawrows.fetch(
        f"SELECT {quote('is_hidden')} FROM {quote(Thread._meta.db_table)} WHERE id = %s",
        [thread_id],
    )
    return bool(rows) and not rows[0][0]


_THREAD = rawrows.Columns.of(Thread, "t")
_CATEGORY = rawrows.Columns.of(Category, "c")
AUTHOR_FIELDS = ("username", "display_name", "reputation", "is_active", "is_staff", "is_superuser")
_AUTHOR = rawrows.Columns.of(User, "u", AUTHOR_FIELDS)
_CHAIN = rawrows.Columns.of(Chain, "n")


def load_thread(thread_id) -> Thread | None:
    """The thread with its category, author and chain, by one hand-written query.

    Every thread page and post action starts here (rawrows says why not the ORM).
    """
    try:
        thread_id = int(thread_id)
    except (ValueError, TypeError):
        return None
    if not -(2**63) <= thread_id < 2**63:
        return None
    return _read_threads("t.id = %s", [thread_id]).get(thread_id)


def load_threads(thread_ids: list[int]) -> dict[int, Thread]:
    """Threads by id, each with its category, author and chain (as load_thread), in one
    query; ids not found are left out."""
    if not thread_ids:
        return {}
    return _read_threads(f"t.id IN ({', '.join(['%s'] * len(thread_ids))})", list(thread_ids))


def _read_threads(condition: str, params: list) -> dict[int, Thread]:
    return threads_from_rows(
        rawrows.fetch(f"SELECT {thread_columns()} FROM {thread_tables()} WHERE {condition}", params)
    )


# A thread row as load_thread reads it: the thread, its category, author and chain, for a
# statement of another module that reads them with something else (forum.selectors).
_THREAD_PARTS = (_THREAD, _CATEGORY, _AUTHOR, _CHAIN)
THREAD_WIDTH = sum(len(part) for part in _THREAD_PARTS)


def thread_columns() -> str:
    return ", ".join(part.sql for part in _THREAD_PARTS)


def thread_tables() -> str:
    quote = connection.ops.quote_name
    return (
        f"{_THREAD.table} "
        f"JOIN {_CATEGORY.table} ON c.id = t.{quote('category_id')} "
        f"JOIN {_AUTHOR.table} ON u.id = t.{quote('author_id')} "
        f"LEFT JOIN {_CHAIN.table} ON n.id = t.{quote('chain_id')}"
    )


def threads_from_rows(rows: list[tuple]) -> dict[int, Thread]:
    """{id: thread} from raw rows of thread_columns(), with category, author and chain set."""
    found = {}
    for thread, category, author, chain in rawrows.cut(rows, *_THREAD_PARTS):
        thread.category, thread.author, thread.chain = category, author, chain
        found[thread.pk] = thread
    return found


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


def notifications_out_of_sight(*, recipient, notifications) -> set[int]:
    """The forum's rule for notifications.visibility: the ids of the notifications whose
    thread or post `recipient` may no longer see.

    Gone for everyone: a thread or post that no longer exists, a deleted post. Gone for
    whoever cannot see hidden content: a hidden post, or any post of a hidden thread.
    Two queries at most, for any number of notifications.
    """
    thread_ids = {_param_id(n, "thread_id") for n in notifications} - {None}
    post_ids = {_param_id(n, "post_id") for n in notifications} - {None}
    if not (thread_ids or post_ids):
        return set()
    sees_hidden = can_see_hidden(recipient)
    threads = dict(Thread.objects.filter(pk__in=thread_ids).values_list("pk", "is_hidden"))
    posts = {
        pk: (is_hidden or thread_hidden, deleted_at is not None)
        for pk, is_hidden, thread_hidden, deleted_at in Post.objects.filter(
            pk__in=post_ids
        ).values_list("pk", "is_hidden", "thread__is_hidden", "deleted_at")
    }
    gone = set()
    for notification in notifications:
        thread_id = _param_id(notification, "thread_id")
        post_id = _param_id(notification, "post_id")
        thread_gone = thread_id is not None and (
            thread_id not in threads or (threads[thread_id] and not sees_hidden)
        )
        is_hidden, is_deleted = posts.get(post_id, (True, True))
        post_gone = post_id is not None and (is_deleted or (is_hidden and not sees_hidden))
        if thread_gone or post_gone:
            gone.add(notification.pk)
    return gone


def _param_id(notification, name: str) -> int | None:
    value = (notification.params or {}).get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
