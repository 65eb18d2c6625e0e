"""On PostgreSQL, a trigram GIN index makes the segmented ``LIKE '%word%'`` search fast.

SQLite has no such index type; it scans (fine at county scale, measured in docs/benchmarks.md).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS matters_matter_search_trgm ON matters_matter USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS matters_matter_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("matters", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
