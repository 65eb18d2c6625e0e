"""Batch pages: forward several registered matters to one unit; sign for (accept) several at once."""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import redirect, render

from xinfang.matters.access import visible_matters
from xinfang.matters.choices import State
from xinfang.matters.selectors import list_queryset
from xinfang.org.models import Unit
from xinfang.org.permissions import BUREAU_CASE_ROLES, UNIT_ROLES

from ..forms.actions import routable_unit_choices
from ..selectors.due import due_context
from ..selectors.home import decorate
from ..services.batch import batch_perform
from .helpers import forbidden, staff_required

FORWARD_ROLES = tuple(BUREAU_CASE_ROLES)
ACCEPT_ROLES = tuple(UNIT_ROLES)
MAX_ROWS = 200


@staff_required(roles=(*FORWARD_ROLES, *ACCEPT_ROLES))
def batch_index(request):
    if request.user.has_role(*FORWARD_ROLES) and request.user.in_bureau:
        return redirect("workbench:batch-forward")
    return redirect("workbench:batch-accept")


def _versions(post) -> dict[str, int]:
    out = {}
    for key, value in post.items():
        if key.startswith("v-"):
            try:
                out[key[2:]] = int(value)
            except ValueError:
                continue
    return out


def _page(request, *, kind, rows, results=None, error="", unit_choices=None, selected_unit=""):
    return render(request, "workbench/batch.html", {
        "kind": kind, "rows": rows, "results": results, "error": error, "unit_choices": unit_choices,
        "selected_unit": selected_unit, "ok_count": sum(r.ok for r in results or []),
        "fail_count": sum(not r.ok for r in results or []),
    })


@staff_required(roles=FORWARD_ROLES)
def batch_forward(request):
    if not request.user.in_bureau:
        return forbidden(request, "只有信访局案件办理人员可以批量转送。")
    results, error = None, ""
    selected = request.POST.get("unit", "")
    if request.method == "POST":
        numbers = request.POST.getlist("numbers")
        if not numbers:
            error = "请至少勾选一件事项。"
        elif not Unit.objects.filter(code=selected).exists():
            error = "请选择主办单位。"
        else:
            results = batch_perform(actor=request.user, action="forward", numbers=numbers[:MAX_ROWS],
                                    params={"unit": selected}, versions=_versions(request.POST))
    ctx = due_context()
    qs = visible_matters(request.user).filter(status=State.REGISTERED, handling_unit__isnull=True)
    rows = decorate(list_queryset(qs.order_by(F("next_due").asc(nulls_last=True), "received_at"))[:MAX_ROWS], ctx)
    return _page(request, kind="forward", rows=rows, results=results, error=error,
                 unit_choices=routable_unit_choices(), selected_unit=selected)


@staff_required(roles=ACCEPT_ROLES)
def batch_accept(request):
    if not request.user.unit_id or request.user.in_bureau:
        return forbidden(request, "只有责任单位人员可以批量签收受理。")
    results, error = None, ""
    if request.method == "POST":
        numbers = request.POST.getlist("numbers")
        action = request.POST.get("action") or "accept"
        if not numbers:
            error = "请至少勾选一件事项。"
        elif action not in ("acknowledge", "accept"):
            error = "请选择签收或受理。"
        else:  # 签收 only records receipt (no notice); 受理 issues each matter's 受理告知书
            results = batch_perform(actor=request.user, action=action, numbers=numbers[:MAX_ROWS],
                                    versions=_versions(request.POST))
    ctx = due_context()
    qs = visible_matters(request.user).filter(
        status__in=[State.FORWARDED, State.ASSIGNED], handling_unit_id=request.user.unit_id)
    rows = decorate(list_queryset(qs.order_by(F("next_due").asc(nulls_last=True), "received_at"))[:MAX_ROWS], ctx)
    return _page(request, kind="accept", rows=rows, results=results, error=error)
