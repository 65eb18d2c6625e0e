"""Bureau staff maintain the leader reception-day schedule (also editable in Django admin)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.core.errors import AppError

from ..forms import ReceptionDayForm, apply_service_error
from ..models import ReceptionDay
from ..selectors import all_reception_days
from ..services.reception import (
    may_manage_reception,
    reception_day_create,
    reception_day_delete,
    reception_day_update,
)


def bureau_staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not may_manage_reception(request.user):
            raise PermissionDenied("只有信访局工作人员可以维护领导接访日安排。")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "HEAD"])
@bureau_staff_required
def reception_list(request):
    return render(request, "portal/staff/reception_list.html", {"days": list(all_reception_days()[:200])})


@require_http_methods(["GET", "HEAD", "POST"])
@bureau_staff_required
def reception_edit(request, pk=None):
    day = get_object_or_404(ReceptionDay, pk=pk) if pk else None
    form = ReceptionDayForm(request.POST or None, instance=day)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if day is None:
                reception_day_create(actor=request.user, **values)
            else:
                reception_day_update(actor=request.user, day=ReceptionDay.objects.get(pk=day.pk), **values)
        except AppError as exc:
            apply_service_error(form, exc, {})
        else:
            messages.success(request, "接访日安排已保存。")
            return redirect("portal:staff_reception")
    return render(request, "portal/staff/reception_form.html", {"form": form, "day": day})


@require_POST
@bureau_staff_required
def reception_delete(request, pk):
    reception_day_delete(actor=request.user, day=get_object_or_404(ReceptionDay, pk=pk))
    messages.success(request, "接访日安排已删除。")
    return redirect("portal:staff_reception")
