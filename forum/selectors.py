"""The reads forum pages need: each a fixed number of queries, whatever the data size."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import F, Q
from django.http import Http404

from accounts import roles
from accounts.models import User
from config import rawrows
from config.keyset import beyond, decode_cursor, encode_cursor
from forum import access, extensions, fragments
from forum.models import Category, Follow, Post, Thread, Vote
from forum.states import QUESTION_STATE_FIELDS, QuestionState
from safety.selectors import domain_rules

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


def category_threads(
    *, category: Category, user, tab: str, sort: str, after: str = "", before: str = ""
) -> ThreadPage:
    """One page of a category's threads, by keyset: as fast on page 1,000 as on page 1."""
    sort_field = SORTS[sort]
    threads = visible_threads(user).filter(category=category).select_related("author")
    threads = _apply_tab(threads, tab=tab, user=user)

    going_back = False
    is_count = sort_field == "vote_count"
    cursor = decode_cursor(after, integer=is_count) if after else None
    if cursor is None and before:
        cursor = decode_cursor(before, integer=is_count)
        going_back = cursor is not None
    if cursor is not None:
        value, pk = cursor
        threads = threads.filter(beyond(sort_field, value, pk, newer=going_back))
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
            page.next_cursor = encode_cursor(getattr(last, sort_field), last.pk)
        if has_prev:
            page.prev_cursor = encode_cursor(getattr(first, sort_field), first.pk)
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
    "open_flag_count",  # flagged posts show their links as text (Post.has_links_as_text)
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


@dataclass
class ThreadPageFacts:
    """Everything a thread page reads from the database on every request, as it came.

    The rows are kept raw (no model instances): a member's saved copy of the page is keyed
    by them (`cache_values`, forum/pagecache.py), and instances are built only when the
    page is rendered.
    """

    thread: Thread
    page: int
    page_count: int
    first: int
    last: int
    rows: list[tuple]  # the posts shown, each with its author, as read
    author_roles: dict[int, frozenset[str]]
    voted_post_ids: set[int] = field(default_factory=set)
    is_following: bool = False
    can_reply: bool = False
    can_accept: bool = False
    can_moderate: bool = False
    # Which links the posts show as text (forum/defang.py): changes with the domain lists.
    link_rules: str = ""

    def cache_values(self) -> tuple:
        """What the page shows of these facts (the view count aside: the view puts it in)."""
        thread = self.thread
        return (
            rawrows.loaded_values(thread, skip=("view_count",)),
            rawrows.loaded_values(thread.category),
            rawrows.loaded_values(thread.author),
            rawrows.loaded_values(thread.chain) if thread.chain_id else None,
            self.page,
            self.page_count,
            self.rows,
            sorted((user_id, sorted(names)) for user_id, names in self.author_roles.items()),
            self.voted_post_ids,
            self.is_following,
            self.can_reply,
            self.can_accept,
            self.can_moderate,
            self.link_rules,
        )


