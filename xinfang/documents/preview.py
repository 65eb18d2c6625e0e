"""Template preview with sample data (nothing is numbered or stored)."""

from __future__ import annotations

from django.utils import timezone

from . import placeholders
from .choices import DocType
from .models import DocumentTemplate
from .renderers.content import DocumentContent, official_date
from .services import compose

SAMPLES = {
    "发文机关": "示范县信访局", "机关代字": "示信", "主送": "张三", "年份": "2026",
    "信访人": "张三", "事项编号": "XF2026-000123", "信访事项标题": "小区物业违规收费问题",
    "诉求概况": "反映城关镇东关村某小区物业公司违规收取停车费，要求退还。", "收到日期": "2026年9月10日",
    "登记机关": "示范县信访局", "信访形式": "来访", "责任单位": "城关镇人民政府", "信访件编号": "XJ2026-000456",
    "查询码": "ABCD23EFGH", "登记日期": "2026年9月10日", "受理日期": "2026年9月14日", "办理期限": "60日",
    "办理期限届满日": "2026年11月13日", "不予受理理由": "同一事项已受理或正在办理（第十九条）", "说明": "该事项正由城关镇人民政府办理。",
    "法律依据": "《信访工作条例》第三十二条", "决定日期": "2026年9月12日", "协办单位": "示范县住房和城乡建设局",
    "转送日期": "2026年9月11日", "受理告知期限": "15日", "受理告知届满日": "2026年9月28日", "异议期限": "5个工作日",
    "异议届满日": "2026年9月18日", "信访人信息": "张三（联系电话：138****5678；住址：东关村1号）", "交办日期": "2026年9月11日",
    "办结报告期限": "2026年11月30日", "延期天数": "20日", "延期理由": "需要调取物业公司近三年收费账目",
    "原办理期限届满日": "2026年11月13日", "延期后届满日": "2026年12月3日", "处理结果": "支持",
    "处理意见": "责令物业公司于30日内退还多收的停车费。", "复查机关": "示范县人民政府", "复查期限": "30日",
    "答复日期": "2026年11月20日", "复查结果": "维持", "复查意见": "原处理意见认定事实清楚，予以维持。",
    "原处理机关": "城关镇人民政府", "复核机关": "示范市人民政府", "复核期限": "30日", "复查申请日期": "2026年11月25日",
    "重新办理期限": "60日", "复核结果": "维持", "复核意见": "复查意见正确，予以维持。", "复核申请日期": "2026年12月15日",
    "交办机关": "示范县信访局", "办结报告": "经实地调查核实，已督促物业公司退还费用。", "被督办单位": "城关镇人民政府",
    "督办事项": "XF2026-000123 小区物业违规收费问题", "督办要求": "立即办理并书面告知信访人。", "督办依据": "受理告知期限已届满未告知。",
    "回复期限": "2026年10月10日", "通报对象": "城关镇人民政府", "通报事由": "信访事项超期未办结", "通报内容": "截至10月底，共有3件信访事项超期未办结。",
    "整改要求": "限期办结并报送整改情况。", "建议对象": "示范县住房和城乡建设局", "建议类型": "改进工作", "建议事由": "物业收费投诉集中",
    "建议内容": "建议开展物业收费专项检查。", "反馈期限": "2026年12月31日",
}


def sample_values(doc_type: str) -> dict[str, str]:
    return {name: SAMPLES.get(name, f"〔{name}〕") for name in placeholders.allowed(doc_type)}


def preview_content(doc_type: str, data: dict) -> DocumentContent:
    doc_type = DocType(doc_type).value
    template = DocumentTemplate(doc_type=doc_type, version=0, **{
        k: str(data.get(k) or "") for k in ("title", "letterhead", "number_prefix", "body", "notes", "copy_to")
    })
    values = sample_values(doc_type)
    prefix = placeholders.fill(template.number_prefix, values)
    return compose(template, values, issuing_unit_name=values["发文机关"], doc_number=f"{prefix}〔2026〕1号",
                   recipient=values["主送"], date_text=official_date(timezone.localdate()))
