"""The visibility key carries its matter's nearest due date (issue 14): a unit's list sorted by
期限 is read from the key's (unit, next_due) index instead of sorting every matter the unit saw."""

from django.db import migrations, models

# SQLite remakes matters_unitmatter to add the column; triggers naming it must not exist meanwhile.
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS matters_unitmatter_{n}" for n in ("link", "relink", "unlink", "received", "open", "due")]
SQLITE_KEEP = [
    """CREATE TRIGGER matters_unitmatter_unlink AFTER DELETE ON matters_matterunit BEGIN
         DELETE FROM matters_unitmatter WHERE unit_id = OLD.unit_id AND matter_id = OLD.matter_id
           AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
       END""",
    """CREATE TRIGGER matters_unitmatter_received AFTER UPDATE OF received_at ON matters_matter
       WHEN NEW.received_at IS NOT OLD.received_at BEGIN
         UPDATE matters_unitmatter SET received_at = NEW.received_at WHERE matter_id = NEW.id;
       END""",
    """CREATE TRIGGER matters_unitmatter_open AFTER UPDATE OF status ON matters_matter
       WHEN (OLD.status = 'closed') IS NOT (NEW.status = 'closed') BEGIN
         UPDATE matters_unitmatter SET is_open = (NEW.status <> 'closed') WHERE matter_id = NEW.id;
       END""",
]


def _sqlite_links(columns: str, values: str) -> list[str]:
    return [
        f"""CREATE TRIGGER matters_unitmatter_link AFTER INSERT ON matters_matterunit BEGIN
             INSERT OR IGNORE INTO matters_unitmatter (unit_id, matter_id, {columns})
             SELECT NEW.unit_id, NEW.matter_id, {values} FROM matters_matter m WHERE m.id = NEW.matter_id;
           END""",
        f"""CREATE TRIGGER matters_unitmatter_relink AFTER UPDATE OF unit_id, matter_id ON matters_matterunit BEGIN
             DELETE FROM matters_unitmatter WHERE unit_id = OLD.unit_id AND matter_id = OLD.matter_id
               AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
             INSERT OR IGNORE INTO matters_unitmatter (unit_id, matter_id, {columns})
             SELECT NEW.unit_id, NEW.matter_id, {values} FROM matters_matter m WHERE m.id = NEW.matter_id;
           END""",
    ]


SQLITE = [*SQLITE_KEEP, *_sqlite_links("received_at, is_open, next_due", "m.received_at, m.status <> 'closed', m.next_due"),
          """CREATE TRIGGER matters_unitmatter_due AFTER UPDATE OF next_due ON matters_matter
             WHEN NEW.next_due IS NOT OLD.next_due BEGIN
               UPDATE matters_unitmatter SET next_due = NEW.next_due WHERE matter_id = NEW.id;
             END"""]
SQLITE_BACK = [*SQLITE_KEEP, *_sqlite_links("received_at, is_open", "m.received_at, m.status <> 'closed'")]


def _pg_sync(columns: str, values: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION matters_unitmatter_sync() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           DELETE FROM matters_unitmatter k WHERE k.unit_id = OLD.unit_id AND k.matter_id = OLD.matter_id
             AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           INSERT INTO matters_unitmatter (unit_id, matter_id, {columns})
           SELECT NEW.unit_id, NEW.matter_id, {values} FROM matters_matter m WHERE m.id = NEW.matter_id
           ON CONFLICT (unit_id, matter_id) DO NOTHING;
         END IF;
         RETURN NULL;
       END $$"""


POSTGRESQL = [
    _pg_sync("received_at, is_open, next_due", "m.received_at, m.status <> 'closed', m.next_due"),
    """CREATE OR REPLACE FUNCTION matters_unitmatter_due() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE matters_unitmatter SET next_due = NEW.next_due WHERE matter_id = NEW.id;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER matters_unitmatter_due AFTER UPDATE OF next_due ON matters_matter
       FOR EACH ROW WHEN (OLD.next_due IS DISTINCT FROM NEW.next_due)
       EXECUTE FUNCTION matters_unitmatter_due()""",
]
POSTGRESQL_BACK = [
    "DROP TRIGGER IF EXISTS matters_unitmatter_due ON matters_matter",
    "DROP FUNCTION IF EXISTS matters_unitmatter_due()",
    _pg_sync("received_at, is_open", "m.received_at, m.status <> 'closed'"),
]

BACKFILL = """UPDATE matters_unitmatter SET next_due = (SELECT m.next_due FROM matters_matter m WHERE m.id = matters_unitmatter.matter_id)
              WHERE matter_id IN (SELECT id FROM matters_matter WHERE next_due IS NOT NULL)"""


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    for sql in SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRESQL:
        schema_editor.execute(sql, params=None)
    schema_editor.execute(BACKFILL, params=None)


def backwards(apps, schema_editor):
    for sql in SQLITE_BACK if schema_editor.connection.vendor == "sqlite" else POSTGRESQL_BACK:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('matters', '0015_next_due_id_index'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, backwards, elidable=False),
        migrations.AddField(
            model_name='unitmatter',
            name='next_due',
            field=models.DateField(null=True, blank=True),
        ),
        migrations.AddIndex(
            model_name='unitmatter',
            index=models.Index(fields=['unit', 'next_due', '-matter'], name='unitmatter_due'),
        ),
        migrations.RunPython(forwards, drop_sqlite_triggers, elidable=False),
    ]
