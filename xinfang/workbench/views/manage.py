"""Administration pages for the admin role (not the Django admin): every change is logged."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.core.errors import InvalidInput
from xinfang.org.choices import Role
from xinfang.org.models import Category, Unit, User
from xinfang.workdays.calendar import LIBRARY_YEARS
from xinfang.workdays.models import CalendarOverride, CalendarYear, RuleSet, current_rules

from ..forms.common import apply_error
from ..forms.manage import (
    CalendarOverrideForm,
    CalendarYearForm,
    CategoryForm,
    RuleSetForm,
    UnitForm,
    UserForm,
)
from ..models import ChangeLog
from ..services import admin as svc
from .helpers import staff_required

admin_only = staff_required(roles=(Role.ADMIN,))


def _render(request, template, context, status=200):
    return render(request, f"workbench/manage/{template}", context, status=status)


@admin_only
def manage_index(request):
    return _render(request, "index.html", {
        "counts": {"units": Unit.objects.count(), "users": User.objects.count(),
                   "categories": Category.objects.count(), "overrides": CalendarOverride.objects.count()},
        "rules": current_rules(), "changes": ChangeLog.objects.select_related("actor")[:10],
    })


# ---- units ----------------------------------------------------------------------------------


@admin_only
def unit_list(request):
    units = Unit.objects.select_related("superior", "region").order_by("kind", "code")
    return _render(request, "units.html", {"units": units})


@admin_only
def unit_edit(request, code=None):
    unit = None
    if code is not None:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise Http404("单位不存在")
    if request.method == "POST":
        form = UnitForm(request.POST, unit=unit, initial=_unit_initial(unit) if unit else None)
        if form.is_valid():
            try:
                saved = svc.unit_save(actor=request.user, unit=unit, data=form.cleaned_data)
            except InvalidInput as exc:
                apply_error(form, exc)
            else:
                messages.success(request, f"已保存单位“{saved.name}”。")
                return redirect("workbench:manage-units")
        return _render(request, "form.html", {"form": form, "title": "编辑单位" if unit else "新增单位",
                                              "back": "/manage/units/"}, status=400)
    form = UnitForm(unit=unit, initial=_unit_initial(unit) if unit else {"active": True})
    return _render(request, "form.html", {"form": form, "title": "编辑单位" if unit else "新增单位",
                                          "back": "/manage/units/"})


def _unit_initial(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
            "superior": unit.superior.code if unit.superior else "", "region": unit.region.code if unit.region else "",
            "phone": unit.phone, "address": unit.address, "active": unit.active}


# ---- users ----------------------------------------------------------------------------------


@admin_only
def user_list(request):
    users = User.objects.select_related("unit").order_by("unit__kind", "unit__code", "username")
    return _render(request, "users.html", {"users": users})


@admin_only
def user_edit(request, pk=None):
    target = None
    if pk is not None:
        target = User.objects.filter(pk=pk).first()
        if target is None:
            raise Http404("用户不存在")
    initial = ({"username": target.username, "full_name": target.full_name, "unit": target.unit.code if target.unit else "",
                "roles": target.roles, "phone": target.phone, "is_active": target.is_active}
               if target else {"is_active": True})
    title = "编辑用户" if target else "新增用户"
    if request.method == "POST":
        form = UserForm(request.POST, user=target, initial=initial)
        if form.is_valid():
            if target is None and not form.cleaned_data.get("password"):
                form.add_error("password", "新建用户时请设置密码。")
            else:
                try:
                    saved = svc.user_save(actor=request.user, user=target, data=form.cleaned_data)
                except InvalidInput as exc:
                    apply_error(form, exc)
                else:
                    messages.success(request, f"已保存用户“{saved.username}”。")
                    return redirect("workbench:manage-users")
        return _render(request, "form.html", {"form": form, "title": title, "back": "/manage/users/"}, status=400)
    return _render(request, "form.html", {"form": UserForm(user=target, initial=initial), "title": title,
                                          "back": "/manage/users/"})


# ---- categories -----------------------------------------------------------------------------


@admin_only
def category_list(request):
    return _render(request, "categories.html", {"categories": Category.objects.order_by("code")})


@admin_only
def category_edit(request, code=None):
    category = None
    if code is not None:
        category = Category.objects.filter(code=code).first()
        if category is None:
            raise Http404("分类不存在")
    initial = ({"code": category.code, "name": category.name, "version": category.version, "active": category.active}
               if category else {"active": True, "version": "1"})
    title = "编辑内容分类" if category else "新增内容分类"
    if request.method == "POST":
        form = CategoryForm(request.POST, category=category, initial=initial)
        if form.is_valid():
            try:
                saved = svc.category_save(actor=request.user, category=category, data=form.cleaned_data)
            except InvalidInput as exc:
                apply_error(form, exc)
            else:
                messages.success(request, f"已保存分类“{saved}”。")
                return redirect("workbench:manage-categories")
        return _render(request, "form.html", {"form": form, "title": title, "back": "/manage/categories/"}, status=400)
    return _render(request, "form.html", {"form": CategoryForm(category=category, initial=initial), "title": title,
                                          "back": "/manage/categories/"})


# ---- calendar -------------------------------------------------------------------------------


@admin_only
def calendar_view(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    override_form = CalendarOverrideForm(prefix="o")
    year_form = CalendarYearForm(prefix="y", initial={"year": year})
    status = 200
    if request.method == "POST":
        try:
            if "o-date" in request.POST:
                override_form = CalendarOverrideForm(request.POST, prefix="o")
                if override_form.is_valid():
                    d = override_form.cleaned_data
                    svc.calendar_override_set(actor=request.user, date=d["date"], is_workday=d["is_workday"], note=d["note"])
                    messages.success(request, f"已设置 {d['date']:%Y-%m-%d}。")
                    return redirect(f"/manage/calendar/?year={d['date'].year}")
            else:
                year_form = CalendarYearForm(request.POST, prefix="y")
                if year_form.is_valid():
                    d = year_form.cleaned_data
                    svc.calendar_year_set(actor=request.user, year=d["year"], confirmed=d["confirmed"], note=d["note"])
                    messages.success(request, f"已更新 {d['year']} 年节假日确认状态。")
                    return redirect(f"/manage/calendar/?year={d['year']}")
        except InvalidInput as exc:
            apply_error(override_form if "o-date" in request.POST else year_form, exc)
        status = 400
    overrides = CalendarOverride.objects.filter(date__year=year).select_related("created_by")
    return _render(request, "calendar.html", {
        "year": year, "overrides": overrides, "override_form": override_form, "year_form": year_form,
        "years": CalendarYear.objects.all(), "official": year in LIBRARY_YEARS,
        "library_years": f"{min(LIBRARY_YEARS)}–{max(LIBRARY_YEARS)}" if LIBRARY_YEARS else "无",
    }, status=status)


@admin_only
@require_POST
def calendar_delete(request, date):
    try:
        day = dt.date.fromisoformat(date)
        svc.calendar_override_delete(actor=request.user, date=day)
    except (ValueError, InvalidInput):
        raise Http404("没有该日期的调整记录") from None
    messages.success(request, f"已删除 {day:%Y-%m-%d} 的调整。")
    return redirect(f"/manage/calendar/?year={day.year}")


# ---- clock settings -------------------------------------------------------------------------


@admin_only
def rules_view(request):
    params = current_rules()
    initial = {f"period_{k}": v for k, v in params.periods.items()}
    initial.update({"due_soon_workdays": params.due_soon_workdays, "max_extension_days": params.max_extension_days,
                    "collective_threshold": params.collective_threshold, "ranking_min_sample": params.ranking_min_sample,
                    "start_day_counted": params.counting.start_day_counted,
                    "roll_over_to_workday": params.counting.roll_over_to_workday,
                    "allow_reevaluation": params.allow_reevaluation})
    status = 200
    if request.method == "POST":
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                row = svc.ruleset_create(actor=request.user, data=form.service_data(), note=form.cleaned_data["note"])
            except InvalidInput as exc:
                apply_error(form, exc, aliases={f"period_{k}": f"period_{k}" for k in params.periods})
            else:
                messages.success(request, f"已启用时限规则 v{row.version}。已计算的期限不受影响。")
                return redirect("workbench:manage-rules")
        status = 400
    else:
        form = RuleSetForm(initial=initial)
    versions = RuleSet.objects.select_related("created_by").order_by("-version")[:20]
    return _render(request, "rules.html", {"form": form, "versions": versions, "current": params}, status=status)


# ---- change log -----------------------------------------------------------------------------


@admin_only
def change_list(request):
    qs = ChangeLog.objects.select_related("actor")
    if request.GET.get("type"):
        qs = qs.filter(object_type=request.GET["type"])
    page = Paginator(qs, 50).get_page(request.GET.get("page") or 1)
    return _render(request, "changes.html", {"page": page, "type": request.GET.get("type", "")})
