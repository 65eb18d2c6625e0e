"""The assessment's outputs: the Excel workbook of scores and the 考核结果通报 (a numbered paper)."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from xinfang.core.errors import StateConflict
from xinfang.core.excel import INT, MONEY, PERCENT, Column, ReportSheet, meta_line
from xinfang.documents.renderers.content import Table
from xinfang.documents.services import issue_document
from xinfang.supervision.services.papers import issuing_bureau

from . import assessment

SCORE = MONEY  # two decimals (#,##0.00)


def _fmt(part) -> str:
    if part["value"] is None:
        return part["note"] or "—"
    if part["rule"] in ("rate", "inverse_rate"):
        return f"{part['value'] * 100:.1f}%（{part['numerator']}/{part['denominator']}）"
    return f"{part['value']:g}"


def _rate(part):
    """The rate itself as a number for a percent cell (the text column keeps numerator/denominator)."""
    if part["value"] is None or part["rule"] not in ("rate", "inverse_rate"):
        return None
    return float(part["value"])


def workbook(user, scheme) -> bytes:
    """Through ``core.excel.ReportSheet`` like every export: title row, unit and time, typed cells, autofilter;
    typed text (unit names, evidence) stays text."""
    result = assessment.scores(user, scheme)
    wb = Workbook(write_only=True)
    inds = result["indicators"]
    heading = f"{scheme.year}年度 {scheme.name}"
    meta = meta_line(user=user, extra=f"考核方案：{scheme.name}")
    scores = ReportSheet(wb, "得分", heading=heading, meta=meta, columns=[
        Column("名次", 8), Column("单位", 22), Column("总分", 9, SCORE), Column("样本", 8, INT),
        *[Column(f"{i.label}（{i.weight.normalize():f}分）", 14, SCORE) for i in inds]])
    for r in result["rows"]:
        scores.append([r["rank"] if r["rank"] is not None else "样本不足", r["unit"].name, float(r["score"]),
                       r["sample"], *[float(p["points"]) for p in r["parts"]]])
    scores.close()
    detail = ReportSheet(wb, "明细", heading=f"{heading}（评分明细）", meta=meta, columns=[
        Column("单位", 22), Column("指标", 18), Column("口径", 16), Column("数值", 22), Column("比率", 9, PERCENT),
        Column("得分", 9, SCORE), Column("说明", 24), Column("评分依据", 24), Column("评分人", 10)])
    for r in result["rows"]:
        for p in r["parts"]:
            detail.append([r["unit"].name, p["label"], p["measure"], _fmt(p), _rate(p), float(p["points"]),
                           p["note"], p.get("evidence", ""), p.get("entered_by", "")])
    detail.close()
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
            lines.append(f"{len(small)}个单位各比率指标的件次合计少于{result['min_sample']}件，样本不足，不参加排名。")
        lines.append("考核结果作为对领导班子和有关领导干部综合考核评价的重要参考。请各单位对照考核结果查找不足，认真整改。")
        doc = issue_document("assessment_notice", context={"报告标题": f"关于{scheme.year}年度信访工作考核结果的通报",
                                                            "报告正文": "\n".join(lines), "报告期间": f"{scheme.year}年"},
                             issuing_unit=issuing_bureau(actor), recipient="各乡镇（街道）、县直各有关单位",
                             source=scheme, actor=actor, blocks={"表1": score_table(result)}, issued_at=timezone.now())
        scheme.notice_document = doc
        scheme.save(update_fields=["notice_document"])
    return doc