def thread_page_facts(
    *, thread: Thread, user, page: int, read: tuple[int, list[tuple]] | None = None
) -> ThreadPageFacts:
    """The reads of a thread page: the posts of one page with their authors and roles, and
    the viewer's votes and follow. A fixed number of queries, whatever the thread's size.
    `read` is (first, rows): the rows of _page_rows from `first` on, read already with the
    thread (member_thread_page); used when `first` is still the page's first post."""
    page_count = max(1, -(-thread.post_count // POSTS_PER_PAGE))
    page = min(max(page, 1), page_count)
    first = (page - 1) * POSTS_PER_PAGE + 1
    last = page * POSTS_PER_PAGE
    if read is not None and read[0] == first:
        rows = read[1]
    else:
        rows = _page_rows(
            thread=thread,
            first=first,
            last=last,
            include_hidden=access.can_see_hidden(user),
            viewer_id=user.pk if user.is_authenticated else None,
        )
    facts = ThreadPageFacts(
        thread=thread,
        page=page,
        page_count=page_count,
        first=first,
        last=last,
        rows=rows,
        # Read with the posts, never cached: a badge follows its author's roles at once.
        author_roles={row[_AUTHOR_ID]: roles.names_from_column(row[_ROLES]) for row in rows},
        link_rules=domain_rules().fingerprint,
    )
    if user.is_authenticated:
        facts.voted_post_ids = {row[0] for row in rows if row[_VOTED]}
        facts.is_following = any(row[_FOLLOWING] for row in rows)
        facts.can_moderate = access.is_moderator(user)
        facts.can_reply = not thread.is_closed and not thread.is_hidden
        facts.can_accept = access.can_accept(user, thread) and not thread.is_closed
    return facts


def thread_page(
    *, thread: Thread, user, page: int, facts: ThreadPageFacts | None = None
) -> ThreadView:
    """The question, the accepted answer pinned under it, and one page of posts by number."""
    if facts is None:
        facts = thread_page_facts(thread=thread, user=user, page=page)
    first, last = facts.first, facts.last
    rows = _build_posts(facts.rows)
    for post in rows:
        post.author.__dict__["group_names"] = facts.author_roles.get(post.author_id, frozenset())
    question = next((post for post in rows if post.number == 1), None)
    if question is not None:
        thread.author = question.author  # the same person, with their roles
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
        page=facts.page,
        page_count=facts.page_count,
        voted_post_ids=facts.voted_post_ids,
        is_following=facts.is_following,
        can_reply=facts.can_reply,
        can_accept=facts.can_accept,
        can_moderate=facts.can_moderate,
    )
    fragments.attach_post_html(view, user=user)
    return view


_AUTHOR_ID = len(_POST)  # the author's id: the first column of _POST_AUTHOR
# After the post's and the author's columns: the author's role groups (comma-separated),
# whether the viewer found the post helpful, whether the viewer follows the thread.
_ROLES = len(_POST) + len(_POST_AUTHOR)
_VOTED = _ROLES + 1
_FOLLOWING = _ROLES + 2


def _page_rows(
    *, thread: Thread, first: int, last: int, include_hidden: bool, viewer_id: int | None = None
) -> list[tuple]:
    """Posts numbered first..last, the question and the accepted answer, by number, in one
    query: raw rows of _POST, then _POST_AUTHOR, then _ROLES, _VOTED and _FOLLOWING."""
    sql = _page_rows_sql(connection.vendor, include_hidden=include_hidden, accepted="%s")
    params = _page_rows_params(
        first=first,
        last=last,
        include_hidden=include_hidden,
        viewer_id=viewer_id,
        accepted_params=[thread.accepted_post_id or 0],
        thread_id=thread.pk,
    )
    return rawrows.fetch(f"{sql} ORDER BY p.{connection.ops.quote_name('number')}", params)


@lru_cache(maxsize=16)
def _page_rows_sql(
    vendor: str, *, include_hidden: bool, accepted: str, more_columns: str = ""
) -> str:
    """_page_rows' SELECT, unordered (its parameters: _page_rows_params); `accepted` is the
    SQL of the accepted answer's id, `more_columns` (without parameters) go at the end of
    its columns. The same text for every thread: made once per shape (`vendor` keys it)."""
    quote = connection.ops.quote_name
    number, thread_id, user_id = quote("number"), quote("thread_id"), quote("user_id")
    votes, follows = quote(Vote._meta.db_table), quote(Follow._meta.db_table)
    # The ids of the page's posts, the question's and the accepted answer's, each found by
    # an index of its own, then their rows by id: the work is the page's, whatever the
    # thread's size. (One condition `number BETWEEN … OR number = 1 OR id = …` was planned,
    # in a prepared statement, as a read of every post of the thread; and without the
    # LIMIT, which bounds what the ids can be anyway, PostgreSQL may guess them to be many
    # and read the whole table to join them: tests/forum/test_page_read_is_bounded.py.)
    posts = quote(Post._meta.db_table)
    wanted = (
        f"(SELECT id FROM {posts} WHERE {thread_id} = %s AND {number} BETWEEN %s AND %s "
        f"UNION SELECT id FROM {posts} WHERE {thread_id} = %s AND {number} = 1 "
        f"UNION SELECT id FROM {posts} WHERE id = {accepted} AND {thread_id} = %s "
        f"LIMIT {POSTS_PER_PAGE + 2}) w"
    )
    hidden = "" if include_hidden else f" WHERE p.{quote('is_hidden')} = %s"
    return (
        f"SELECT {_POST.sql}, {_POST_AUTHOR.sql}, "
        f"{roles.names_column('u.id')}, "
        f"EXISTS (SELECT 1 FROM {votes} v WHERE v.{quote('post_id')} = p.id AND v.{user_id} = %s), "
        f"EXISTS (SELECT 1 FROM {follows} f WHERE f.{thread_id} = p.{thread_id} "
        f"AND f.{user_id} = %s)"
        f"{', ' + more_columns if more_columns else ''} "
        f"FROM {wanted} JOIN {_POST.table} ON p.id = w.id "
        f"JOIN {_POST_AUTHOR.table} ON u.id = p.{quote('author_id')}{hidden}"
    )


def _page_rows_params(
    *,
    first: int,
    last: int,
    include_hidden: bool,
    viewer_id: int | None,
    accepted_params: list,
    thread_id: int,
) -> list:
    if last - first >= POSTS_PER_PAGE:  # the statement reads at most a page (its LIMIT)
        raise ValueError(f"posts {first}..{last} are more than a page")
    return [
        *roles.ALL_GROUPS,
        viewer_id or 0,
        viewer_id or 0,
        thread_id,
        first,
        last,
        thread_id,
        *accepted_params,
        thread_id,
        *([] if include_hidden else [False]),
    ]


_PAGE_ROW_WIDTH = len(_POST) + len(_POST_AUTHOR) + 3


def _nulls(count: int) -> str:
    return ", ".join(["NULL"] * count)


def member_thread_page(
    *, thread_id: int, user, page: int, reads: Sequence[extensions.PageRead] = ()
) -> tuple[Thread, ThreadPageFacts, list[tuple[extensions.PageRead, list[tuple], object]]]:
    """A signed-in member's thread page, read in one statement: the thread as
    access.load_thread reads it, and the posts of the page asked for as _page_rows reads
    them (the accepted answer's id taken from the thread in the same statement), and the
    rows of other apps' `reads` (forum/extensions.py): (thread, facts, [(read, its rows,
    its context)] for each read that gave a statement). 404 as
    access.get_thread_for_user. On a page past the last one, the last page's posts are
    read again (thread_page_facts)."""
    if not (isinstance(thread_id, int) and 0 < thread_id < 2**63):
        raise Http404
    # Any page number may be asked for (?page=10**30); past the last page it is read again.
    page = min(max(page, 1), 2**31 // POSTS_PER_PAGE)
    first = (page - 1) * POSTS_PER_PAGE + 1
    include_hidden = access.can_see_hidden(user)
    statements = [(read, read.statement(thread_id)) for read in reads]
    statements = [(read, found) for read, found in statements if found is not None]
    sql = _member_page_sql(
        connection.vendor,
        include_hidden=include_hidden,
        reads=tuple((found[0], read.types) for read, found in statements),
    )
    params = _page_rows_params(
        first=first,
        last=page * POSTS_PER_PAGE,
        include_hidden=include_hidden,
        viewer_id=user.pk,
        accepted_params=[thread_id],
        thread_id=thread_id,
    )
    params.append(thread_id)
    for _read, (_sql, read_params, _context) in statements:
        params += read_params
    rows = rawrows.fetch(sql, params)
    end = 1 + _PAGE_ROW_WIDTH + access.THREAD_WIDTH
    threads = access.threads_from_rows(
        [row[1 + _PAGE_ROW_WIDTH : end] for row in rows if row[0] == 0]
    )
    thread = access.visible_to(user, threads.get(thread_id))
    posts = [row[1 : 1 + _PAGE_ROW_WIDTH] for row in rows if row[0] == 1]
    received = []
    start = end
    for index, (read, (_sql, _params, context)) in enumerate(statements):
        width = len(read.types)
        mine = [row[start : start + width] for row in rows if row[0] == 2 + index]
        received.append((read, mine, context))
        start += width
    facts = thread_page_facts(thread=thread, user=user, page=page, read=(first, posts))
    return thread, facts, received


@lru_cache(maxsize=64)
def _member_page_sql(
    vendor: str, *, include_hidden: bool, reads: tuple[tuple[str, tuple[str, ...]], ...]
) -> str:
    """member_thread_page's statement: the same text for every thread, so made once for
    each shape (`reads`: each other app's SQL and its columns' types)."""
    quote = connection.ops.quote_name
    # Other apps' reads: the rows of each in columns of its own after the thread's (kinds
    # 2, 3, …), typed NULLs in their place in every other row.
    typed = [", ".join(f"CAST(NULL AS {kind})" for kind in types) for _sql, types in reads]
    extra = "".join(f", {nulls}" for nulls in typed)
    posts_sql = _page_rows_sql(
        vendor,
        include_hidden=include_hidden,
        accepted=f"(SELECT {quote('accepted_post_id')} FROM {quote(Thread._meta.db_table)} "
        "WHERE id = %s)",
        more_columns=_nulls(access.THREAD_WIDTH) + extra,
    )
    # Each row is a post row or the thread row, the other's columns empty (the first
    # column is the kind: 1 a post, 0 the thread), post rows by number. The posts come
    # first: SQLite gives a compound SELECT's columns the types declared in its first
    # SELECT, so the post rows come back exactly as _page_rows reads them (the thread's
    # columns are converted by rawrows, which reads them either way).
    number_column = 2 + _POST.attnames.index("number")
    sql = (
        f"SELECT 1, {posts_sql.removeprefix('SELECT ')} "
        f"UNION ALL SELECT 0, {_nulls(_PAGE_ROW_WIDTH)}, {access.thread_columns()}{extra} "
        f"FROM {access.thread_tables()} WHERE t.id = %s"
    )
    for index, (read_sql, _types) in enumerate(reads):
        before = "".join(f", {nulls}" for nulls in typed[:index])
        after = "".join(f", {nulls}" for nulls in typed[index + 1 :])
        sql += (
            f" UNION ALL SELECT {2 + index}, {_nulls(_PAGE_ROW_WIDTH + access.THREAD_WIDTH)}"
            f"{before}, r.*{after} FROM ({read_sql}) r"
        )
    return f"{sql} ORDER BY 1, {number_column}"


def _page_posts(*, thread: Thread, first: int, last: int, include_hidden: bool) -> list[Post]:
    """The posts of `_page_rows`, with their authors."""
    return _build_posts(
        _page_rows(thread=thread, first=first, last=last, include_hidden=include_hidden)
    )


def _build_posts(rows: list[tuple]) -> list[Post]:
    posts = []
    for post, author in rawrows.cut(rows, _POST, _POST_AUTHOR):
        post.author = author
        posts.append(post)
    return posts


def states_of_threads(thread_ids) -> dict[int, QuestionState]:
    """{thread id: its state} for those of these threads that exist, in one query (the
    forum's answer to notifications.subjects)."""
    threads = Thread.objects.filter(pk__in=list(thread_ids)).only(*QUESTION_STATE_FIELDS)
    return {thread.pk: thread.question_state for thread in threads}


def answers_of_threads(thread_ids) -> dict[int, Post]:
    """{thread id: its answer} for those of these threads that have one readers see: the
    accepted answer, or else the support team's latest answer. One query; the posts carry
    `body`, `body_html` and `posted_as` (the help app shows their first lines)."""
    ids = list(dict.fromkeys(thread_ids))
    if not ids:
        return {}
    # The accepted answers by id and the support team's by (thread, posted_as), each by an
    # index of its own, then the rows by id: the threads' other posts are never read (one
    # condition with OR read every post of these threads, a megathread's thousands too).
    shown = Post.objects.filter(number__gt=1, is_hidden=False, deleted_at=None).values("pk")
    accepted = Thread.objects.filter(pk__in=ids).values("accepted_post_id")
    wanted = shown.filter(pk__in=accepted).union(shown.filter(thread_id__in=ids, posted_as="agent"))
    posts = (
        Post.objects.filter(pk__in=wanted)
        .only("pk", "thread_id", "number", "body", "body_html", "posted_as", "created_at")
        .annotate(is_accepted=Q(thread__accepted_post=F("pk")))
        .order_by("thread_id", "-is_accepted", "-number")
    )
    found: dict[int, Post] = {}
    for post in posts:
        found.setdefault(post.thread_id, post)
    return found


def has_asked_since(*, author_id: int, since) -> bool:
    """Whether the member asked a question at or after `since` (the help app's deflection
    count: asking is what cancels a pending one)."""
    return Thread.objects.filter(author_id=author_id, created_at__gte=since).exists()
