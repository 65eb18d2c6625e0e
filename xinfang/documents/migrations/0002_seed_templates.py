"""Seed version 1 of every document template (wording citing 《信访工作条例》)."""

from django.db import migrations


def seed(apps, schema_editor):
    from xinfang.documents.defaults import DEFAULT_TEMPLATES

    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    for doc_type, fields in DEFAULT_TEMPLATES.items():
        if DocumentTemplate.objects.filter(doc_type=doc_type).exists():
            continue
        DocumentTemplate.objects.create(doc_type=doc_type, version=1, active=True, change_note="初始版本", **fields)


def unseed(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    DocumentTemplate.objects.filter(version=1, change_note="初始版本", documents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
