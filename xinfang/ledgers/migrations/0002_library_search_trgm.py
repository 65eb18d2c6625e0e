"""On PostgreSQL a trigram GIN index serves the library's segmented ``LIKE '%word%'`` search
(like matters/0003); SQLite scans (a county's library is a few thousand items)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS ledgers_library_search_trgm "
                          "ON ledgers_libraryitem USING gin (search_text gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS ledgers_library_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
