"""Search backends: where the words are looked up.

A backend gets the query as normalised terms (forum/search/text.py) and returns the best
matching posts the viewer may see, as `Candidate` rows; ranking, grouping per thread and
snippets happen above it (forum/search/engine.py), the same for every backend. It also
keeps its index: `save` and `remove` are called by forum/search/index.py in the
transaction that changes the posts.

The two database backends share the SearchEntry table and differ only in the match:
FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL (forum/migrations/0010).
An external engine would implement the same four methods and be named in the
SEARCH_BACKEND setting.
"""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from forum.models import Post, SearchEntry, Thread


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
    relevance: float  # the backend's own score, higher is better
    title_words: str
    body_words: str
    is_question: bool
    is_staff_answer: bool
    is_accepted: bool
    is_solved: bool


class SearchBackend:
    def candidates(
        self, *, terms: Sequence[Term], include_hidden: bool, filters: Filters, limit: int
    ) -> list[Candidate]:
        """Up to `limit` posts matching any term, best first."""
        raise NotImplementedError

    def save(self, entries: Sequence[SearchEntry]) -> None:
        """Add or replace these posts' entries."""
        raise NotImplementedError

    def remove(self, post_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError


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

    def candidates(
        self, *, terms: Sequence[Term], include_hidden: bool, filters: Filters, limit: int
    ) -> list[Candidate]:
        if not terms:
            return []
        quote = connection.ops.quote_name
        match_from, relevance, match_where, params = self._match(terms)
        where, where_params = _visible_and_filtered(include_hidden=include_hidden, filters=filters)
        sql = (
            f"SELECT e.post_id, e.thread_id, {relevance} AS relevance, e.title, e.body, "
            f"p.{quote('number')}, p.{quote('posted_as')}, t.{quote('accepted_post_id')}, "
            f"t.{quote('solved_at')} "
            f"FROM {match_from} "
            f"JOIN {quote(Post._meta.db_table)} p ON p.id = e.post_id "
            f"JOIN {quote(Thread._meta.db_table)} t ON t.id = e.thread_id "
            f"WHERE {match_where} AND {where} ORDER BY relevance DESC, e.post_id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *where_params, limit])
            rows = cursor.fetchall()
        return [
            Candidate(
                post_id=post_id,
                thread_id=thread_id,
                relevance=float(score or 0),
                title_words=title,
                body_words=body,
                is_question=number == 1,
                is_staff_answer=posted_as == "agent" and number != 1,
                is_accepted=accepted_id == post_id,
                is_solved=solved_at is not None,
            )
            for post_id, thread_id, score, title, body, number, posted_as, accepted_id, solved_at in rows
        ]

    def _match(self, terms: Sequence[Term]) -> tuple[str, str, str, list]:
        """The FROM clause naming the entries `e`, the relevance expression (higher is
        better), the match condition, and their parameters in that order."""
        raise NotImplementedError


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
        conditions.append(
            f"(t.{quote('support_resolved_at')} IS NOT NULL OR EXISTS ("
            f"SELECT 1 FROM {quote(Post._meta.db_table)} s WHERE s.{quote('thread_id')} = t.id "
            f"AND s.{quote('number')} > 1 AND s.{quote('posted_as')} = %s "
            f"AND s.{quote('deleted_at')} IS NULL AND s.{quote('is_hidden')} = %s))"
        )
        params += ["agent", False]
    if filters.asked_since is not None:
        conditions.append(f"t.{quote('created_at')} >= %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.asked_since))
    if filters.asked_before is not None:
        conditions.append(f"t.{quote('created_at')} < %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.asked_before))
    return " AND ".join(conditions), params


class SqliteBackend(DatabaseBackend):
    """FTS5 (forum_searchentry_fts), ranked by bm25 with titles weighing five times a body."""

    def _match(self, terms):
        # Each term quoted as an FTS5 string ("" inside it doubled), so nothing in it is
        # syntax; terms are words of letters and digits in any case.
        expression = " OR ".join(
            '"{}"{}'.format(term.text.replace('"', '""'), "*" if term.is_prefix else "")
            for term in terms
        )
        return (
            "forum_searchentry_fts f JOIN forum_searchentry e ON e.post_id = f.rowid",
            "-bm25(forum_searchentry_fts, 5.0, 1.0)",
            "forum_searchentry_fts MATCH %s",
            [expression],
        )


class PostgresBackend(DatabaseBackend):
    """The generated tsvector `document`, matched through its GIN index, ranked by ts_rank."""

    def _match(self, terms):
        # Cast to tsquery, not to_tsquery(): the lexemes are taken as they are, quoted
        # (quotes and backslashes doubled), so nothing in them is syntax.
        expression = " | ".join(
            "'{}'{}".format(
                term.text.replace("\\", "\\\\").replace("'", "''"), ":*" if term.is_prefix else ""
            )
            for term in terms
        )
        return (
            "forum_searchentry e",
            "ts_rank(e.document, CAST(%s AS tsquery))",
            "e.document @@ CAST(%s AS tsquery)",
            [expression, expression],
        )
