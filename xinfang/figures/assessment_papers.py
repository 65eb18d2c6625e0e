"""The assessment's outputs: the Excel workbook of scores and the 考核结果通报 (a numbered paper)."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from xinfang.core.errors import StateConflict
from xinfang.documents.renderers.content import Table
from xinfang.documents.services import issue_document
from xinfang.supervision.services.papers import issuing_bureau

from . import assessment


def _safe(value):
    """Typed text is written as text, never as a formula (same rule as the rates export)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _fmt(part) -> str:
    if part["value"] is None:
        return part["note"] or "—"
    if part["rule"] in ("rate", "inverse_rate"):
        return f"{part['value'] * 100:.1f}%（{part['numerator']}/{part['denominator']}）"
    return f"{part['value']:g}"


def workbook(user, scheme) -> bytes:
    result = assessment.scores(user, scheme)
    wb = Workbook()
    ws = wb.active
    ws.title = "得分"
    inds = result["indicators"]
    ws.append([f"{scheme.year}年度 {scheme.name}"])
    ws.append(["名次", "单位", "总分", "样本", *[f"{i.label}（{i.weight.normalize():f}分）" for i in inds]])
    for r in result["rows"]:
        ws.append([r["rank"] if r["rank"] is not None else "样本不足", _safe(r["unit"].name), float(r["score"]), r["sample"],
                   *[float(p["points"]) for p in r["parts"]]])
    detail = wb.create_sheet("明细")
    detail.append(["单位", "指标", "口径", "数值", "得分", "说明", "评分依据", "评分人"])
    for r in result["rows"]:
        for p in r["parts"]:
            detail.append([_safe(r["unit"].name), _safe(p["label"]), p["measure"], _fmt(p), float(p["points"]),
                           p["note"], _safe(p.get("evidence", "")), _safe(p.get("entered_by", ""))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def score_table(result) -> Table:
    header = ["名次", "单位", "总分", *[i.label for i in result["indicators"]]]
    rows = [[str(r["rank"]) if r["rank"] is not None else "样本不足", r["unit"].name, f"{r['score']:.2f}",
             *[f"{p['points']:.2f}" for p in r["parts"]]] for r in result["rows"]]
    return Table(f"表1 {result['scheme'].year}年度信访工作考核得分", header, rows)


def issue_notice(*, actor, pk):
    """考核结果通报 of a published scheme; scores are frozen with it (manual scores too)."""
    assessment.require_edit(actor)
    with transaction.atomic():
        scheme = assessment.access_scheme(actor, pk, for_update=True)
        if not scheme.is_published:
            raise StateConflict("考核方案发布后才能通报考核结果。")
        if scheme.notice_document_id:
            raise StateConflict("考核结果已经通报。")
        result = assessment.scores(actor, scheme)
        ranked = [r for r in result["rows"] if r["rank"] is not None]
        small = [r for r in result["rows"] if r["rank"] is None]
        lines = [
            f"根据《信访工作条例》第三十九条和《{scheme.name}》，现将{scheme.year}年度各乡镇（街道）、县直有关单位"
            f"信访工作考核结果通报如下。",
            "考核指标及权重：" + "；".join(f"{i.label}{i.weight.normalize():f}分" for i in result["indicators"]) + "。",
            "[[表1]]",
        ]
        if ranked:
            lines.append("得分前三名的单位：" + "、".join(f"{r['unit'].name}（{r['score']:.2f}分）" for r in ranked[:3]) + "。")
        if small:
            lines.append(f"{len(small)}个单位全年到期的受理、办结时限少于{result['min_sample']}件，样本不足，不参加排名。")
        lines.append("考核结果作为对领导班子和有关领导干部综合考核评价的重要参考。请各单位对照考核结果查找不足，认真整改。")
        doc = issue_document("assessment_notice", context={"报告标题": f"关于{scheme.year}年度信访工作考核结果的通报",
                                                            "报告正文": "\n".join(lines), "报告期间": f"{scheme.year}年"},
                             issuing_unit=issuing_bureau(actor), recipient="各乡镇（街道）、县直各有关单位",
                             source=scheme, actor=actor, blocks={"表1": score_table(result)}, issued_at=timezone.now())
        scheme.notice_document = doc
        scheme.save(update_fields=["notice_document"])
    return doc
