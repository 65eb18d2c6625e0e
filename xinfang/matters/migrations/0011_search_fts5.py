"""SQLite: an FTS5 table of the matters' search-text bigrams serves the ``q`` search (issue 14).

See ``xinfang.matters.services.search``. PostgreSQL keeps its trigram index (migration 0003).
The rows are written by the services; a deleted matter's row goes with it (trigger); existing
matters are indexed here.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS matters_matter_fts USING fts5(tokens, tokenize='unicode61 remove_diacritics 0')"
    )
    schema_editor.execute(
        "CREATE TRIGGER IF NOT EXISTS matters_matter_fts_delete AFTER DELETE ON matters_matter BEGIN "
        "DELETE FROM matters_matter_fts WHERE rowid = OLD.id; END"
    )
    from xinfang.matters.services.search import search_tokens

    Matter = apps.get_model("matters", "Matter")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            rows = list(Matter.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "search_text")[:5000])
            if not rows:
                break
            cursor.executemany("INSERT OR REPLACE INTO matters_matter_fts (rowid, tokens) VALUES (%s, %s)",
                               [(pk, search_tokens(text)) for pk, text in rows])
            last = rows[-1][0]


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS matters_matter_fts_delete")
    schema_editor.execute("DROP TABLE IF EXISTS matters_matter_fts")


class Migration(migrations.Migration):
    dependencies = [("matters", "0010_unit_visibility_key")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
