"""The reads forum pages need: each a fixed number of queries, whatever the data size."""

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Q

from accounts import roles
from accounts.models import User
from forum import access, fragments, rawrows
from forum.models import Category, Follow, Post, Thread, Vote

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 20
NEEDS_HELP_ON_HOME = 5

TABS = ("latest", "needs-help", "unanswered", "unsolved", "solved", "mine", "following")
MEMBER_TABS = ("mine", "following")
SORTS = {
    # name: (field used for ordering and the cursor)
    "activity": "last_activity_at",
    "newest": "created_at",
    "votes": "vote_count",
}


@dataclass
class ThreadPage:
    threads: list[Thread]
    next_cursor: str | None = None
    prev_cursor: str | None = None


def _set_author_roles(posts) -> None:
    """Give each post's author their role groups (support team, moderator) for the badges."""
    names = roles.role_names_by_user(post.author_id for post in posts)
    for post in posts:
        post.author.__dict__["group_names"] = names[post.author_id]  # fills the cached_property


def visible_threads(user):
    threads = Thread.objects.all()
    if not access.can_see_hidden(user):
        threads = threads.filter(is_hidden=False)
    return threads


def needs_help_threads(threads):
    """The questions in the "needs help" state (forum/states.py): the community was asked
    and nobody has answered, and the support team has not had them (through the partial
    indexes on needs_help_at; the few escalated rows among them are skipped)."""
    return threads.filter(
        needs_help_at__isnull=False,
        state=Thread.State.OPEN,
        escalated_at__isnull=True,
        support_resolved_at__isnull=True,
    )


def home_page(*, user) -> dict:
    categories = list(Category.objects.all())
    latest = list(
        visible_threads(user)
        .select_related("author", "category")
        .order_by("-last_activity_at", "-id")[:THREADS_PER_PAGE]
    )
    needs_help = list(
        needs_help_threads(visible_threads(user))
        .select_related("author", "category")
        .order_by("-needs_help_at", "-id")[:NEEDS_HELP_ON_HOME]
    )
    fragments.attach_row_html([*needs_help, *latest], show_category=True)
    return {"categories": categories, "latest": latest, "needs_help": needs_help}


def _encode_cursor(value, pk: int) -> str:
    raw = f"{value.isoformat() if isinstance(value, datetime) else value}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_INT_MAX = 2**31 - 1
_BIGINT_MAX = 2**63 - 1


def _decode_cursor(cursor: str, sort_field: str):
    """(value, pk) from a cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = raw.rsplit("|", 1)
        pk = int(pk)
        if not 0 < pk <= _BIGINT_MAX:
            return None
        if sort_field == "vote_count":
            votes = int(value)
            # Out of the column's range, PostgreSQL refuses the comparison outright.
            return (votes, pk) if abs(votes) <= _INT_MAX else None
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            return None
        # In UTC, as the database compares it: 9999-12-31T23:59-05:00 is past datetime.max.
        return parsed.astimezone(UTC), pk
    except (ValueError, UnicodeDecodeError, TypeError, OverflowError):
        return None


def category_threads(
    *, category: Category, user, tab: str, sort: str, after: str = "", before: str = ""
) -> ThreadPage:
    """One page of a category's threads, by keyset: as fast on page 1,000 as on page 1."""
    sort_field = SORTS[sort]
    threads = visible_threads(user).filter(category=category).select_related("author")
    threads = _apply_tab(threads, tab=tab, user=user)

    going_back = False
    cursor = _decode_cursor(after, sort_field) if after else None
    if cursor is None and before:
        cursor = _decode_cursor(before, sort_field)
        going_back = cursor is not None
    if cursor is not None:
        value, pk = cursor
        if going_back:
            threads = threads.filter(
                Q(**{f"{sort_field}__gt": value}) | Q(**{sort_field: value, "pk__gt": pk})
            )
        else:
            threads = threads.filter(
                Q(**{f"{sort_field}__lt": value}) | Q(**{sort_field: value, "pk__lt": pk})
            )
    order = (sort_field, "pk") if going_back else (f"-{sort_field}", "-pk")
    rows = list(threads.order_by(*order)[: THREADS_PER_PAGE + 1])
    has_more = len(rows) > THREADS_PER_PAGE
    rows = rows[:THREADS_PER_PAGE]
    if going_back:
        rows.reverse()
    fragments.attach_row_html(rows, show_category=False)
    page = ThreadPage(threads=rows)
    if rows:
        first, last = rows[0], rows[-1]
        has_next = going_back or has_more
        has_prev = has_more if going_back else cursor is not None
        if has_next:
            page.next_cursor = _encode_cursor(getattr(last, sort_field), last.pk)
        if has_prev:
            page.prev_cursor = _encode_cursor(getattr(first, sort_field), first.pk)
    return page


def _apply_tab(threads, *, tab: str, user):
    if tab == "needs-help":
        return needs_help_threads(threads)
    if tab == "unanswered":
        return threads.filter(first_reply_at__isnull=True, state=Thread.State.OPEN)
    if tab == "unsolved":
        return threads.filter(state=Thread.State.OPEN)
    if tab == "solved":
        return threads.filter(state=Thread.State.SOLVED)
    if tab == "mine":
        return threads.filter(author=user)
    if tab == "following":
        return threads.filter(follows__user=user)
    return threads


