"""The visibility key carries whether its matter is open (issue 14): a unit's open list and its count
are read from one index range instead of testing the status of every matter the unit ever saw."""

from django.db import migrations, models

# 'closed' is State.CLOSED; every other state is open (choices.OPEN_STATES).
# SQLite remakes matters_unitmatter to add the column; triggers naming it must not exist meanwhile.
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS matters_unitmatter_link",
    "DROP TRIGGER IF EXISTS matters_unitmatter_relink",
    "DROP TRIGGER IF EXISTS matters_unitmatter_unlink",
    "DROP TRIGGER IF EXISTS matters_unitmatter_open",
    "DROP TRIGGER IF EXISTS matters_unitmatter_received",
]
SQLITE_UNLINK = """CREATE TRIGGER matters_unitmatter_unlink AFTER DELETE ON matters_matterunit BEGIN
         DELETE FROM matters_unitmatter WHERE unit_id = OLD.unit_id AND matter_id = OLD.matter_id
           AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
       END"""
SQLITE_RECEIVED = """CREATE TRIGGER matters_unitmatter_received AFTER UPDATE OF received_at ON matters_matter
       WHEN NEW.received_at IS NOT OLD.received_at BEGIN
         UPDATE matters_unitmatter SET received_at = NEW.received_at WHERE matter_id = NEW.id;
       END"""
SQLITE = [
    SQLITE_UNLINK,
    SQLITE_RECEIVED,
    """CREATE TRIGGER matters_unitmatter_link AFTER INSERT ON matters_matterunit BEGIN
         INSERT OR IGNORE INTO matters_unitmatter (unit_id, matter_id, received_at, is_open)
         SELECT NEW.unit_id, NEW.matter_id, m.received_at, m.status <> 'closed' FROM matters_matter m WHERE m.id = NEW.matter_id;
       END""",
    """CREATE TRIGGER matters_unitmatter_relink AFTER UPDATE OF unit_id, matter_id ON matters_matterunit BEGIN
         DELETE FROM matters_unitmatter WHERE unit_id = OLD.unit_id AND matter_id = OLD.matter_id
           AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
         INSERT OR IGNORE INTO matters_unitmatter (unit_id, matter_id, received_at, is_open)
         SELECT NEW.unit_id, NEW.matter_id, m.received_at, m.status <> 'closed' FROM matters_matter m WHERE m.id = NEW.matter_id;
       END""",
    """CREATE TRIGGER matters_unitmatter_open AFTER UPDATE OF status ON matters_matter
       WHEN (OLD.status = 'closed') IS NOT (NEW.status = 'closed') BEGIN
         UPDATE matters_unitmatter SET is_open = (NEW.status <> 'closed') WHERE matter_id = NEW.id;
       END""",
]
SQLITE_BACK = [
    SQLITE_UNLINK,
    SQLITE_RECEIVED,
    """CREATE TRIGGER matters_unitmatter_link AFTER INSERT ON matters_matterunit BEGIN
         INSERT OR IGNORE INTO matters_unitmatter (unit_id, matter_id, received_at)
         SELECT NEW.unit_id, NEW.matter_id, m.received_at FROM matters_matter m WHERE m.id = NEW.matter_id;
       END""",
    """CREATE TRIGGER matters_unitmatter_relink AFTER UPDATE OF unit_id, matter_id ON matters_matterunit BEGIN
         DELETE FROM matters_unitmatter WHERE unit_id = OLD.unit_id AND matter_id = OLD.matter_id
           AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
         INSERT OR IGNORE INTO matters_unitmatter (unit_id, matter_id, received_at)
         SELECT NEW.unit_id, NEW.matter_id, m.received_at FROM matters_matter m WHERE m.id = NEW.matter_id;
       END""",
]

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION matters_unitmatter_sync() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           DELETE FROM matters_unitmatter k WHERE k.unit_id = OLD.unit_id AND k.matter_id = OLD.matter_id
             AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           INSERT INTO matters_unitmatter (unit_id, matter_id, received_at, is_open)
           SELECT NEW.unit_id, NEW.matter_id, m.received_at, m.status <> 'closed' FROM matters_matter m WHERE m.id = NEW.matter_id
           ON CONFLICT (unit_id, matter_id) DO NOTHING;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE FUNCTION matters_unitmatter_open() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE matters_unitmatter SET is_open = (NEW.status <> 'closed') WHERE matter_id = NEW.id;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER matters_unitmatter_open AFTER UPDATE OF status ON matters_matter
       FOR EACH ROW WHEN ((OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed'))
       EXECUTE FUNCTION matters_unitmatter_open()""",
]
POSTGRESQL_BACK = [
    "DROP TRIGGER IF EXISTS matters_unitmatter_open ON matters_matter",
    "DROP FUNCTION IF EXISTS matters_unitmatter_open()",
    """CREATE OR REPLACE FUNCTION matters_unitmatter_sync() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           DELETE FROM matters_unitmatter k WHERE k.unit_id = OLD.unit_id AND k.matter_id = OLD.matter_id
             AND NOT EXISTS (SELECT 1 FROM matters_matterunit l WHERE l.unit_id = OLD.unit_id AND l.matter_id = OLD.matter_id);
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           INSERT INTO matters_unitmatter (unit_id, matter_id, received_at)
           SELECT NEW.unit_id, NEW.matter_id, m.received_at FROM matters_matter m WHERE m.id = NEW.matter_id
           ON CONFLICT (unit_id, matter_id) DO NOTHING;
         END IF;
         RETURN NULL;
       END $$""",
]

BACKFILL = """UPDATE matters_unitmatter SET is_open = FALSE
              WHERE matter_id IN (SELECT id FROM matters_matter WHERE status = 'closed')"""


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
        ('matters', '0013_accusation_accused_index'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, backwards, elidable=False),
        migrations.AddField(
            model_name='unitmatter',
            name='is_open',
            field=models.BooleanField(default=True),
        ),
        migrations.AddIndex(
            model_name='unitmatter',
            index=models.Index(fields=['unit', 'is_open', '-received_at', '-matter'], name='unitmatter_open_newest'),
        ),
        migrations.RunPython(forwards, drop_sqlite_triggers, elidable=False),
    ]
