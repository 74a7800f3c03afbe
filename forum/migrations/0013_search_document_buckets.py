"""PostgreSQL: each search entry's tsvector also holds the lexeme `~b<n>`, n being its
post id shifted right by 14 (16,384 posts a bucket), so that a search can ask the GIN
index for the posts of one bucket that have every word, newest bucket first, and stop
as soon as it has enough (forum/search/backends.py, PostgresBackend). No normalised word
starts with "~" (forum/search/text.py keeps letters and digits only), so the lexeme is
never a word someone searched for. SQLite's FTS5 walks its matches newest first by
itself and needs none of this.

The column is generated: replacing its expression rewrites the table and rebuilds the
index (about a minute for a million posts on the bench machine).
"""

from django.db import migrations

BUCKETED = (
    "array_to_tsvector(array_remove(string_to_array(title || ' ' || body, ' '), '') "
    "|| ('~b' || (post_id >> 14)::text))"
)
PLAIN = "array_to_tsvector(array_remove(string_to_array(title || ' ' || body, ' '), ''))"


def _document(expression: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in (
            "DROP INDEX IF EXISTS forum_searchentry_document",
            "ALTER TABLE forum_searchentry DROP COLUMN IF EXISTS document",
            f"ALTER TABLE forum_searchentry ADD COLUMN document tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED",
            "CREATE INDEX forum_searchentry_document ON forum_searchentry USING gin (document)",
            "ANALYZE forum_searchentry",
        ):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0012_thread_staff_answer_count"),
    ]

    operations = [
        migrations.RunPython(_document(BUCKETED), _document(PLAIN)),
    ]
