"""PostgreSQL: words of one and two characters in the ``q`` search are served by a GIN index of the
search text's **bigrams** (issue 14; see ``xinfang.matters.services.search``). Longer words keep the
trigram index (0003), which PostgreSQL estimates better for them.

A trigram index cannot serve a word of one or two characters (``LIKE '%工资%'`` holds no trigram),
and most segmented Chinese words have two: at a million matters 工资 was read by a sequential scan
(0.6–4.7 s). The bigrams are kept in a generated column, ``search_bigrams`` (a ``tsvector`` of every
bigram of ``search_text``, computed by PostgreSQL on every write; the model does not declare it and
never reads it): a two-character word is one lexeme, found exactly; its statistics (most common
lexemes) tell the planner common words from rare ones. An expression index without the column was
tried first: wherever the planner tested it row by row it computed the bigrams again (~0.1 ms a row;
a town's search for 工资 took 1.5 s). SQLite keeps its FTS5 table of the same bigrams (0011).

Adding the column rewrites the table: at a million matters about two minutes, with writes waiting
(run the upgrade with the workers stopped, docs/deployment.md). It widens the rows: the benchmark's
million short matters (88 characters of text each) went from 697 to 1 492 MB; a long text's bigrams
are compressed or moved out of the row by TOAST like the text itself.

A later migration that changes ``search_text``'s type on PostgreSQL must drop the column first and add it
again (the model does not declare it, so ``makemigrations`` cannot say so).
"""

from django.db import migrations

# Every bigram of every space-separated run, the run's last character paired with U+001F: a word of
# two or more characters occurs only where all its bigrams do; one character c occurs exactly where
# a lexeme starts with c (the prefix query 'c':*). IMMUTABLE, as a generated column requires.
FUNCTION = r"""
CREATE OR REPLACE FUNCTION xinfang_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(substr(r || chr(31), i, 2)), '{}')
  FROM unnest(string_to_array(t, ' ')) AS r, generate_series(1, length(r)) AS i
$$
"""
COLUMN = ("ALTER TABLE matters_matter ADD COLUMN IF NOT EXISTS search_bigrams tsvector "
          "GENERATED ALWAYS AS (array_to_tsvector(xinfang_bigrams(search_text))) STORED")
INDEX = "CREATE INDEX IF NOT EXISTS matters_matter_search_bigrams ON matters_matter USING gin (search_bigrams)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(COLUMN)
    schema_editor.execute(INDEX)
    schema_editor.execute("ANALYZE matters_matter")  # the lexemes' statistics


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE matters_matter DROP COLUMN IF EXISTS search_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS xinfang_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("matters", "0016_unitmatter_next_due")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
