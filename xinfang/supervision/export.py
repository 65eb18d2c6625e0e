"""Excel export of the rates, the ranking and (optionally) one drill-down list (openpyxl)."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from . import rates
from .rates import Scope

BOLD = Font(bold=True)


def _sheet(wb, title, header, rows):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            # Typed text stays text: openpyxl stores a string starting with "=" as a formula, so a
            # petitioner's title like =HYPERLINK(...) would become a live formula in the export.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for i, _ in enumerate(header, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 16
    return ws


def rates_workbook(user, scope: Scope, min_sample: int, drill: tuple[str, str] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    data = rates.summary(user, scope)
    where = scope.unit.name if scope.unit else (scope.region.name if scope.region else "全县")
    _sheet(wb, "三率", ["指标", "分子", "分母", "比率", "范围", "期间", "评价对象"], [
        [rates.MEASURE_LABELS[k], f.numerator, f.denominator, f.rate, where,
         f"{scope.date_from}至{scope.date_to}", "信访部门" if scope.target == "bureau" else "责任单位"]
        for k, f in data["figures"].items()
    ])
    _sheet(wb, "各环节平均用时", ["环节", "件数", "平均天数"],
           [[s["label"], s["count"], s["average"]] for s in data["stages"]])
    by_unit = rates.rates_by_unit(user, scope)
    from xinfang.org.models import Unit

    units = Unit.objects.in_bulk(list(by_unit))
    header = ["单位代码", "单位"]
    for k in rates.MEASURES:
        header += [f"{rates.MEASURE_LABELS[k]}分子", "分母", "比率"]
    header.append(f"样本是否达到最小样本（{min_sample}）")
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
    _sheet(wb, "单位", header, rows)
    if drill is not None:
        measure, part = drill
        items = rates.drill(user, scope, measure, part)
        if measure in ("repeat", "returns"):
            _sheet(wb, "明细", ["事项编号", "标题", "单位", "日期", "信访件/办理动作"],
                   [[a.matter.number, a.matter.title, a.unit_name, a.day, a.what] for a in items])
        else:
            _sheet(wb, "明细", ["事项编号", "标题", "时限类型", "单位", "起算日", "期满日", "完成时间", "评价/用时（日）"], [
                [d.matter.number, d.matter.title, d.kind, (d.unit or d.matter.handling_unit or "") and str(d.unit or d.matter.handling_unit),
                 d.start, d.due, timezone.localtime(d.met_at).replace(tzinfo=None) if d.met_at else None,
                 getattr(d, "rating", "") or getattr(d, "elapsed", "")]
                for d in items
            ])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
