"""送达回证: a new document type (GB/T 9704 work, issue 15), its template seeded from defaults.py.

The 登记回执 needs no new wording: its portal address and QR code are printed beside the signature
block from the frozen values (``查询网址`` is also offered as a placeholder for a bureau's own text).
"""

from django.db import migrations, models

from xinfang.documents.defaults import DEFAULT_TEMPLATES


def forward(apps, schema_editor):
    Template = apps.get_model("documents", "DocumentTemplate")
    if not Template.objects.filter(doc_type="delivery_receipt").exists():
        Template.objects.create(doc_type="delivery_receipt", version=1, active=True, change_note="初始版本",
                                **DEFAULT_TEMPLATES["delivery_receipt"])


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0008_alter_documenttemplate_doc_type_and_more"),
    ]

    operations = [
        migrations.AlterField(
            model_name='documenttemplate',
            name='doc_type',
            field=models.CharField(choices=[('registration_receipt', '登记回执'), ('acceptance_notice', '受理告知书'), ('non_acceptance_notice', '不予受理告知书'), ('no_further_acceptance_notice', '不再受理告知书'), ('forwarding_letter', '转送函'), ('assignment_sheet', '交办单'), ('extension_notice', '延期告知书'), ('handling_opinion', '信访处理意见书'), ('review_opinion', '复查意见书'), ('recheck_opinion', '复核意见书'), ('completion_report', '办结报告'), ('delivery_receipt', '送达回证'), ('supervision_order', '督办单'), ('bulletin', '通报'), ('recommendation', '建议书'), ('hearing_notice', '听证通知书'), ('hearing_report', '听证报告'), ('annual_report', '信访工作年度报告'), ('situation_report', '信访形势通报'), ('briefing', '信访工作简报'), ('assessment_notice', '考核结果通报')], max_length=40, verbose_name='文书类型'),
        ),
        migrations.AlterField(
            model_name='issueddocument',
            name='doc_type',
            field=models.CharField(choices=[('registration_receipt', '登记回执'), ('acceptance_notice', '受理告知书'), ('non_acceptance_notice', '不予受理告知书'), ('no_further_acceptance_notice', '不再受理告知书'), ('forwarding_letter', '转送函'), ('assignment_sheet', '交办单'), ('extension_notice', '延期告知书'), ('handling_opinion', '信访处理意见书'), ('review_opinion', '复查意见书'), ('recheck_opinion', '复核意见书'), ('completion_report', '办结报告'), ('delivery_receipt', '送达回证'), ('supervision_order', '督办单'), ('bulletin', '通报'), ('recommendation', '建议书'), ('hearing_notice', '听证通知书'), ('hearing_report', '听证报告'), ('annual_report', '信访工作年度报告'), ('situation_report', '信访形势通报'), ('briefing', '信访工作简报'), ('assessment_notice', '考核结果通报')], db_index=True, max_length=40, verbose_name='文书类型'),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
