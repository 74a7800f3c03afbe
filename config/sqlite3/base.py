"""Django's SQLite backend, with each statement's placeholders converted once.

Django's SQLite cursor turns a statement's `%s` placeholders into SQLite's `?` with a
regular expression on every execute. A signed-in member's thread page runs a statement of
several kilobytes on every view (forum.selectors.member_thread_page), and rewriting it
cost as much as a tenth of running it. The site's statements are a fixed set of texts
built by code, so the conversion of each text is kept (a bounded LRU, like the
compiled templates: a pure function of the text, the same in every process). Statements
with named parameters are converted as Django converts them.
"""

from functools import lru_cache

from django.db.backends.sqlite3 import base

STATEMENTS_KEPT = 1024


@lru_cache(maxsize=STATEMENTS_KEPT)
def qmark(query: str) -> str:
    """`query` with "format" placeholders (%s, %%) in SQLite's "qmark" style, as Django
    converts it (SQLiteCursorWrapper.convert_query)."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class CursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)
