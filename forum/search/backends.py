"""Search backends: where the words are looked up.

A backend gets the query as normalised terms (forum/search/text.py) and returns the best
matching posts the viewer may see, as `Candidate` rows; ranking, grouping per thread and
snippets happen above it (forum/search/engine.py), the same for every backend. It also
keeps its index: `save` and `remove` are called by forum/search/index.py in the
transaction that changes the posts.

The two database backends share the SearchEntry table and differ only in the match:
FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL (forum/migrations/0011, and
0013 for the buckets PostgreSQL walks).
An external engine would implement the same four methods and be named in the
SEARCH_BACKEND setting.
"""

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

from config.bulk import BulkInsert
from forum.models import Post, SearchEntry, Thread
from forum.search.text import MIN_PREFIX_CHARS


@dataclass(frozen=True, slots=True)
class Term:
    """One normalised word of a query; a prefix term also finds longer words."""

    text: str
    is_prefix: bool = False


@dataclass(frozen=True, slots=True)
class Filters:
    category_id: int | None = None
    is_solved: bool | None = None  # None: both
    is_staff_answered: bool = False  # a support-team answer, or the team resolved it
    asked_since: datetime | None = None
    asked_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A matching post, with what ranking needs about it and its thread."""

    post_id: int
    thread_id: int
    title_words: str
    body_words: str
    is_question: bool
    is_staff_answer: bool
    is_accepted: bool
    is_solved: bool


class CandidateList(list):
    """Candidates, best first, and whether some tier stopped at its limit (so there may
    be more matches than these)."""

    is_capped: bool = False


class SearchBackend:
    def candidates(
        self,
        *,
        units: Sequence[Sequence[Term]],
        include_hidden: bool,
        filters: Filters,
        limit: int,
    ) -> CandidateList:
        """Up to about `limit` posts matching the query, best first. `units` are the
        query's words, each with the alternatives that count as finding it (a Chinese
        word and its sub-words): a post matches a unit when it has any of them."""
        raise NotImplementedError

    def save(self, entries: Sequence[SearchEntry]) -> None:
        """Add or replace these posts' entries."""
        raise NotImplementedError

    def remove(self, post_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def load(self, entries: Sequence[dict]) -> None:
        """Write a batch of a rebuild (entry fields), after `clear`: a post that has an
        entry already keeps it (a service wrote it since the rebuild read the post, so it
        is at least as new)."""
        raise NotImplementedError

    def loaded(self) -> None:
        """A rebuild has written every batch: tidy up what bulk loading left behind."""


@functools.cache
def _backend(path: str) -> SearchBackend:
    return import_string(path)()


_BY_VENDOR = {
    "sqlite": "forum.search.backends.SqliteBackend",
    "postgresql": "forum.search.backends.PostgresBackend",
}


def get_backend() -> SearchBackend:
    """The backend the SEARCH_BACKEND setting names, or else the database's own."""
    return _backend(settings.SEARCH_BACKEND or _BY_VENDOR[connection.vendor])


# No query ranks every post it matches: a common word is in a good part of a million
# posts, and the database's own ranking (FTS5's bm25, which first counts every match of
# every term, or ts_rank, which reads every matching row) cost 20-200 ms there. Instead
# the backend takes the newest matches, in the order the index walks cheaply (FTS5's
# rowid order, PostgreSQL's primary key backwards), in two tiers: posts with every word
# of the query, then posts with any; the engine ranks these few hundred. A forum with
# fewer matches than the limit gets all of them.


class DatabaseBackend(SearchBackend):
    """The SearchEntry table, matched by the database's own full-text search."""

    def save(self, entries: Sequence[SearchEntry]) -> None:
        if entries:
            SearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["post"],
                update_fields=["thread", "title", "body"],
            )

    def remove(self, post_ids: Iterable[int]) -> None:
        SearchEntry.objects.filter(post_id__in=list(post_ids)).delete()

    def clear(self) -> None:
        SearchEntry.objects.all().delete()

    def load(self, entries: Sequence[dict]) -> None:
        _LOADER.insert_new(
            [tuple(fields[name] for name in _LOADER.columns) for fields in entries],
            returning=None,
        )

    def candidates(
        self,
        *,
        units: Sequence[Sequence[Term]],
        include_hidden: bool,
        filters: Filters,
        limit: int,
    ) -> CandidateList:
        found = CandidateList()
        if not units:
            return found
        tiers = [(self._expression([term for unit in units for term in unit]), limit, False)]
        if len(units) > 1:
            # A word still being typed ("aft" of "after") is left out of "every word":
            # as a prefix it stands for every word it begins, common ones among them,
            # which is what made that tier slow, and the complete words say enough.
            # The tier of any word and the ranking still count it.
            complete = [unit for unit in units if not _is_unfinished(unit)] or units
            tiers = [
                (self._all_of(complete), limit // 2, True),
                (tiers[0][0], limit - limit // 2, False),
            ]
        where, where_params = _visible_and_filtered(include_hidden=include_hidden, filters=filters)
        if filters.is_staff_answered:
            parts, params = [], []
            few = self._few_answered_threads()
            for number, (expression, tier_limit, every_word) in enumerate(tiers):
                sql, tier_params = self._tier_by_threads(
                    expression,
                    where,
                    where_params,
                    limit=tier_limit,
                    tier=number,
                    every_word=every_word,
                    few=few,
                )
                parts.append(sql)
                params += tier_params
            sql = " UNION ALL ".join(parts)
        else:
            sql, params = self._statement(tiers, where, where_params)
        rows = self._fetch(sql, params)
        rows.sort(key=lambda row: row[0])  # the tiers in order (each is newest first)
        per_tier = Counter(row[0] for row in rows)
        found.is_capped = any(
            per_tier[number] >= tier_limit for number, (_e, tier_limit, _every) in enumerate(tiers)
        )
        seen = set()
        for (
            _tier,
            post_id,
            thread_id,
            title,
            body,
            number,
            posted_as,
            accepted_id,
            solved_at,
        ) in rows:
            if post_id in seen:
                continue
            seen.add(post_id)
            found.append(
                Candidate(
                    post_id=post_id,
                    thread_id=thread_id,
                    title_words=title,
                    body_words=body,
                    is_question=number == 1,
                    is_staff_answer=posted_as == "agent" and number != 1,
                    is_accepted=accepted_id == post_id,
                    is_solved=solved_at is not None,
                )
            )
        return found

    def _statement(self, tiers, where: str, where_params: list) -> tuple[str, list]:
        """One statement for every tier (expression, limit, every_word), in order: the
        tiers' SELECTs (_tier) one after the other."""
        parts, params = [], []
        for number, (expression, limit, every_word) in enumerate(tiers):
            sql, tier_params = self._tier(
                expression, where, where_params, limit=limit, tier=number, every_word=every_word
            )
            parts.append(sql)
            params += tier_params
        return " UNION ALL ".join(parts), params

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @staticmethod
    def _columns() -> str:
        quote = connection.ops.quote_name
        return (
            f"e.thread_id, e.title, e.body, p.{quote('number')}, p.{quote('posted_as')}, "
            f"t.{quote('accepted_post_id')}, t.{quote('solved_at')}"
        )

    def _expression(self, terms: Sequence[Term]) -> str:
        """A match of any of these terms, in the backend's query language."""
        raise NotImplementedError

    def _all_of(self, units: Sequence[Sequence[Term]]) -> str:
        """A match of every unit (any term of each)."""
        raise NotImplementedError

    def _tier(
        self,
        expression: str,
        where: str,
        where_params: list,
        *,
        limit: int,
        tier: int,
        every_word: bool,
    ) -> tuple[str, list]:
        """One tier's SELECT (tier, post_id, then _columns()): the newest `limit` posts
        that match and pass `where`; and its parameters. `every_word`: the expression
        asks for every word of a query of several."""
        raise NotImplementedError

    def _few_answered_threads(self) -> bool:
        """Whether few enough threads have a support-team answer to walk them rather than
        the matches (asked once a search)."""
        return True

    def _tier_by_threads(
        self,
        expression: str,
        where: str,
        where_params: list,
        *,
        limit: int,
        tier: int,
        every_word: bool,
        few: bool,
    ) -> tuple[str, list]:
        """A tier of a search kept to the threads the support team answered: those
        threads newest first (the partial index thread_support_answered), their posts that
        match, `limit` at most; or, where the backend says there are not `few`, the
        matches newest first, kept when their thread is one of them."""
        raise NotImplementedError


_LOADER = BulkInsert(SearchEntry, ("post_id", "thread_id", "title", "body"))

# "Answered by the support team": the condition of the partial index thread_support_answered
# (forum/models.py), written the same so that both databases use it. Few threads pass it,
# so a search with this filter walks those threads newest first (`by_threads`) rather
# than every match of its words, which took a second when none of them passed.
_SUPPORT_ANSWERED = "(t.staff_answer_count > 0 OR t.support_resolved_at IS NOT NULL)"


def _is_unfinished(unit: Sequence[Term]) -> bool:
    """A word being typed: a prefix shorter than a hash's (forum.search.engine.parse)."""
    return all(term.is_prefix and len(term.text) < MIN_PREFIX_CHARS for term in unit)


def _visible_and_filtered(*, include_hidden: bool, filters: Filters) -> tuple[str, list]:
    quote = connection.ops.quote_name
    conditions = [f"p.{quote('deleted_at')} IS NULL"]
    params: list = []
    if not include_hidden:
        conditions += [f"p.{quote('is_hidden')} = %s", f"t.{quote('is_hidden')} = %s"]
        params += [False, False]
    if filters.category_id is not None:
        conditions.append(f"t.{quote('category_id')} = %s")
        params.append(filters.category_id)
    if filters.is_solved is not None:
        conditions.append(
            f"t.{quote('solved_at')} IS {'NOT NULL' if filters.is_solved else 'NULL'}"
        )
    if filters.is_staff_answered:
        conditions.append(_SUPPORT_ANSWERED)
    if filters.asked_since is not None:
        conditions.append(f"t.{quote('created_at')} >= %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.asked_since))
    if filters.asked_before is not None:
        conditions.append(f"t.{quote('created_at')} < %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.asked_before))
    return " AND ".join(conditions), params


class SqliteBackend(DatabaseBackend):
    """FTS5 (forum_searchentry_fts), an external-content table over the entries kept by
    triggers (forum/migrations/0011)."""

    def clear(self) -> None:
        # Deleting row by row through the trigger costs 8 s a million rows; emptying the
        # FTS table with its 'delete-all' command and then the entries takes a second.
        # In one transaction (SQLite's DDL is transactional): nobody sees it half done.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS forum_searchentry_ad")
            cursor.execute(
                "INSERT INTO forum_searchentry_fts(forum_searchentry_fts) VALUES ('delete-all')"
            )
            cursor.execute("DELETE FROM forum_searchentry")
            cursor.execute(SQLITE_DELETE_TRIGGER)

    def _expression(self, terms):
        # Each term quoted as an FTS5 string ("" inside it doubled), so nothing in it is
        # syntax; terms are words of letters and digits in any case.
        return " OR ".join(
            '"{}"{}'.format(term.text.replace('"', '""'), "*" if term.is_prefix else "")
            for term in terms
        )

    def _all_of(self, units):
        return " AND ".join(f"({self._expression(unit)})" for unit in units)

    def _tier(self, expression, where, where_params, *, limit, tier, every_word):
        # CROSS JOIN keeps the FTS table the outer loop, walked newest first (FTS5 gives
        # rowid order for free), so the LIMIT stops the walk early.
        sql = (
            f"SELECT * FROM (SELECT {tier} AS tier, f.rowid AS post_id, {self._columns()} "
            "FROM forum_searchentry_fts f "
            "CROSS JOIN forum_searchentry e ON e.post_id = f.rowid "
            f"CROSS JOIN {Post._meta.db_table} p ON p.id = f.rowid "
            f"CROSS JOIN {Thread._meta.db_table} t ON t.id = e.thread_id "
            f"WHERE forum_searchentry_fts MATCH %s AND {where} "
            "ORDER BY f.rowid DESC LIMIT %s)"
        )
        return sql, [expression, *where_params, limit]

    def _few_answered_threads(self):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({_ANSWERED_THREADS} LIMIT %s)", [FEW_THREADS + 1]
            )
            return cursor.fetchone()[0] <= FEW_THREADS

    def _tier_by_threads(self, expression, where, where_params, *, limit, tier, every_word, few):
        if few:
            # A few threads: their entries, each one's FTS row by rowid, where FTS5
            # checks the match for that row alone (some 40 µs a row: 2 s for 10,000
            # threads, which is why many are not walked this way). CROSS JOIN keeps the order.
            sql = (
                f"SELECT * FROM (SELECT {tier} AS tier, e.post_id, {self._columns()} "
                f"FROM {Thread._meta.db_table} t INDEXED BY thread_support_answered "
                "CROSS JOIN forum_searchentry e ON e.thread_id = t.id "
                "CROSS JOIN forum_searchentry_fts f ON f.rowid = e.post_id "
                f"CROSS JOIN {Post._meta.db_table} p ON p.id = e.post_id "
                f"WHERE forum_searchentry_fts MATCH %s AND {where} "
                "ORDER BY t.id DESC LIMIT %s)"
            )
            return sql, [expression, *where_params, limit]
        # Many: the matches newest first, as any search walks them, each kept when its
        # thread is among the answered ones (a list SQLite builds once, then looks up).
        answered = f"e.thread_id IN ({_ANSWERED_THREADS}) AND {where}"
        return self._tier(
            expression, answered, where_params, limit=limit, tier=tier, every_word=every_word
        )


# SQLite: a search kept to the threads the support team answered walks those threads when
# there are at most this many, else the matches.
FEW_THREADS = 100
_ANSWERED_THREADS = (
    f"SELECT t.id FROM {Thread._meta.db_table} t INDEXED BY thread_support_answered "
    f"WHERE {_SUPPORT_ANSWERED}"
)


class PostgresBackend(DatabaseBackend):
    """The generated tsvector `document`, matched through its GIN index."""

    def clear(self) -> None:
        # TRUNCATE, not DELETE: no dead rows left for a million-row table's vacuum. It
        # takes the table's lock until the end of this short transaction.
        # A caller's transaction with deferred foreign key checks pending (the tests')
        # would make TRUNCATE refuse: those checks run first.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE forum_searchentry")

    def _fetch(self, sql, params):
        # Without parallel workers: the planner chose them for walks it expected to be
        # long, and starting them cost 10-15 ms of a statement that ends in 20-30. And
        # planned for its words each time: a connection prepares a statement it repeats
        # (config/postgresql), and after five runs the server may keep one plan for any
        # words, whose matches differ by orders of magnitude. Both hold for this
        # transaction only (set_config's `true`, as SET LOCAL).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('max_parallel_workers_per_gather', '0', true), "
                "set_config('plan_cache_mode', 'force_custom_plan', true)"
            )
            cursor.execute(sql, params)
            return cursor.fetchall()

    def loaded(self) -> None:
        # Bulk inserts leave the GIN index's pending list full (every query scans it
        # linearly) and the planner's statistics those of an empty table, with which it
        # drove a query from the posts table instead of the index: 3 s instead of 50 ms.
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('forum_searchentry_document')")
            cursor.execute("ANALYZE forum_searchentry")

    def _expression(self, terms):
        # Cast to tsquery, not to_tsquery(): the lexemes are taken as they are, quoted
        # (quotes and backslashes doubled), so nothing in them is syntax.
        return " | ".join(
            "'{}'{}".format(
                term.text.replace("\\", "\\\\").replace("'", "''"),
                ":*" if term.is_prefix else "",
            )
            for term in terms
        )

    def _all_of(self, units):
        return " & ".join(f"({self._expression(unit)})" for unit in units)

    def _statement(self, tiers, where, where_params):
        # Left to itself, the planner chooses between the primary key backwards (checking
        # each row's document, stopping after the limit) and the GIN index then a sort,
        # by its estimate of the matches, and the estimate fails both ways: for words
        # found together (余额 & 显示) it multiplies their shares, far too low, took the
        # index for ten thousand matches and sorted them all (300-500 ms); for a word
        # the statistics do not list (kangaroo) it guesses a thousand matches and walked
        # the whole key for none (330 ms at a million posts). So no tier leaves it the
        # choice. Each tier's `few<k>` asks the GIN index for at most FEW_MATCHES + 1
        # matches in any order (one index scan; reading rows stops at the limit). When
        # that is all there is, those are the candidates, newest first. When there are
        # more, the words are common, and the tier asks the index one bucket of 16,384
        # posts at a time, newest first, for the matches that also hold the bucket's
        # lexeme (`~b<n>`, migration 0013), sorts that bucket's matches by id and looks
        # their posts and threads up one by one until the LIMIT has enough: each ask
        # costs the bucket's matches (asking bucket by bucket for rare words cost up to
        # 2 ms a bucket, which is why few matches are taken at once). A tier's words
        # match at least what an earlier tier's do (any word after every word), so a
        # tier whose predecessor had many has many too, and its own `few` is never read
        # (a CTE and the one-time tests built on it run only when first needed, and
        # `OR` stops at the first true test). `e.post_id + 0` keeps the key's order from
        # tempting the planner into a walk; the laterals with OFFSET 0 make it look
        # posts and threads up by key (its estimate of a bucket's matches is a guess,
        # with which it hashed every thread).
        quote = connection.ops.quote_name
        post_columns = ", ".join(quote(name) for name in _POST_COLUMNS)
        thread_columns = ", ".join(quote(name) for name in _THREAD_COLUMNS)
        looked_up = (
            f"CROSS JOIN LATERAL (SELECT {post_columns} FROM {Post._meta.db_table} "
            "WHERE id = e.post_id OFFSET 0) p "
            f"CROSS JOIN LATERAL (SELECT {thread_columns} FROM {Thread._meta.db_table} "
            "WHERE id = e.thread_id OFFSET 0) t "
        )
        newest_bucket = (
            f"(SELECT COALESCE(MAX(post_id), 0) FROM forum_searchentry) >> {BUCKET_SHIFT}"
        )
        ctes, parts, cte_params, params = [], [], [], []
        for tier, (expression, limit, _every_word) in enumerate(tiers):
            ctes.append(
                f"few{tier} AS MATERIALIZED (SELECT post_id FROM forum_searchentry "
                "WHERE document @@ CAST(%s AS tsquery) LIMIT %s)"
            )
            cte_params += [expression, FEW_MATCHES + 1]
            many = " OR ".join(f"(SELECT COUNT(*) FROM few{k}) > %s" for k in range(tier + 1))
            parts.append(
                f"(SELECT {tier} AS tier, x.* FROM ("
                # Few matches: all of them, newest first.
                f"(SELECT e.post_id, {self._columns()} "
                f"FROM (SELECT post_id FROM few{tier} ORDER BY post_id DESC) f "
                "CROSS JOIN LATERAL (SELECT * FROM forum_searchentry "
                "WHERE post_id = f.post_id OFFSET 0) e "
                f"{looked_up}WHERE {where} AND NOT ({many}) LIMIT %s) "
                "UNION ALL "
                # Many: bucket by bucket, newest first.
                f"(SELECT e.post_id, {self._columns()} "
                f"FROM generate_series({newest_bucket}, 0, -1) AS b(n) CROSS JOIN LATERAL ("
                "SELECT post_id, thread_id, title, body FROM forum_searchentry "
                "WHERE document @@ (CAST(%s AS tsquery) && "
                "CAST(quote_literal('~b' || b.n) AS tsquery)) ORDER BY post_id + 0 DESC) e "
                f"{looked_up}WHERE {where} AND ({many}) LIMIT %s)"
                ") x LIMIT %s)"
            )
            counts = [FEW_MATCHES] * (tier + 1)
            params += [*where_params, *counts, limit]
            params += [expression, *where_params, *counts, limit, limit]
        sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"
        return sql, [*cte_params, *params]

    def _tier_by_threads(self, expression, where, where_params, *, limit, tier, every_word, few):
        sql = (
            f"(SELECT {tier} AS tier, e.post_id, {self._columns()} "
            f"FROM {Thread._meta.db_table} t "
            "JOIN forum_searchentry e ON e.thread_id = t.id "
            f"JOIN {Post._meta.db_table} p ON p.id = e.post_id "
            f"WHERE e.document @@ CAST(%s AS tsquery) AND {where} "
            "ORDER BY t.id DESC LIMIT %s)"
        )
        return sql, [expression, *where_params, limit]


# PostgreSQL: the every-word tier asks for one bucket of 2**BUCKET_SHIFT posts at a time;
# each entry's document holds its bucket's lexeme, `~b` + (post_id >> 14): migration 0013
# writes the 14 into the column's definition, and tests/forum/test_search.py checks both.
BUCKET_SHIFT = 14
# Up to this many posts with every word are all taken, newest first; more are asked for
# bucket by bucket.
FEW_MATCHES = 1_000
# The columns of the post and the thread that _columns() and _visible_and_filtered read.
_POST_COLUMNS = ("id", "number", "posted_as", "deleted_at", "is_hidden")
_THREAD_COLUMNS = (
    "id",
    "accepted_post_id",
    "solved_at",
    "is_hidden",
    "category_id",
    "staff_answer_count",
    "support_resolved_at",
    "created_at",
)


SQLITE_DELETE_TRIGGER = (
    "CREATE TRIGGER forum_searchentry_ad AFTER DELETE ON forum_searchentry BEGIN "
    "INSERT INTO forum_searchentry_fts(forum_searchentry_fts, rowid, title, body) "
    "VALUES ('delete', old.post_id, old.title, old.body); END"
)
