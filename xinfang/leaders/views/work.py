"""Pages of 包案, hearings, meetings, campaigns and tasks (the unit's inbox)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.core.errors import AppError, NotVisible
from xinfang.matters.access import access_matter

from .. import access, selectors
from ..choices import CaseOutcome, MeetingKind, TaskStatus
from ..models import Campaign, Meeting
from ..services import cases as case_svc
from ..services import hearings as hearing_svc
from ..services import meetings as meeting_svc
from ..services import tasks as task_svc
from ..services.receptions import units_for_tasks
from .common import attempt, leaders_page, post_data, task_rows


def _redirect_or(request, fn, page, success: str, target):
    result, error = attempt(request, fn, page)
    if error is not None:
        return error
    messages.success(request, success)
    name, pk = target(result) if callable(target) else target
    return redirect(name, pk=pk)


# ---- 包案 ---------------------------------------------------------------------------------------


@leaders_page
def case_list(request):
    today = timezone.localdate()
    qs = selectors.cases(request.user, request.GET, today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "leaders/cases.html", {"page": page, "today": today})


@leaders_page
def case_new(request):
    number = request.GET.get("matter") or request.POST.get("matter") or ""
    matter = access_matter(request.user, number) if number else None
    data = post_data(request) if request.method == "POST" else {"matter": number}

    def page(errors, code=200):
        return render(request, "leaders/case_form.html", {"matter": matter, "data": data, "errors": errors,
                                                         "leaders": case_svc.leaders_choices()}, status=code)

    if request.method == "POST":
        return _redirect_or(request, lambda: case_svc.case_create(actor=request.user, number=number, data=data), page,
                            "已确定包案。", lambda c: ("leaders:case", c.pk))
    return page({})


@leaders_page
def case_detail(request, pk):
    case = access.access_case(request.user, pk)
    data = post_data(request) if request.method == "POST" else {}

    def page(errors, code=200):
        return render(request, "leaders/case.html", {
            "c": case, "progress": list(case.progress.select_related("recorded_by")),
            "tasks": list(case.tasks.select_related("unit")), "data": data, "errors": errors,
            "outcomes": CaseOutcome.choices, "units": units_for_tasks(), "task_slots": range(2),
            "works": access.works_case(request.user, case), "today": timezone.localdate()}, status=code)

    if request.method == "POST":
        if request.POST.get("act") == "resolve":
            fn = lambda: case_svc.case_resolve(actor=request.user, case_id=pk, data=data)  # noqa: E731
            done = "包案已办结。"
        else:
            data["tasks"] = task_rows(request)
            fn = lambda: case_svc.case_progress(actor=request.user, case_id=pk, data=data)  # noqa: E731
            done = "已记录进展。"
        return _redirect_or(request, fn, page, done, ("leaders:case", pk))
    return page({})


# ---- hearings ----------------------------------------------------------------------------------


@leaders_page
def hearing_new(request):
    number = request.GET.get("matter") or request.POST.get("matter") or ""
    matter = access_matter(request.user, number) if number else None
    data = post_data(request) if request.method == "POST" else {"matter": number}

    def page(errors, code=200):
        return render(request, "leaders/hearing_form.html", {"matter": matter, "data": data, "errors": errors}, status=code)

    if request.method == "POST":
        return _redirect_or(request, lambda: hearing_svc.hearing_create(actor=request.user, data=data), page,
                            "已安排听证并发出听证通知书。", lambda h: ("leaders:hearing", h.pk))
    return page({})


@leaders_page
def hearing_detail(request, pk):
    hearing = access.access_hearing(request.user, pk)
    data = post_data(request) if request.method == "POST" else {}

    def page(errors, code=200):
        return render(request, "leaders/hearing.html", {"h": hearing, "data": data, "errors": errors,
                                                       "runs": access.runs_hearing(request.user, hearing)}, status=code)

    if request.method == "POST":
        act = request.POST.get("act")
        fns = {"open": hearing_svc.hearing_open, "close": hearing_svc.hearing_close, "conclude": hearing_svc.hearing_conclude}
        if act not in fns:
            return redirect("leaders:hearing", pk=pk)
        if act == "conclude":
            data["execution"] = not data.pop("no_execution", "")
        done = {"open": "已记录听证开始（事项时限自本日起暂停计算）。", "close": "已记录听证结束，复核期限已顺延。",
                "conclude": "已出具听证报告。"}[act]
        return _redirect_or(request, lambda: fns[act](actor=request.user, hearing_id=pk, data=data), page, done,
                            ("leaders:hearing", pk))
    return page({})


# ---- meetings and campaigns --------------------------------------------------------------------


@leaders_page(who="case")
def meeting_new(request):
    data = post_data(request) if request.method == "POST" else {"kind": "joint_meeting"}
    if "units" in data and isinstance(data["units"], str):
        data["units"] = [data["units"]]

    def page(errors, code=200):
        return render(request, "leaders/meeting_form.html", {"data": data, "errors": errors, "kinds": MeetingKind.choices,
                                                            "units": units_for_tasks(),
                                                            "campaigns": Campaign.objects.order_by("-start")[:20]}, status=code)

    if request.method == "POST":
        return _redirect_or(request, lambda: meeting_svc.meeting_create(actor=request.user, data=data), page,
                            "会议已登记。", lambda m: ("leaders:meeting", m.pk))
    return page({})


@leaders_page(who="reader")
def meeting_detail(request, pk):
    meeting = selectors.meetings(request.user, {}).filter(pk=pk).first()
    if meeting is None:
        raise NotVisible("未找到该会议。")
    data = post_data(request) if request.method == "POST" else {}

    def page(errors, code=200):
        return render(request, "leaders/meeting.html", {
            "m": meeting, "decisions": selectors.meeting_decisions(meeting), "data": data, "errors": errors,
            "units": units_for_tasks(), "task_slots": range(4), "can_case": access.is_case_staff(request.user),
            "today": timezone.localdate()}, status=code)

    if request.method == "POST":
        data["tasks"] = task_rows(request)
        return _redirect_or(request, lambda: meeting_svc.decision_create(actor=request.user, meeting_id=pk, data=data),
                            page, "议定事项已录入，任务已下达。", ("leaders:meeting", pk))
    return page({})


@leaders_page(who="case")
def campaign_new(request):
    data = post_data(request) if request.method == "POST" else {}

    def page(errors, code=200):
        return render(request, "leaders/campaign_form.html", {"data": data, "errors": errors,
                                                             "leaders": case_svc.leaders_choices()}, status=code)

    if request.method == "POST":
        return _redirect_or(request, lambda: case_svc.campaign_create(actor=request.user, data=data), page,
                            "专项行动已建立。", lambda c: ("leaders:campaign", c.pk))
    return page({})


@leaders_page(who="reader")
def campaign_detail(request, pk):
    campaign = selectors.campaigns(request.user).filter(pk=pk).first()
    if campaign is None:
        raise NotVisible("未找到该专项行动。")
    if request.method == "POST":
        data = post_data(request)
        result, _ = attempt(request, lambda: case_svc.campaign_add_matters(actor=request.user, campaign_id=pk, data=data),
                            lambda errors, code: None)
        if result is not None:
            messages.success(request, "已纳入专项行动。")
        return redirect("leaders:campaign", pk=pk)
    matters = list(campaign.matters.select_related("handling_unit").order_by("received_at")[:300])
    return render(request, "leaders/campaign.html", {
        "c": campaign, "progress": selectors.campaign_progress(request.user, campaign), "matters": matters,
        "meetings": Meeting.objects.filter(campaign=campaign).order_by("-date"), "can_case": access.is_case_staff(request.user)})


# ---- tasks -------------------------------------------------------------------------------------


@leaders_page
def task_list(request):
    today = timezone.localdate()
    status = 200
    try:
        qs = selectors.tasks(request.user, request.GET, today)
    except AppError as exc:  # a bad filter value: the message and the unfiltered list
        messages.error(request, exc.message)
        qs, status = selectors.tasks(request.user, {}, today), 400
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    visible = selectors.visible_matter_ids(request.user, [t.matter_id for t in page])
    return render(request, "leaders/tasks.html", {"page": page, "today": today, "visible": visible,
                                                 "statuses": TaskStatus.choices, "status": request.GET.get("status", "")},
                  status=status)


@leaders_page
def task_detail(request, pk):
    task = access.access_task(request.user, pk)
    data = post_data(request) if request.method == "POST" else {}
    today = timezone.localdate()

    def page(errors, code=200):
        return render(request, "leaders/task.html", {
            "t": task, "reports": list(task.reports.select_related("reported_by")), "records": task_svc.task_records(task),
            "matter_visible": bool(selectors.visible_matter_ids(request.user, [task.matter_id])),
            "data": data, "errors": errors, "today": today,
            "may_report": access.is_unit_staff(request.user) and request.user.unit_id == task.unit_id,
            "may_complete": access.is_case_staff(request.user)}, status=code)

    if request.method == "POST":
        if request.POST.get("act") == "complete":
            fn = lambda: task_svc.task_complete(actor=request.user, task_id=pk, data=data)  # noqa: E731
            done = "任务已办结。"
        else:
            if "done_marker" in data:
                data["done"] = bool(data.get("done"))
            fn = lambda: task_svc.task_report(actor=request.user, task_id=pk, data=data)  # noqa: E731
            done = "已报告办理情况。"
        return _redirect_or(request, fn, page, done, ("leaders:task", pk))
    return page({})
