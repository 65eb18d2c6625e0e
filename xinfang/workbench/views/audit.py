"""The auditor's screen: the personal-data access log with filters, Excel export and unusual volumes."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook

from xinfang.core.excel import DATETIME, Column, ReportSheet, meta_line
from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access
from xinfang.org.permissions import Ability, roles_with

from ..forms.audit import AuditFilterForm
from ..forms.filters import describe_query_with
from ..selectors.audit import audit_log, retention_days, reveal_threshold, unusual_volumes
from .helpers import staff_required

PER_PAGE = 50
EXPORT_LIMIT = 100_000
COLUMNS = [Column("时间", 17, DATETIME), Column("人员", 12), Column("用户名", 12), Column("所在单位", 20),
           Column("行为", 14), Column("对象类型", 12), Column("对象", 24), Column("详情", 40), Column("来源地址", 16)]


def _detail(log: AccessLog) -> str:
    return "；".join(f"{k}：{v}" for k, v in (log.detail or {}).items())


@staff_required(roles=tuple(roles_with(Ability.AUDIT)))
def audit_view(request):
    form = AuditFilterForm(request.GET or None)
    qs = audit_log(form.to_filter())
    if request.GET.get("format") == "xlsx":
        return _export(request, form, qs)
    paginator = Paginator(qs, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "workbench/audit/log.html", {
        "form": form, "page": page, "logs": page.object_list,
        "page_links": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "alerts": unusual_volumes(), "threshold": reveal_threshold(), "retention": retention_days(),
    })


def _export(request, form, qs):
    wb = Workbook(write_only=True)
    where = describe_query_with(form) or "全部"
    sheet = ReportSheet(wb, "访问日志", heading="个人信息访问日志", columns=COLUMNS,
                        meta=meta_line(user=request.user, extra=f"筛选条件：{where}"))
    rows = 0
    for log in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
        user = log.user
        sheet.append([log.at, getattr(user, "full_name", "") or "", getattr(user, "username", "") or "（公众）",
                      getattr(getattr(user, "unit", None), "name", ""), log.get_kind_display(), log.object_type,
                      log.object_ref, _detail(log), log.ip_address or ""])
        rows += 1
    sheet.close()
    out = io.BytesIO()
    wb.save(out)
    log_access(user=request.user, kind=AccessLog.Kind.EXPORT, object_type="access_log", object_ref="",
               detail={"rows": rows, "filters": where}, ip=client_ip(request))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''access-log-{stamp}.xlsx"
    return response
