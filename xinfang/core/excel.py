"""Report-ready Excel sheets (openpyxl): a title row, who exported what and when, typed cells, autofilter.

Every export of the system writes through :class:`ReportSheet`, so each file opens in Excel or WPS
ready to print or file: dates are dates, percentages are percentages, numbers are numbers, and text
a petitioner typed stays text (a title beginning with "=" never becomes a live formula).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

TEXT, INT, DATE, DATETIME, PERCENT, MONEY = "text", "int", "date", "datetime", "percent", "money"
FORMATS = {DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm", PERCENT: "0.0%", MONEY: "#,##0.00", INT: "0"}
HEADER_FILL = PatternFill("solid", fgColor="A8181C")
THIN = Side(style="thin", color="BFBFBF")


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 14
    kind: str = TEXT


def cell_value(value, kind: str = TEXT):
    """The Python value openpyxl should store for ``kind``: local naive datetimes, dates, floats."""
    if value is None or value == "":
        return None
    if kind == DATETIME and isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if kind == DATE and isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if kind == MONEY and isinstance(value, Decimal):
        return value  # openpyxl writes Decimals as numbers without float rounding surprises
    return value


class ReportSheet:
    """A write-only worksheet laid out as a ledger: title, a line of who/when/what, header, typed rows."""

    def __init__(self, wb, sheet_title: str, *, heading: str, meta: str, columns: list[Column]):
        self.ws = wb.create_sheet(sheet_title[:31])
        self.columns = columns
        self.rows = 0
        last = get_column_letter(len(columns))
        for i, col in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self.ws.freeze_panes = "A4"
        self.ws.merged_cells.add(f"A1:{last}1")
        self.ws.merged_cells.add(f"A2:{last}2")
        title = WriteOnlyCell(self.ws, value=heading)
        title.font = Font(bold=True, size=16)
        title.alignment = Alignment(horizontal="center", vertical="center")
        self.ws.row_dimensions[1].height = 28
        self.ws.append([title])
        line = WriteOnlyCell(self.ws, value=meta)
        line.font = Font(size=10, color="595959")
        self.ws.append([line])
        header = []
        for col in columns:
            cell = WriteOnlyCell(self.ws, value=col.title)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            header.append(cell)
        self.ws.append(header)

    def append(self, values: list) -> None:
        cells = []
        for col, raw in zip(self.columns, values, strict=True):
            value = cell_value(raw, col.kind)
            cell = WriteOnlyCell(self.ws, value=value)
            if col.kind == TEXT and isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed text stays text, never a formula
            if col.kind in FORMATS and value is not None:
                cell.number_format = FORMATS[col.kind]
            cells.append(cell)
        self.ws.append(cells)
        self.rows += 1

    def close(self) -> None:
        """Autofilter over the header and every row (call once, after the last row)."""
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A3:{last}{3 + max(self.rows, 1)}"


def meta_line(*, user=None, when: dt.datetime | None = None, extra: str = "") -> str:
    """“导出单位：示范县信访局 · 导出人：王建军 · 导出时间：2026-12-04 10:30 · …”."""
    when = timezone.localtime(when or timezone.now())
    parts = []
    if user is not None:
        unit = getattr(getattr(user, "unit", None), "name", "")
        if unit:
            parts.append(f"导出单位：{unit}")
        parts.append(f"导出人：{getattr(user, 'full_name', '') or user.get_username()}")
    parts.append(f"导出时间：{when:%Y-%m-%d %H:%M}")
    if extra:
        parts.append(extra)
    return " · ".join(parts)
