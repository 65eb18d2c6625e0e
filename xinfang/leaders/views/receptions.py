"""Reception pages: arrange a session, its bookings (confirm, reschedule, cancel), record a reception."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.org.choices import UnitKind

from .. import access, selectors
from ..choices import LIVE_BOOKING, SessionKind
from ..models import ReceptionSession
from ..services import receptions as svc
from ..services.cases import leaders_choices
from .common import attempt, leaders_page, post_data, task_rows


@leaders_page(who="reception")
def session_new(request):
    data = post_data(request) if request.method == "POST" else {"kind": "reception_day", "start_time": "09:00"}
    if request.method == "POST":
        session, error = attempt(request, lambda: svc.session_create(actor=request.user, data=data),
                                 lambda errors, code: render(request, "leaders/session_form.html",
                                                             _form_ctx(data, errors), status=code))
        if error is not None:
            return error
        messages.success(request, f"已安排{session.get_kind_display()}（{session.date}）。")
        return redirect("leaders:session", pk=session.pk)
    return render(request, "leaders/session_form.html", _form_ctx(data, {}))


def _form_ctx(data, errors):
    from ..services.receptions import units_for_tasks

    return {"data": data, "errors": errors, "kinds": SessionKind.choices, "leaders": leaders_choices(),
            "towns": [u for u in units_for_tasks() if u.kind == UnitKind.TOWN]}


def _detail_ctx(request, session, data=None, errors=None):
    bookings = selectors.session_bookings(session)
    records = selectors.session_records(session)
    taken = sum(1 for b in bookings if b.status in LIVE_BOOKING)
    return {
        "s": session, "bookings": bookings, "records": records, "taken": taken,
        "free": svc.free_places(session, taken), "data": data or {}, "errors": errors or {},
        "units": svc.units_for_tasks(), "can_receive": access.runs_receptions(request.user),
        "can_record": svc.may_record(request.user, session), "today": timezone.localdate(),
        "others": ReceptionSession.objects.filter(date__gte=timezone.localdate()).exclude(pk=session.pk)
        .select_related("leader").order_by("date")[:30],
        "task_slots": range(3),
    }


@leaders_page(who="reader")
def session_detail(request, pk):
    session = selectors.session_detail(request.user, pk)
    if request.method == "POST":
        data = post_data(request)
        data["tasks"] = task_rows(request)
        record, error = attempt(request, lambda: svc.record_create(actor=request.user, session_id=pk, data=data),
                                lambda errors, code: render(request, "leaders/session.html",
                                                            _detail_ctx(request, session, data, errors), status=code))
        if error is not None:
            return error
        messages.success(request, "接访记录已保存" + (f"，已下达 {record.tasks.count()} 项任务。" if record.tasks.exists() else "。"))
        return redirect("leaders:session", pk=pk)
    return render(request, "leaders/session.html", _detail_ctx(request, session))


@leaders_page(who="reception")
def session_publish(request, pk):
    if request.method == "POST":
        published = request.POST.get("published") == "1"
        _, error = attempt(request, lambda: svc.session_update(actor=request.user, session_id=pk, data={"published": published}),
                           lambda errors, code: redirect("leaders:session", pk=pk))
        if error is None:
            messages.success(request, "已在门户公布。" if published else "已从门户撤下。")
    return redirect("leaders:session", pk=pk)


@leaders_page(who="reception")
def booking_act(request, pk, act):
    if request.method != "POST":
        return redirect("leaders:bureau")
    data = post_data(request)
    fns = {"confirm": lambda: svc.booking_confirm(actor=request.user, booking_id=pk),
           "reschedule": lambda: svc.booking_reschedule(actor=request.user, booking_id=pk, data=data),
           "cancel": lambda: svc.booking_cancel(actor=request.user, booking_id=pk, data=data)}
    if act not in fns:
        return redirect("leaders:bureau")
    booking, _error = attempt(request, fns[act], lambda errors, code: None)
    if booking is not None:
        messages.success(request, {"confirm": "已确认预约并短信告知。", "reschedule": "已改约并短信告知。",
                                   "cancel": "已取消预约。"}[act])
    back = request.POST.get("next") or ""
    return redirect(back if back.startswith("/leaders/") else "leaders:bureau")
