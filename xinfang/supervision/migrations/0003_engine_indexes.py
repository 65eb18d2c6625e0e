"""Indexes the daily engine needs at scale, on tables of the matters app (created here, by the app
whose queries need them; the matters models are unchanged).

* running clocks by kind and due day (a partial index: only clocks neither met nor cancelled, a few
  per cent of all rows), used by every "due before today / due soon" step;
* matters by return count (the bounced-matter trigger).

Without them one run on a million matters scans ~5 million clocks (about a minute on SQLite); with
them a run that finds nothing to do takes about a second. Both SQLite and PostgreSQL accept this SQL.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_engine_run_event_watermark"),
        ("matters", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS supervision_deadline_running_due ON matters_deadline (kind, due) "
            "WHERE met_at IS NULL AND cancelled_at IS NULL",
            "DROP INDEX IF EXISTS supervision_deadline_running_due",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS supervision_matter_return_count ON matters_matter (return_count)",
            "DROP INDEX IF EXISTS supervision_matter_return_count",
        ),
    ]