POST_LIST_FIELDS = (
    "thread_id",
    "number",
    "author_id",
    "created_at",
    "edited_at",
    "is_hidden",
    "auto_hidden_at",
    "deleted_at",
    "vote_count",
    "posted_as",
)
# The bodies are left out: most posts come as cached HTML (fragments.attach_post_html
# loads the bodies of the few that miss in one query). Authors bring only what shows.
_POST = rawrows.Columns.of(Post, "p", POST_LIST_FIELDS)
_POST_AUTHOR = rawrows.Columns.of(User, "u", access.AUTHOR_FIELDS)


@dataclass
class ThreadView:
    thread: Thread
    question: Post | None
    accepted: Post | None
    posts: list[Post]
    page: int
    page_count: int
    voted_post_ids: set[int] = field(default_factory=set)
    is_following: bool = False
    can_reply: bool = False
    can_accept: bool = False
    can_moderate: bool = False


def thread_page(*, thread: Thread, user, page: int) -> ThreadView:
    """The question, the accepted answer pinned under it, and one page of posts by number."""
    page_count = max(1, -(-thread.post_count // POSTS_PER_PAGE))
    page = min(max(page, 1), page_count)
    first = (page - 1) * POSTS_PER_PAGE + 1
    last = page * POSTS_PER_PAGE
    rows = _page_posts(
        thread=thread, first=first, last=last, include_hidden=access.can_see_hidden(user)
    )
    _set_author_roles(rows)
    question = next((post for post in rows if post.number == 1), None)
    if question is not None:
        thread.author = question.author  # the same person, with groups prefetched
    accepted = next((post for post in rows if post.pk == thread.accepted_post_id), None)
    on_page = [
        post
        for post in rows
        if first <= post.number <= last and post.number != 1 and post.pk != thread.accepted_post_id
    ]
    view = ThreadView(
        thread=thread,
        question=question,
        accepted=accepted,
        posts=on_page,
        page=page,
        page_count=page_count,
    )
    if user.is_authenticated:
        view.voted_post_ids, view.is_following = _viewer_state(
            user=user, thread=thread, post_ids=[post.pk for post in rows]
        )
        view.can_moderate = access.is_moderator(user)
        view.can_reply = not thread.is_closed and not thread.is_hidden
        view.can_accept = access.can_accept(user, thread) and not thread.is_closed
    fragments.attach_post_html(view, user=user)
    return view


def _page_posts(*, thread: Thread, first: int, last: int, include_hidden: bool) -> list[Post]:
    """Posts numbered first..last, the question and the accepted answer, by number."""
    quote = connection.ops.quote_name
    number, thread_id = quote("number"), quote("thread_id")
    wanted = f"(p.{number} BETWEEN %s AND %s OR p.{number} = 1 OR p.id = %s)"
    hidden = "" if include_hidden else f" AND p.{quote('is_hidden')} = %s"
    rows = rawrows.read(
        f"SELECT {_POST.sql}, {_POST_AUTHOR.sql} FROM {_POST.table} "
        f"JOIN {_POST_AUTHOR.table} ON u.id = p.{quote('author_id')} "
        f"WHERE p.{thread_id} = %s AND {wanted}{hidden} ORDER BY p.{number}",
        [
            thread.pk,
            first,
            last,
            thread.accepted_post_id or 0,
            *([] if include_hidden else [False]),
        ],
        _POST,
        _POST_AUTHOR,
    )
    for post, author in rows:
        post.author = author
    return [post for post, _ in rows]


def _viewer_state(*, user, thread: Thread, post_ids: list[int]) -> tuple[set[int], bool]:
    """Which of these posts the viewer found helpful, and whether they follow the thread."""
    quote = connection.ops.quote_name
    votes, follows = quote(Vote._meta.db_table), quote(Follow._meta.db_table)
    user_id, post_id, thread_id = quote("user_id"), quote("post_id"), quote("thread_id")
    placeholders = ", ".join(["%s"] * len(post_ids)) or "NULL"
    rows = rawrows.fetch(
        f"SELECT {post_id} FROM {votes} WHERE {user_id} = %s AND {post_id} IN ({placeholders}) "
        f"UNION ALL SELECT 0 FROM {follows} WHERE {user_id} = %s AND {thread_id} = %s",
        [user.pk, *post_ids, user.pk, thread.pk],
    )
    found = {row[0] for row in rows}
    is_following = 0 in found
    found.discard(0)
    return found, is_following


SEARCH_LIMIT = 50


def search_threads(*, user, query: str) -> list[Thread]:
    """Exact transaction hash first (what users paste), else titles containing every word."""
    threads = visible_threads(user).select_related("author", "category")
    needle = query.strip()
    by_hash = (
        threads.filter(tx_hash__in={needle, needle.lower()})
        if len(needle) >= 20
        else threads.none()
    )
    found = list(by_hash[:SEARCH_LIMIT])
    if found:
        return found
    words = query.split()[:8]
    for word in words:
        threads = threads.filter(title__icontains=word)
    return list(threads.order_by("-last_activity_at", "-id")[:SEARCH_LIMIT])
