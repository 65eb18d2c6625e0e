"""苗头隐患排查化解 pages: the ledger, a risk, the monthly reports, the Excel import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from xinfang.core.errors import AppError, InvalidInput, NotAllowed

from .. import access
from .. import validation as v
from ..choices import RiskLevel, RiskState
from ..exports import XLSX, xlsx_response
from ..selectors.ledgers import (
    filter_risks,
    report_status,
    reporting_units,
    risk_history,
    risk_matters,
    unit_year_reports,
)
from ..services import risk_import as importer
from ..services import risks as svc
from ..tables import RISKS
from .common import Field, act, form_page, ledger_page, list_page, post_data, tabs_context


def _unit_choices(user):
    units = reporting_units()
    if not access.is_bureau_writer(user):
        units = units.filter(pk=user.unit_id)
    return list(units.values_list("code", "name"))


@ledger_page(check=access.may_use_risks)
def risk_list(request):
    user = request.user
    writer = access.may_write_risks(user)
    actions = [{"url": reverse("ledgers:risk_new"), "label": "＋ 登记隐患"},
               {"url": reverse("ledgers:risk_reports"), "label": "月报"},
               {"url": reverse("ledgers:risk_import"), "label": "Excel 导入"}] if writer else [
        {"url": reverse("ledgers:risk_reports"), "label": "月报"}]
    return list_page(request, title="苗头隐患排查化解台账", tab="risks", ledger="risks", columns=RISKS,
                     queryset=lambda params: filter_risks(user, params),
                     extra={"actions": actions,
                            "subtitle": "乡镇（街道）和县直部门登记、化解本单位的隐患，每月报送月报（无隐患报零报告）。"})


@ledger_page(check=access.may_write_risks)
def risk_new(request):
    fields = [
        Field("unit", "排查单位", "select", _unit_choices(request.user), required=True, picker=True),
        Field("found_on", "发现日期", "date", required=True),
        Field("people_count", "涉及人数", "number", required=True),
        Field("level", "风险等级", "select", RiskLevel.choices, required=True),
        Field("summary", "隐患概况", "textarea", required=True, span=4),
        Field("responsible", "包案责任人"), Field("measures", "化解措施", "textarea", span=4),
    ]
    return form_page(request, title="登记隐患", tab="risks", fields=fields,
                     initial={"unit": request.user.unit.code if request.user.unit_id else "",
                              "found_on": timezone.localdate().isoformat()},
                     breadcrumb=[(reverse("ledgers:risks"), "隐患排查")],
                     service=lambda data: svc.risk_create(actor=request.user, data=data),
                     success=lambda r: (reverse("ledgers:risk", args=[r.pk]), "已登记隐患。"))


@ledger_page(check=access.may_use_risks)
def risk_detail(request, pk):
    row = svc.access_risk(request.user, pk)
    writer = access.may_write_risks_of(request.user, row.unit)
    return render(request, "ledgers/risk_detail.html", {
        "r": row, "tab": "risks", "today": timezone.localdate(),
        "may_resolve": row.state == RiskState.OPEN and writer, "may_edit": row.state == RiskState.OPEN and writer,
        "may_link": writer, "matters": risk_matters(request.user, row), "history": risk_history(request.user, row),
        **tabs_context(request.user)})


@ledger_page(check=access.may_use_risks)
def risk_edit(request, pk):
    row = svc.access_risk(request.user, pk)
    if not access.may_write_risks_of(request.user, row.unit):
        raise NotAllowed("只能修改本单位的隐患。")
    fields = [
        Field("found_on", "发现日期", "date", required=True),
        Field("people_count", "涉及人数", "number", required=True),
        Field("level", "风险等级", "select", RiskLevel.choices, required=True),
        Field("responsible", "包案责任人"),
        Field("summary", "隐患概况", "textarea", required=True, span=4),
        Field("measures", "化解措施", "textarea", span=4),
        Field("note", "修改说明", span=4, hint="记入修改记录"),
    ]
    initial = {f: svc._plain(getattr(row, f)) for f in svc.EDITABLE}
    return form_page(request, title=f"修改隐患 {row.pk}", tab="risks", fields=fields, initial=initial,
                     breadcrumb=[(reverse("ledgers:risks"), "隐患排查"), (reverse("ledgers:risk", args=[row.pk]), str(row.pk))],
                     service=lambda data: svc.risk_update(actor=request.user, pk=pk, data=data),
                     success=lambda r: (reverse("ledgers:risk", args=[r.pk]), "已保存修改（已记入修改记录）。"))


@ledger_page(check=access.may_use_risks)
def risk_link(request, pk):
    return act(request, lambda data: svc.risk_link(actor=request.user, pk=pk, data=data),
               success_url=reverse("ledgers:risk", args=[pk]), message="已关联事项。")


@ledger_page(check=access.may_use_risks)
def risk_unlink(request, pk):
    return act(request, lambda data: svc.risk_unlink(actor=request.user, pk=pk, data=data),
               success_url=reverse("ledgers:risk", args=[pk]), message="已取消关联。")


@ledger_page(check=access.may_use_risks)
def risk_resolve(request, pk):
    return act(request, lambda data: svc.risk_resolve(actor=request.user, pk=pk, data=data),
               success_url=reverse("ledgers:risk", args=[pk]), message="已记录化解。")


@ledger_page(check=access.may_use_risks)
def risk_reports(request):
    user = request.user
    today = timezone.localdate()
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            report = svc.report_file(actor=user, data=post_data(request))
        except AppError as exc:
            if exc.http_status in (403, 404):
                raise
            messages.error(request, exc.message)
            errors = {k: "；".join(x) for k, x in exc.fields.items()}
            status = exc.http_status
        else:
            kind = "零报告" if report.nil_report else f"月报（本月新排查 {report.risk_count} 条）"
            messages.success(request, f"{report.unit.name} 已报送 {report.month:%Y-%m} {kind}。")
            return redirect(f"{reverse('ledgers:risk_reports')}?month={report.month:%Y-%m}")
    if request.GET.get("unit") and request.method != "POST":  # one unit's year (the assessment's drill-down)
        try:
            unit, months = unit_year_reports(user, request.GET["unit"], v.year(request.GET, default=today.year))
        except AppError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            return render(request, "ledgers/risk_reports_unit.html", {
                "tab": "risks", "unit": unit, "months": months, "filed": sum(1 for m in months if m["report"]),
                "year": months[0]["month"].year, **tabs_context(user)})
    try:
        month = v.month({"month": request.GET.get("month") or today.strftime("%Y-%m")})
    except AppError as exc:
        messages.error(request, exc.message)
        month, status = today.replace(day=1), 400
    rows = report_status(user, month)
    missing = [r for r in rows if r["report"] is None]
    if request.GET.get("export") == "xlsx":
        from xinfang.core.excel import DATETIME, INT

        from ..tables import Column

        columns = [Column("单位代码", lambda r: r["unit"].code), Column("单位", lambda r: r["unit"].name, 24),
                   Column("是否报送", lambda r: "已报送" if r["report"] else "未报送"),
                   Column("零报告", lambda r: ("是" if r["report"].nil_report else "否") if r["report"] else ""),
                   Column("新排查隐患数", lambda r: r["report"].risk_count if r["report"] else None, kind=INT),
                   Column("报送时间", lambda r: r["report"].filed_at if r["report"] else None, 17, kind=DATETIME)]
        return xlsx_response(request, ledger="risk_reports", title=f"隐患排查月报{month:%Y-%m}", columns=columns,
                             rows=rows, params={"month": month.strftime("%Y-%m")})
    return render(request, "ledgers/risk_reports.html", {
        "tab": "risks", "month": month, "month_value": month.strftime("%Y-%m"), "rows": rows, "missing": missing,
        "units": _unit_choices(user) if (access.is_bureau_writer(user) or access.unit_staff(user)) else [],
        "errors": errors, "data": post_data(request) if request.method == "POST" else {},
        "this_month": today.strftime("%Y-%m"), **tabs_context(user)}, status=status)


@ledger_page(check=access.may_write_risks)
def risk_import(request):
    result, status = None, 200
    if request.GET.get("template"):
        response = HttpResponse(importer.template_bytes(), content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E9%9A%90%E6%82%A3%E6%8E%92%E6%9F%A5%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
        return response
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput("请选择要导入的 Excel 文件。", fields={"file": "请选择文件"})
            result = importer.import_risks(actor=request.user, upload=upload)
        except AppError as exc:
            if exc.http_status in (403, 404):
                raise
            messages.error(request, exc.message)
            status = exc.http_status
        else:
            if result.errors:
                messages.error(request, f"有 {len(result.errors)} 行有误，整份文件未导入。请修改后重新导入。")
                status = 400
            else:
                messages.success(request, f"已导入 {result.saved} 条隐患。")
                return redirect(reverse("ledgers:risks"))
    return render(request, "ledgers/risk_import.html", {"tab": "risks", "result": result, "max_rows": importer.MAX_ROWS,
                                                        **tabs_context(request.user)}, status=status)
