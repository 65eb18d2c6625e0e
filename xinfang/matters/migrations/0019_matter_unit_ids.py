"""PostgreSQL: each matter carries the ids of the units linked to it (``unit_ids``, a ``bigint[]``
with a GIN index), so that a unit's search is one intersection of two indexes (issue 14).

A town handler's search joined the unit's visibility key (52 000 rows at a million matters) with
the text's hits and read a matter row for each: 工资 took ~200 ms. With the units on the matter row,
PostgreSQL intersects the bigram index's hits with the unit's (a ``BitmapAnd``) and reads only the
matters that have both. The column is an aid to the planner, never the rule: the list still joins
the visibility key (``access.visible_to_unit``), so a unit named in ``unit_ids`` without a link
(the registering and handling units are written in at INSERT, before their links exist) finds
nothing more. It must never lack a linked unit: the trigger that keeps the visibility key keeps it
too, on every insert, delete and change of a link (a property test compares them). The model does
not declare the column and never reads it (like ``search_bigrams``, 0017). SQLite keeps the join.

Adding the column is instant (a constant default); filling it rewrites every matter row once: about
six minutes at a million matters, writes waiting (docs/deployment.md: stop the workers to upgrade).

For later migrations (PostgreSQL does not record what a PL/pgSQL function reads, and ``makemigrations``
does not know the column):

* the seed trigger reads ``registering_unit_id`` and ``handling_unit_id``: renaming or removing either
  field must rewrite ``matters_matter_seed_units()`` in the same migration, or every new matter fails;
* a migration that replaces ``matters_unitmatter_sync()`` (as 0014 and 0016 did) must keep its
  ``unit_ids`` lines (``_sync`` here), or a unit's search quietly loses matters
  (``test_every_linked_unit_is_on_the_matter_row`` fails on PostgreSQL);
* the link trigger now writes the matter row: a writer that adds or removes a link must lock the matter
  first (every service does, ``rows().lock``), or it can deadlock with an act on the same matter.
"""

from django.db import migrations

COLUMN = "ALTER TABLE matters_matter ADD COLUMN IF NOT EXISTS unit_ids bigint[] NOT NULL DEFAULT '{}'"
BACKFILL = """UPDATE matters_matter m SET unit_ids = k.ids
              FROM (SELECT matter_id, array_agg(unit_id ORDER BY unit_id) AS ids FROM matters_unitmatter GROUP BY matter_id) k
              WHERE k.matter_id = m.id"""
INDEX = "CREATE INDEX IF NOT EXISTS matters_matter_unit_ids ON matters_matter USING gin (unit_ids)"

# A new matter starts with the units its first links will name: registration's links then find
# them there and do not write the row a second time.
SEED = [
    """CREATE OR REPLACE FUNCTION matters_matter_seed_units() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.unit_ids := ARRAY(SELECT DISTINCT u FROM unnest(NEW.unit_ids || ARRAY[NEW.registering_unit_id, NEW.handling_unit_id]) AS u
                               WHERE u IS NOT NULL ORDER BY u);
         RETURN NEW;
       END $$""",
    "DROP TRIGGER IF EXISTS matters_matter_seed_units ON matters_matter",
    """CREATE TRIGGER matters_matter_seed_units BEFORE INSERT ON matters_matter
       FOR EACH ROW EXECUTE FUNCTION matters_matter_seed_units()""",
]


def _sync(with_units: bool) -> str:
    """The visibility key's trigger function (0016's), keeping ``unit_ids`` too when ``with_units``."""
    removed = """
           IF FOUND THEN
             UPDATE matters_matter SET unit_ids = array_remove(unit_ids, OLD.unit_id) WHERE id = OLD.matter_id;
           END IF;""" if with_units else ""
    added = """
           UPDATE matters_matter SET unit_ids = unit_ids || NEW.unit_id
             WHERE id = NEW.matter_id AND NOT unit_ids @> ARRAY[NEW.unit_id];""" if with_units else ""
    return f"""CREATE OR REPLACE FUNCTION matters_unitmatter_sync() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           DELETE FROM matters_unitmatter k WHERE k.unit_id = OLD.unit_id AND k.matter_id = OLD.matter_id
             AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);{removed}
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           INSERT INTO matters_unitmatter (unit_id, matter_id, received_at, is_open, next_due)
           SELECT NEW.unit_id, NEW.matter_id, m.received_at, m.status <> 'closed', m.next_due FROM matters_matter m WHERE m.id = NEW.matter_id
           ON CONFLICT (unit_id, matter_id) DO NOTHING;{added}
         END IF;
         RETURN NULL;
       END $$"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMN)
    schema_editor.execute(BACKFILL)
    schema_editor.execute(INDEX)
    for sql in SEED:
        schema_editor.execute(sql)
    schema_editor.execute(_sync(with_units=True))
    schema_editor.execute("ANALYZE matters_matter")  # the units' statistics (most common elements)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_sync(with_units=False))
    schema_editor.execute("DROP TRIGGER IF EXISTS matters_matter_seed_units ON matters_matter")
    schema_editor.execute("DROP FUNCTION IF EXISTS matters_matter_seed_units()")
    schema_editor.execute("ALTER TABLE matters_matter DROP COLUMN IF EXISTS unit_ids")


class Migration(migrations.Migration):
    dependencies = [("matters", "0018_search_fts5_characters")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
