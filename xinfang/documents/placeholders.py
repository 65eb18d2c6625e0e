"""Template placeholders: ``{{信访人}}`` and friends, which ones each document type may use.

A template is plain text; ``{{名称}}`` is replaced by the value taken from the record at the
moment of the act. Values are inserted as text in one pass (a value containing ``{{…}}`` is
never expanded again). Saving a template with a name not in this table, or not available for
that document type, is refused with the name.
"""

from __future__ import annotations

import re

from .choices import DocType

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]{1,30})\s*\}\}")

D = DocType

# name → description (shown on the template page)
COMMON: dict[str, str] = {
    "发文机关": "发文机关（单位）名称",
    "机关代字": "发文机关代字，用于发文字号前缀（单位简称，未设简称时自动生成）",
    "成文日期": "成文日期（阿拉伯数字，如 2026年12月4日）",
    "主送": "主送对象（信访人姓名或主送单位）",
    "年份": "发文年度",
}
MATTER: dict[str, str] = {
    "信访人": "信访人姓名（多人以顿号分隔）",
    "事项编号": "信访事项编号",
    "信访事项标题": "信访事项标题",
    "诉求概况": "信访人的诉求及概况",
    "收到日期": "收到信访件的日期",
    "登记机关": "登记单位名称",
    "信访形式": "来信、来访、网上信访等",
    "责任单位": "主办（责任）单位名称",
}
SPECIFIC: dict[DocType, dict[str, str]] = {
    D.REGISTRATION_RECEIPT: {"信访件编号": "信访件编号", "查询码": "查询码（凭事项编号和查询码查询办理进度）",
                             "登记日期": "登记日期",
                             "查询网址": "网上信访平台查询地址（设置 XINFANG_PUBLIC_BASE_URL；未设置时该行不印）"},
    D.DELIVERY_RECEIPT: {"送达文书": "送达的文书名称及文号", "受送达人": "受送达人（信访人）", "送达地点": "送达地点（信访人住址）"},
    D.ACCEPTANCE_NOTICE: {"受理日期": "受理日期", "办理期限": "法定办理期限（如 60日）", "办理期限届满日": "办理期限届满日期"},
    D.NON_ACCEPTANCE_NOTICE: {"不予受理理由": "不予受理的理由", "说明": "具体说明", "法律依据": "依据的条文", "决定日期": "决定日期"},
    D.NO_FURTHER_ACCEPTANCE_NOTICE: {"不予受理理由": "不再受理的理由", "说明": "具体说明", "法律依据": "依据的条文", "决定日期": "决定日期"},
    D.FORWARDING_LETTER: {"协办单位": "协办单位", "转送日期": "转送日期", "受理告知期限": "受理告知期限（如 15日）",
                          "受理告知届满日": "受理告知期限届满日", "异议期限": "异议退回期限（如 5个工作日）",
                          "异议届满日": "异议退回期限届满日", "信访人信息": "信访人姓名、联系方式（检举控告保密事项不列明）"},
    D.ASSIGNMENT_SHEET: {"协办单位": "协办单位", "交办日期": "交办日期", "办结报告期限": "报送办结报告的期限",
                         "信访人信息": "信访人姓名、联系方式（检举控告保密事项不列明）"},
    D.EXTENSION_NOTICE: {"延期天数": "延长的天数", "延期理由": "延期理由", "原办理期限届满日": "原办理期限届满日",
                         "延期后届满日": "延长后的办理期限届满日", "受理日期": "受理日期"},
    D.HANDLING_OPINION: {"处理结果": "支持/解释说明/不支持", "处理意见": "处理意见正文", "法律依据": "法律政策依据",
                         "复查机关": "复查机关名称", "复查期限": "申请复查的期限（如 30日）", "答复日期": "出具意见日期",
                         "受理日期": "受理日期"},
    D.REVIEW_OPINION: {"复查结果": "维持/变更/责令重新办理", "复查意见": "复查意见正文", "复查机关": "复查机关名称",
                       "原处理机关": "原处理机关（责任单位）", "复核机关": "复核机关名称", "复核期限": "申请复核的期限（如 30日）",
                       "复查申请日期": "收到复查申请的日期", "重新办理期限": "责令重新办理的期限"},
    D.RECHECK_OPINION: {"复核结果": "维持/变更", "复核意见": "复核意见正文", "复核机关": "复核机关名称",
                        "复查机关": "复查机关名称", "复核申请日期": "收到复核申请的日期"},
    D.COMPLETION_REPORT: {"交办机关": "交办机关名称", "交办日期": "交办日期", "办结报告期限": "报送办结报告的期限",
                          "办结报告": "办结情况报告正文", "处理结果": "处理结果", "处理意见": "处理意见", "答复日期": "出具意见日期"},
    D.SUPERVISION_ORDER: {"被督办单位": "被督办单位", "督办事项": "督办的事项（可多件）", "督办要求": "督办要求",
                          "督办依据": "督办的原因或依据", "回复期限": "书面回复期限"},
    D.BULLETIN: {"通报对象": "被通报的单位", "通报事由": "通报事由", "通报内容": "通报内容", "整改要求": "整改要求"},
    D.RECOMMENDATION: {"建议对象": "建议书主送单位", "建议类型": "改进工作/完善政策/追究责任",
                       "建议事由": "发现的问题", "建议内容": "建议内容", "反馈期限": "书面反馈期限"},
    D.HEARING_NOTICE: {"听证机关": "组织听证的机关", "听证时间": "听证时间", "听证地点": "听证地点", "主持人": "听证主持人",
                       "听证员": "听证员", "参加单位": "参加听证的单位", "公开方式": "公开听证/不公开听证"},
    D.HEARING_REPORT: {"听证机关": "组织听证的机关", "听证时间": "听证时间", "听证地点": "听证地点", "主持人": "听证主持人",
                       "听证员": "听证员", "参加单位": "参加听证的单位", "公开方式": "公开听证/不公开听证",
                       "听证经过": "听证笔录摘要", "听证结论": "听证员的结论意见"},
    D.PROPOSAL_REPLY: {"建议提案类别": "人大代表建议/政协委员提案", "建议提案号": "建议或提案的编号", "届次": "届次",
                       "代表委员": "提出建议提案的代表或委员", "建议提案标题": "建议或提案的标题", "交办日期": "交办日期",
                       "承办单位": "主办（承办）单位", "协办单位": "协办单位", "答复内容": "答复正文"},
    # xinfang.figures: the text of a report is written (and edited as a draft) in the report itself
    D.ANNUAL_REPORT: {"报告标题": "报告标题", "报告正文": "报告正文（草稿中编辑，含表格和图表）", "报告期间": "报告期间"},
    D.SITUATION_REPORT: {"报告标题": "报告标题", "报告正文": "报告正文（草稿中编辑，含表格和图表）", "报告期间": "报告期间"},
    D.BRIEFING: {"报告标题": "报告标题", "报告正文": "报告正文（草稿中编辑，含表格和图表）", "报告期间": "报告期间"},
    D.ASSESSMENT_NOTICE: {"报告标题": "报告标题", "报告正文": "考核结果正文（含得分表）", "报告期间": "考核年度"},
}


