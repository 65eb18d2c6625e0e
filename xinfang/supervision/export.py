"""Excel export of the rates, the ranking and (optionally) one drill-down list (core.excel report sheets)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from xinfang.core.excel import DATE, DATETIME, INT, PERCENT, Column, ReportSheet, meta_line
from xinfang.org.models import Unit

from . import rates
from .rates import Scope


def _write(wb, title: str, heading: str, meta: str, columns: list[Column], rows) -> None:
    sheet = ReportSheet(wb, title, heading=heading, meta=meta, columns=columns)
    for row in rows:
        sheet.append(row)
    sheet.close()


def rates_workbook(user, scope: Scope, min_sample: int, drill: tuple[str, str] | None = None) -> bytes:
    wb = Workbook(write_only=True)
    data = rates.summary(user, scope)
    where = scope.unit.name if scope.unit else (scope.region.name if scope.region else "全县")
    target = "信访部门" if scope.target == "bureau" else "责任单位"
    period = f"{scope.date_from:%Y-%m-%d} 至 {scope.date_to:%Y-%m-%d}"
    meta = meta_line(user=user, extra=f"统计期间：{period} · 范围：{where} · 评价对象：{target}")
    _write(wb, "三率", f"信访工作三率统计（{where}）", meta,
           [Column("指标", 16), Column("分子", 10, INT), Column("分母", 10, INT), Column("比率", 10, PERCENT),
            Column("样本", 12)],
           [[rates.MEASURE_LABELS[k], f.numerator, f.denominator, f.rate,
             "样本不足" if f.denominator < min_sample else ""] for k, f in data["figures"].items()])
    _write(wb, "各环节平均用时", "各环节平均用时", meta,
           [Column("环节", 18), Column("件数", 10, INT), Column("平均天数", 12)],
           [[s["label"], s["count"], s["average"]] for s in data["stages"]])
    by_unit = rates.rates_by_unit(user, scope)
    units = Unit.objects.in_bulk(list(by_unit))
    columns = [Column("单位代码", 10), Column("单位", 24)]
    for k in rates.MEASURES:
        columns += [Column(f"{rates.MEASURE_LABELS[k]}分子", 10, INT), Column("分母", 8, INT),
                    Column("比率", 9, PERCENT)]
    columns.append(Column(f"样本是否达到最小样本（{min_sample}）", 14))
    rows = []
    for unit_id in sorted(by_unit, key=lambda i: units[i].code):
        figs = by_unit[unit_id]
        row = [units[unit_id].code, units[unit_id].name]
        for k in rates.MEASURES:
            f = figs.get(k, rates.Figure(0, 0))
            row += [f.numerator, f.denominator, f.rate]
        sample = max((f.denominator for f in figs.values()), default=0)
        row.append("是" if sample >= min_sample else "否")
        rows.append(row)
    _write(wb, "单位", "各单位三率", meta, columns, rows)
    if drill is not None:
        measure, part = drill
        items = rates.drill(user, scope, measure, part)
        heading = f"{rates.drill_label(measure)}明细"
        if measure in ("repeat", "returns"):
            _write(wb, "明细", heading, meta,
                   [Column("事项编号", 18), Column("标题", 30), Column("单位", 20), Column("日期", 12, DATE),
                    Column("信访件/办理动作", 20)],
                   ([a.matter.number, a.matter.title, a.unit_name, a.day, a.what] for a in items))
        else:
            _write(wb, "明细", heading, meta,
                   [Column("事项编号", 18), Column("标题", 30), Column("时限类型", 12), Column("单位", 20),
                    Column("起算日", 12, DATE), Column("期满日", 12, DATE), Column("完成时间", 17, DATETIME),
                    Column("评价/用时（日）", 14)],
                   ([d.matter.number, d.matter.title, d.kind,
                     str(d.unit or d.matter.handling_unit or ""), d.start, d.due, d.met_at,
                     getattr(d, "rating", "") or getattr(d, "elapsed", "")] for d in items))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
