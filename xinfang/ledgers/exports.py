"""Excel export of every ledger: the list's own filter and columns (``tables.py``), typed text kept
as text (a value starting with "=" is never a formula), every export written to the access log."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access

from .tables import Column

MAX_ROWS = 50000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(title: str, columns: list[Column], rows, *, extra_sheets=()) -> tuple[bytes, int]:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([c.label for c in columns])
    for i, column in enumerate(columns, 1):
        cell = ws.cell(1, i)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="A8181C")
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[cell.column_letter].width = column.width
    ws.freeze_panes = "A2"
    count = 0
    for obj in rows:
        ws.append([column.value(obj) for column in columns])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
        count += 1
        if count >= MAX_ROWS:
            break
    for name, header, data in extra_sheets:
        sheet = wb.create_sheet(name[:31])
        sheet.append(header)
        for row in data:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), count


def xlsx_response(request, *, ledger: str, title: str, columns, rows, query: str = "", extra_sheets=()) -> HttpResponse:
    content, count = workbook_bytes(title, columns, rows, extra_sheets=extra_sheets)
    log_access(user=request.user, kind=AccessLog.Kind.EXPORT, object_type=f"ledger_{ledger}", object_ref=ledger,
               detail={"rows": count, "query": query[:500]}, ip=client_ip(request))
    name = f"{title}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
