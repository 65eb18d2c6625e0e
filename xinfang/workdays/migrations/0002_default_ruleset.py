from django.db import migrations


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("workdays", "RuleSet")
    if not RuleSet.objects.exists():
        RuleSet.objects.create(version=1, periods={}, note="默认规则：《信访工作条例》及民法典期间计算规定")


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
