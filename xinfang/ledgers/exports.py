"""Excel export of every ledger: the list's own filter and columns (``tables.py``), written through
``core.excel.ReportSheet`` (title row, exporting unit and time, typed dates, money and percentages,
autofilter; typed text stays text). Small exports are answered in the request; above
``settings.XINFANG_LEDGER_INLINE_ROWS`` rows the workbench's background export job writes the file
(progress page, download when ready; runner ``run_job``). Every export is in the access log."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from openpyxl import Workbook

from xinfang.core import excel
from xinfang.core.errors import NotAllowed
from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access
from xinfang.workbench.models import ExportJob
from xinfang.workbench.services.exports import purge_old_exports, start_export

from . import access
from .filters import describe
from .models import FundAllocation
from .selectors.ledgers import (
    filter_grants,
    filter_library,
    filter_proposals,
    filter_publicity,
    filter_risks,
    filter_trainings,
    fund_years,
    hours_by_person,
)
from .selectors.suggestions import figures_by_theme, suggestion_matters
from .tables import GRANTS, HOURS, LIBRARY, PROPOSALS, PUBLICITY, RISKS, SUGGESTIONS, TRAININGS, Column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Sheet:
    """An extra sheet: a name and typed columns (``core.excel.Column``) with rows of values."""

    name: str
    columns: list[excel.Column]
    rows: list[list]


@dataclass(frozen=True)
class LedgerExport:
    title: str
    columns: list[Column]
    rows: Callable  # (user, params) -> QuerySet | list; raises InvalidInput for a bad filter
    sheets: Callable = field(default=lambda user, params: [])  # (user, params) -> list[Sheet]
    may: Callable = field(default=access.is_staff)  # (user) -> bool, checked again when the job runs


def _theme_sheet(user, params):
    cols = [excel.Column("主题", 24), *[excel.Column(t, 10, excel.INT) for t in
                                        ("收到", "已答复", "采纳", "部分采纳", "未采纳", "已奖励")]]
    return [Sheet("按主题", cols, [[t["label"], t["received"], t["answered"], t["adopted"], t["partly_adopted"],
                                    t["not_adopted"], t["rewarded"]] for t in figures_by_theme(user, params)])]


def _fund_sheets(user, params):
    money = excel.MONEY
    years = fund_years()
    return [
        Sheet("年度汇总", [excel.Column("年度", 8, excel.INT), excel.Column("安排合计", 14, money),
                          excel.Column("已批准/已发放", 14, money), excel.Column("待审批", 14, money),
                          excel.Column("余额", 14, money), excel.Column("申请件数", 10, excel.INT)],
              [[y["year"], y["allocated"], y["granted"], y["pending"], y["balance"], y["count"]] for y in years]),
        Sheet("资金安排", [excel.Column("年度", 8, excel.INT), excel.Column("金额", 14, money),
                          excel.Column("来源", 24), excel.Column("登记时间", 12, excel.DATE)],
              [[a.fund_year.year, a.amount, a.source, a.created_at]
               for a in FundAllocation.objects.select_related("fund_year").order_by("-created_at")]),
    ]


def _hours_year(params) -> int:
    year = str(params.get("year", ""))
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year


def _hours_sheet(user, params):
    year = _hours_year(params)
    bureau = access.sees_county(user) and user.in_bureau
    rows = hours_by_person(year, user=None if bureau else user)
    cols = [excel.Column(c.label, c.width, c.kind) for c in HOURS]
    return [Sheet(f"{year}年个人学时", cols, [[c.excel(r) for c in HOURS] for r in rows])]


LEDGERS: dict[str, LedgerExport] = {
    "suggestions": LedgerExport("人民建议征集台账", SUGGESTIONS, suggestion_matters, _theme_sheet),
    "proposals": LedgerExport("人大建议和政协提案台账", PROPOSALS, lambda user, params: filter_proposals(user, params)),
    "risks": LedgerExport("苗头隐患排查化解台账", RISKS, filter_risks, may=access.may_use_risks),
    "fund": LedgerExport("特殊疑难信访问题补助资金台账", GRANTS, lambda user, params: filter_grants(params), _fund_sheets,
                         may=access.may_see_fund),
    "library": LedgerExport("法治信访资料库", LIBRARY, lambda user, params: filter_library(params)),
    "publicity": LedgerExport("《信访工作条例》宣传活动台账", PUBLICITY, lambda user, params: filter_publicity(params)),
    "trainings": LedgerExport("信访干部业务培训台账", TRAININGS, lambda user, params: filter_trainings(params),
                              _hours_sheet),
}


def write_workbook(*, user, title: str, columns: list[Column], rows, sheets=(), params: dict | None = None,
                   progress=None, ledger: str = "") -> tuple[Workbook, int]:
    """The ledger's rows on a ``ReportSheet`` (then the extra sheets); ``progress(done)`` every 500 rows.
    The filter line names the filter in words (``filters.describe``)."""
    wb = Workbook(write_only=True)
    meta = excel.meta_line(user=user, extra=f"筛选条件：{describe(ledger, params or {}, user)}")
    heading = f"{settings.XINFANG_COUNTY_NAME}{title}"
    sheet = excel.ReportSheet(wb, title, heading=heading, meta=meta,
                              columns=[excel.Column(c.label, c.width, c.kind) for c in columns])
    done = 0
    for obj in rows:
        sheet.append([c.excel(obj) for c in columns])
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    sheet.close()
    for extra in sheets:
        more = excel.ReportSheet(wb, extra.name, heading=f"{heading}（{extra.name}）", meta=meta, columns=extra.columns)
        for values in extra.rows:
            more.append(values)
        more.close()
    return wb, done


def workbook_bytes(**kwargs) -> tuple[bytes, int]:
    wb, count = write_workbook(**kwargs)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), count


def _file_name(title: str) -> str:
    return f"{title}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"


def xlsx_response(request, *, ledger: str, title: str, columns, rows, params: dict | None = None, sheets=()):
    """An export answered in the request (small lists, the monthly report status)."""
    content, count = workbook_bytes(user=request.user, title=title, columns=columns, rows=rows, sheets=sheets,
                                    params=params, ledger=ledger)
    log_access(user=request.user, kind=AccessLog.Kind.EXPORT, object_type=f"ledger_{ledger}", object_ref=ledger,
               detail={"rows": count, "query": urlencode(params or {})[:500]}, ip=client_ip(request))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_file_name(title))}"
    return response


def _count(rows) -> int:
    return rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)


def export_ledger(request, ledger: str, params: dict):
    """The list page's "导出 Excel": in the request when small, else a background job (redirect to its page)."""
    spec = LEDGERS[ledger]
    user = request.user
    rows = spec.rows(user, params)
    total = _count(rows)
    if total > settings.XINFANG_LEDGER_INLINE_ROWS:
        job = ExportJob.objects.create(user=user, kind=f"ledger:{ledger}", label=spec.title,
                                       query=urlencode(params)[:2000], query_text=describe(ledger, params, user)[:1000],
                                       total=total, file_name=_file_name(spec.title))
        purge_old_exports()
        start_export(job)
        return redirect("workbench:export", pk=job.pk)
    if hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=500)
    return xlsx_response(request, ledger=ledger, title=spec.title, columns=spec.columns, rows=rows, params=params,
                         sheets=spec.sheets(user, params))


def run_job(job, path, progress) -> tuple[int, str, dict]:
    """The workbench job's runner for ``ledger:<name>``: the same filter, columns and sheets as the page,
    as the job's user (whose access is checked again: a role taken away meanwhile stops the export)."""
    ledger = job.kind.split(":", 1)[1]
    spec = LEDGERS.get(ledger)
    user = job.user
    if spec is None or not user.is_active or not spec.may(user):
        raise NotAllowed("无权导出该台账。")
    params = dict(parse_qsl(job.query))
    rows = spec.rows(user, params)
    progress(0, _count(rows))
    wb, done = write_workbook(user=user, title=spec.title, columns=spec.columns,
                              rows=rows.iterator(chunk_size=500) if hasattr(rows, "iterator") else rows,
                              sheets=spec.sheets(user, params), params=params, progress=progress, ledger=ledger)
    wb.save(str(path))
    return done, f"ledger_{ledger}", {"ledger": ledger}
