"""Import of the towns' existing Excel sheets into the risk ledger.

The template (``template_bytes``) has one header row; every row is parsed by the same
``clean_risk`` as the form. All or nothing: when any row is wrong nothing is saved and every bad
row is reported with its row number and reason.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from xinfang.core.errors import AppError, InvalidInput
from xinfang.core.uploads import check_upload

from ..choices import RiskLevel
from ..models import Risk
from .risks import clean_risk

MAX_ROWS = 2000
COLUMNS = [
    ("单位代码", "unit", 14, "乡镇/部门填报本单位时可留空"),
    ("发现日期", "found_on", 12, "YYYY-MM-DD"),
    ("隐患概况", "summary", 50, "必填"),
    ("涉及人数", "people_count", 10, "正整数"),
    ("风险等级", "level", 10, "一般/较大/重大"),
    ("包案责任人", "responsible", 14, ""),
    ("化解措施", "measures", 40, ""),
]
LEVELS = {label: value for value, label in RiskLevel.choices} | {value: value for value, _ in RiskLevel.choices}


@dataclass
class ImportResult:
    saved: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def template_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "苗头隐患排查台账"
    ws.append([c[0] for c in COLUMNS])
    for i, (_, _, width, _) in enumerate(COLUMNS, 1):
        cell = ws.cell(1, i)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="A8181C")
        ws.column_dimensions[cell.column_letter].width = width
    ws.append(["", "2026-01-15", "（示例，导入前请删除）某小区业主因物业费纠纷拟集体上访", 12, "较大", "张某某",
               "已约谈物业公司，组织业主代表协商"])
    levels = DataValidation(type="list", formula1='"一般,较大,重大"', allow_blank=False)
    ws.add_data_validation(levels)
    levels.add("E2:E2001")
    notes = wb.create_sheet("填写说明")
    for label, _, _, hint in COLUMNS:
        notes.append([label, hint])
    notes.append(["说明", f"每次最多导入 {MAX_ROWS} 行；任何一行有误，整份文件都不会导入，并逐行列出错误。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value) -> str | int | dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None:
        return ""
    return value if isinstance(value, (int, dt.date)) else str(value).strip()


def _rows(upload):
    check_upload(upload, field="file")
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("无法读取该 Excel 文件，请使用下载的模板（.xlsx）。", fields={"file": "文件无法读取"}) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    expected = [c[0] for c in COLUMNS]
    if header[: len(expected)] != expected:
        raise InvalidInput(f"表头与模板不一致，应为：{'、'.join(expected)}。", fields={"file": "表头不符"})
    for number, row in enumerate(rows, start=2):
        values = [_cell(x) for x in (row or ())][: len(COLUMNS)]
        if not any(values):
            continue
        if isinstance(values[2], str) and values[2].startswith("（示例"):
            continue
        yield number, dict(zip([c[1] for c in COLUMNS], values + [""] * (len(COLUMNS) - len(values)), strict=False))


def import_risks(*, actor, upload) -> ImportResult:
    result = ImportResult()
    parsed = []
    for number, data in _rows(upload):
        if len(parsed) + len(result.errors) >= MAX_ROWS:
            raise InvalidInput(f"每次最多导入 {MAX_ROWS} 行。", fields={"file": "行数过多"})
        data["level"] = LEVELS.get(str(data.get("level") or ""), data.get("level"))
        try:
            parsed.append(clean_risk(actor, data))
        except AppError as exc:
            result.errors.append((number, exc.message))
    if not parsed and not result.errors:
        raise InvalidInput("文件中没有数据行。", fields={"file": "没有数据"})
    if result.errors:
        return result
    with transaction.atomic():
        Risk.objects.bulk_create([Risk(created_by=actor, imported=True, **fields) for fields in parsed])
    result.saved = len(parsed)
    return result