def allowed(doc_type: str) -> dict[str, str]:
    """Placeholders a template of this type may use, with their descriptions."""
    dt = DocType(doc_type)
    names = dict(COMMON)
    if dt not in (D.SUPERVISION_ORDER, D.BULLETIN, D.RECOMMENDATION, D.ANNUAL_REPORT, D.SITUATION_REPORT, D.BRIEFING,
                  D.ASSESSMENT_NOTICE, D.PROPOSAL_REPLY):
        names.update(MATTER)
    names.update(SPECIFIC.get(dt, {}))
    return names


def all_names() -> set[str]:
    names = set(COMMON) | set(MATTER)
    for specific in SPECIFIC.values():
        names |= set(specific)
    return names


def used(text: str) -> list[str]:
    seen: list[str] = []
    for m in PLACEHOLDER.finditer(text or ""):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def problems(doc_type: str, **texts: str) -> dict[str, list[str]]:
    """Field → error messages naming each unknown or inapplicable placeholder."""
    ok = allowed(doc_type)
    known = all_names()
    label = DocType(doc_type).label
    errors: dict[str, list[str]] = {}
    for field, text in texts.items():
        for name in used(text):
            if name not in known:
                errors.setdefault(field, []).append(f"未知的占位符 {{{{{name}}}}}。")
            elif name not in ok:
                errors.setdefault(field, []).append(f"占位符 {{{{{name}}}}} 不适用于{label}。")
        rest = PLACEHOLDER.sub("", text or "")
        if "{{" in rest or "}}" in rest:
            errors.setdefault(field, []).append("占位符格式不完整，应写作 {{名称}}。")
    return errors


def fill(text: str, values: dict[str, str | None]) -> str:
    """Replace every placeholder in one pass; a missing key raises KeyError(name); None → ""."""

    def sub(m: re.Match) -> str:
        value = values[m.group(1)]
        return "" if value is None else str(value)

    return PLACEHOLDER.sub(sub, text or "")


def fill_lines(text: str, values: dict[str, str | None]) -> list[str]:
    """The non-empty lines of ``text`` filled in. A line naming a placeholder whose value is
    None (does not apply to this document, e.g. the 复核 sentence when a 复查 orders the case
    redone) is left out; a missing key raises KeyError(name). A value of several lines (a list
    of matters, the figures of a 通报, a requirement typed in paragraphs) gives one paragraph
    per line: the renderers never see a line break inside a paragraph."""
    out = []
    for line in (text or "").splitlines():
        names = used(line)
        if any(values[name] is None for name in names):
            continue
        for part in fill(line, values).splitlines():
            part = part.strip()
            if part:
                out.append(part)
    return out
