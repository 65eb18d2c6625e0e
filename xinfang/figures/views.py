"""The figures pages: 形势研判 dashboard, volume tables, drill-down, assessment, reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.core.errors import AppError
from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access
from xinfang.core.views import guarded
from xinfang.org.permissions import COUNTY_WIDE_ROLES

from . import assessment, assessment_papers, briefing, measures, reports, selectors, volume
from .models import AssessmentScheme, Report, ReportKind, ReportState, Rule
from .periods import Period, parse_day, parse_period


def _forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "figures/error.html", {"message": message}, status=403)


def _staff(user):
    return None if (user.roles or user.is_superuser) else ""


def _county(user):
    return None if user.has_role(*COUNTY_WIDE_ROLES) else "只有信访局、县领导和审计人员可以查看考核与报告。"


def staff_page(fn):
    return guarded(fn, refusal=_staff, forbidden=_forbidden)


def county_page(fn):
    return guarded(fn, refusal=_county, forbidden=_forbidden)


def _period(request) -> tuple[Period, dict]:
    try:
        return parse_period(request.GET), {}
    except AppError as exc:
        messages.error(request, exc.message)
        return parse_period({}), exc.fields


def _q(request) -> str:
    return request.GET.urlencode()


@staff_page
def dashboard(request):
    period, errors = _period(request)
    data = selectors.dashboard(request.user, period)
    return render(request, "figures/dashboard.html", {**data, "period": period, "errors": errors})


@staff_page
def volume_page(request):
    period, errors = _period(request)
    by = request.GET.get("by") if request.GET.get("by") in volume.DIMENSIONS else "category"
    try:
        level = volume.parse_level(request.GET.get("level"), by)
    except AppError as exc:
        messages.error(request, exc.message)
        level = 1
    data = volume.volume(request.user, period, by, level)
    return render(request, "figures/volume.html", {
        "data": data, "period": period, "errors": errors, "by": by, "level": level, "dimensions": volume.DIMENSIONS,
        "columns": list(volume.MEASURE_LABELS.items()), "query": f"from={period.date_from}&to={period.date_to}"})


@staff_page
def drill(request):
    period, _ = _period(request)
    from .api import drill_filters

    measure = request.GET.get("measure") or "petitions"
    try:
        qs = volume.drill(request.user, period, measure, drill_filters(request.GET))
    except AppError as exc:
        messages.error(request, exc.message)
        measure, qs = "petitions", volume.drill(request.user, period, "petitions")
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "figures/drill.html", {
        "page": page, "period": period, "measure": measure, "measure_label": volume.MEASURE_LABELS[measure],
        "petitions": measure in volume.PETITION_MEASURES, "by": request.GET.get("by", ""), "key": request.GET.get("key", ""),
        "query": request.GET.copy().urlencode() if "page" not in request.GET else
        "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page")})


# ---- assessment ------------------------------------------------------------------------------

DEFAULT_INDICATORS = [
    ("timely_acceptance", "及时受理率", 15, "rate"), ("on_time_completion", "按期办结率", 15, "rate"),
    ("participation", "参评率", 10, "rate"), ("satisfaction", "满意率", 15, "rate"),
    ("overdue_count", "超期件次", 10, "deduct"), ("supervision_count", "被督查督办件次", 5, "deduct"),
    ("repeat_rate", "重复信访率", 10, "inverse_rate"), ("risk_reports", "隐患排查月报按时报送率", 5, "rate"),
    ("tasks_on_time", "交办任务按期完成率", 5, "rate"), ("manual", "工作创新与台账管理（人工评分）", 10, "manual"),
]


@county_page
def assessments(request):
    if request.method == "POST":
        data = {"year": request.POST.get("year"), "name": request.POST.get("name"), "indicators": []}
        for i in range(12):
            label = (request.POST.get(f"label_{i}") or "").strip()
            if not label:
                continue
            data["indicators"].append({"code": request.POST.get(f"code_{i}") or f"k{i + 1}", "label": label,
                                       "weight": request.POST.get(f"weight_{i}"), "measure": request.POST.get(f"measure_{i}"),
                                       "rule": request.POST.get(f"rule_{i}"), "per_item": request.POST.get(f"per_item_{i}") or 1})
        try:
            scheme = assessment.create_scheme(actor=request.user, data=data)
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("figures:assessment", pk=scheme.pk)
    rows = [{"code": f"k{i + 1}", "measure": m, "label": label, "weight": w, "rule": r, "per_item": 1}
            for i, (m, label, w, r) in enumerate(DEFAULT_INDICATORS)]
    rows += [{"code": f"k{i + 1}", "measure": "", "label": "", "weight": "", "rule": "", "per_item": 1}
             for i in range(len(rows), 12)]
    return render(request, "figures/assessments.html", {
        "schemes": AssessmentScheme.objects.order_by("-year", "-id")[:50], "rows": rows,
        "measures": [(m.code, m.label) for m in measures.REGISTRY.values() if not m.code.startswith("test_")],
        "rules": Rule.choices, "may_edit": assessment.may_edit(request.user), "year": timezone.localdate().year})


@county_page
def assessment_detail(request, pk):
    scheme = assessment.access_scheme(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                assessment.publish_scheme(actor=request.user, pk=pk)
                messages.success(request, "考核方案已发布，指标和权重不能再修改。")
            elif action == "manual":
                assessment.enter_manual_score(actor=request.user, pk=pk, indicator_code=request.POST.get("indicator"),
                                              unit_code=request.POST.get("unit"), points=request.POST.get("points"),
                                              evidence=request.POST.get("evidence"))
                messages.success(request, "人工评分已保存。")
            elif action == "notice":
                doc = assessment_papers.issue_notice(actor=request.user, pk=pk)
                messages.success(request, f"考核结果通报已印发：{doc.doc_number}")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("figures:assessment", pk=pk)
    result = assessment.scores(request.user, scheme)
    return render(request, "figures/assessment.html", {
        "scheme": scheme, "result": result, "may_edit": assessment.may_edit(request.user),
        "manual": [i for i in result["indicators"] if i.rule == Rule.MANUAL]})


@county_page
def assessment_export(request, pk):
    scheme = assessment.access_scheme(request.user, pk)
    body = assessment_papers.workbook(request.user, scheme)
    log_access(user=request.user, kind=AccessLog.Kind.EXPORT, object_type="assessment", object_ref=str(scheme.pk),
               detail={"year": scheme.year}, ip=client_ip(request))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="assessment-{scheme.year}-{scheme.pk}.xlsx"'
    return response


# ---- reports ---------------------------------------------------------------------------------


@county_page
def report_list(request):
    if request.method == "POST":
        try:
            kind = request.POST.get("kind") or ""
            report = reports.create_report(actor=request.user, kind=kind,
                                           date_from=parse_day(request.POST.get("from", ""), "from", "开始日期"),
                                           date_to=parse_day(request.POST.get("to", ""), "to", "结束日期"))
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("figures:report", pk=report.pk)
    today = timezone.localdate()
    return render(request, "figures/reports.html", {
        "drafts": Report.objects.filter(state=ReportState.DRAFT).order_by("-updated_at")[:50],
        "issued": Report.objects.filter(state=ReportState.ISSUED).select_related("document").order_by("-period_to", "-id")[:100],
        "kinds": ReportKind.choices, "may_write": reports.may_write(request.user), "today": today})


@county_page
def report_detail(request, pk):
    report = reports.access_report(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save":
                reports.update_report(actor=request.user, pk=pk, title=request.POST.get("title"), body=request.POST.get("body"))
                messages.success(request, "草稿已保存。")
            elif action == "refresh":
                reports.refresh_figures(actor=request.user, pk=pk)
                messages.success(request, "数据已按最新登记情况重新计算（正文未改动，请核对其中的数字）。")
            elif action == "issue":
                report = reports.issue_report(actor=request.user, pk=pk)
                messages.success(request, f"报告已印发：{report.document.doc_number}")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("figures:report", pk=pk)
    from .report_figures import blocks_available

    return render(request, "figures/report.html", {"report": report, "may_write": reports.may_write(request.user),
                                                   "blocks": blocks_available(report.kind, report.figures)})


@county_page
def report_preview(request, pk):
    """The draft as a PDF (not numbered, not stored), to read it page by page before issuing."""
    report = reports.access_report(request.user, pk)
    pdf = reports.preview_pdf(report)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{report.pk}-draft.pdf"'
    return response



# ---- 简报 ------------------------------------------------------------------------------------


@county_page
def briefing_page(request):
    """信访工作简报 of a period on screen (printable); 存为草稿 → the report draft to edit and issue."""
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        try:
            period = briefing.parse_briefing_period(request.POST, today)
            report = reports.create_report(actor=request.user, kind=ReportKind.BRIEFING, date_from=period.date_from,
                                           date_to=period.date_to, today=today)
        except AppError as exc:
            if exc.http_status in (403, 404):
                raise
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, "简报草稿已生成：可修改正文，预览后印发（编号、DOCX 和 PDF）。")
            return redirect("figures:report", pk=report.pk)
    try:
        period = briefing.parse_briefing_period(request.GET if status == 200 else {}, today)
    except AppError as exc:
        messages.error(request, exc.message)
        period, status = briefing.default_period(today), 400
    data = briefing.briefing(request.user, period, today)
    return render(request, "figures/briefing.html", {
        **data, "period": period, "may_write": reports.may_write(request.user),
        "issued": briefing.issued_briefings(), "drafts": briefing.briefing_drafts()}, status=status)
