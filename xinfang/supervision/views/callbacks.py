"""Callbacks and spot checks (回访/抽查): the bureau's task list, outcomes, sampling plans."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.core.errors import AppError, InvalidInput
from xinfang.org.choices import UnitKind
from xinfang.org.models import User

from .. import selectors
from ..access import access_callback, is_bureau_staff
from ..choices import CallbackMethod
from ..models import SamplingPlan
from ..services import callbacks as svc
from .common import forbidden, post_data, show_error, supervision_page


@supervision_page(who="county")
def callback_list(request):
    if not request.user.in_bureau:
        return forbidden(request, "回访和抽查由信访局组织，被回访单位不能查看。")
    qs = selectors.callback_queryset(request.user, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "supervision/callback_list.html", {
        "page": page, "state": request.GET.get("state") or "todo", "plans": SamplingPlan.objects.all()[:12],
        "bureau": is_bureau_staff(request.user), "today": today,
        "last_month": (today.replace(day=1) - dt.timedelta(days=1)),
    })


@supervision_page(who="bureau")
def sampling_new(request):
    if request.method == "POST":
        try:
            plan = svc.sampling_plan_create(actor=request.user, year=request.POST.get("year"),
                                            month=request.POST.get("month"), percent=request.POST.get("percent"))
            messages.success(request, f"已生成{plan}：抽取 {plan.tasks.count()} 件。")
        except AppError as exc:
            show_error(request, exc)
    return redirect("supervision:callbacks")


@supervision_page(who="county")
def callback_detail(request, pk):
    task = access_callback(request.user, pk)
    errors, data = {}, {}
    if request.method == "POST":
        data = post_data(request)
        try:
            if "assignee" in data:
                assignee = User.objects.filter(pk=data.get("assignee") or 0).first()
                if assignee is None:
                    raise InvalidInput("请选择回访人。", fields={"assignee": "请选择回访人"})
                svc.callback_assign(actor=request.user, task_id=pk, assignee=assignee)
                messages.success(request, f"已指派给 {assignee}。")
            else:
                task = svc.callback_record(actor=request.user, task_id=pk, data=data)
                messages.success(request, "回访结果已登记。" + (f"已发出督办单 {task.follow_up.number}。" if task.follow_up else ""))
            return redirect("supervision:callback", pk=pk)
        except AppError as exc:
            if exc.http_status == 404:
                raise
            errors = show_error(request, exc)
    callers = [u for u in User.objects.filter(is_active=True, unit__kind=UnitKind.BUREAU).select_related("unit")
               if is_bureau_staff(u) and svc.is_independent(u, task)]
    return render(request, "supervision/callback_detail.html", {
        "task": task, "errors": errors, "data": data, "methods": CallbackMethod.choices, "callers": callers,
        "bureau": is_bureau_staff(request.user), "independent": svc.is_independent(request.user, task),
    }, status=400 if errors else 200)
