"""法治信访资料库 pages; publicity activities and training."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from xinfang.org.models import User

from .. import access
from ..choices import LibraryKind
from ..filters import categories as _categories
from ..models import Training
from ..selectors.ledgers import (
    filter_library,
    filter_publicity,
    filter_trainings,
    hours_by_person,
    publicity_duty,
)
from ..services import library as svc
from ..services import publicity as pub
from ..tables import LIBRARY, PUBLICITY, TRAININGS
from .common import Field, act, form_page, ledger_page, list_page, tabs_context


@ledger_page
def library_list(request):
    actions = [{"url": reverse("ledgers:library_new"), "label": "＋ 新增资料"}] if access.is_bureau_writer(request.user) else []
    return list_page(request, title="法治信访资料库", tab="library", ledger="library", columns=LIBRARY,
                     queryset=filter_library,
                     extra={"actions": actions, "subtitle": "法律、法规规章、政策文件、典型案例、内部制度和制度草案；中文全文检索（分词）。"})


def _item_fields(create: bool):
    fields = [
        Field("kind", "类别", "select", LibraryKind.choices, required=True), Field("title", "标题", required=True, span=2),
        Field("issuer", "制定/发布机关"), Field("doc_number", "文号"), Field("issued_on", "发布日期", "date"),
        Field("effective_on", "施行日期", "date"), Field("expires_on", "失效日期", "date"),
        Field("effective", "现行有效", "checkbox"),
        Field("categories", "适用内容分类（事项页“相关规定”按此显示）", "multiselect", _categories(), span=2,
              picker=True),
        Field("text", "正文", "textarea", required=True, span=4),
    ]
    if not create:
        fields.append(Field("note", "修改说明", span=4, hint="正文或标题改动保存为新版本"))
    return fields


@ledger_page(check=access.is_bureau_writer)
def library_new(request):
    return form_page(request, title="新增资料", tab="library", fields=_item_fields(True), lists=("categories",),
                     initial={"effective": True, "categories": []}, breadcrumb=[(reverse("ledgers:library"), "资料库")],
                     service=lambda data: svc.item_create(actor=request.user, data={**data, "effective": data.get("effective") or "false"}),
                     success=lambda r: (reverse("ledgers:library_item", args=[r.pk]), "已保存。"))


@ledger_page(check=access.is_bureau_writer)
def library_edit(request, pk):
    item = svc.access_item(request.user, pk)
    initial = {f: getattr(item, f) for f in ("kind", "title", "issuer", "doc_number", "text", "effective")}
    initial.update({f: getattr(item, f).isoformat() if getattr(item, f) else "" for f in ("issued_on", "effective_on", "expires_on")})
    initial["categories"] = [c.code for c in item.categories.all()]
    return form_page(request, title=f"修改：{item.title}", tab="library", fields=_item_fields(False), lists=("categories",),
                     initial=initial, breadcrumb=[(reverse("ledgers:library"), "资料库")],
                     service=lambda data: svc.item_update(actor=request.user, pk=pk,
                                                          data={**data, "effective": data.get("effective") or "false"}),
                     success=lambda r: (reverse("ledgers:library_item", args=[r.pk]), f"已保存（第 {r.version} 版）。"))


@ledger_page
def library_item(request, pk):
    item = svc.access_item(request.user, pk)
    version = None
    if request.GET.get("version", "").isdigit():
        version = item.versions.filter(version=int(request.GET["version"])).first()
    return render(request, "ledgers/library_item.html", {
        "item": item, "tab": "library", "shown": version, "versions": item.versions.select_related("created_by"),
        "comments": item.comments.select_related("author"), "categories": item.categories.all(),
        "writer": access.is_bureau_writer(request.user), **tabs_context(request.user)})


@ledger_page
def library_comment(request, pk):
    return act(request, lambda data: svc.comment_add(actor=request.user, pk=pk, data=data),
               success_url=reverse("ledgers:library_item", args=[pk]), message="已提交意见。")


@ledger_page(check=access.is_bureau_writer)
def library_publish(request, pk):
    return act(request, lambda data: svc.item_publish(actor=request.user, pk=pk, data=data),
               success_url=reverse("ledgers:library_item", args=[pk]), message="公开状态已更新。")


@ledger_page
def publicity_list(request):
    year = timezone.localdate().year
    actions = [{"url": reverse("ledgers:publicity_new"), "label": "＋ 登记宣传活动"}] if access.is_bureau_writer(request.user) else []
    return list_page(request, title="《信访工作条例》宣传活动", tab="publicity", ledger="publicity", columns=PUBLICITY,
                     queryset=filter_publicity,
                     extra={"actions": actions, "summary_template": "ledgers/_publicity_duty.html",
                            "duty": publicity_duty(int(request.GET["year"]) if request.GET.get("year", "").isdigit() else year)})


@ledger_page(check=access.is_bureau_writer)
def publicity_new(request):
    fields = [Field("date", "活动日期", "date", required=True), Field("title", "活动名称", required=True, span=2),
              Field("place", "地点", required=True), Field("audience_count", "受众人数", "number", required=True),
              Field("material", "宣传材料/形式", "textarea", span=4)]
    return form_page(request, title="登记宣传活动", tab="publicity", fields=fields,
                     breadcrumb=[(reverse("ledgers:publicity"), "宣传活动")],
                     service=lambda data: pub.publicity_create(actor=request.user, data=data),
                     success=lambda r: (reverse("ledgers:publicity"), "已登记宣传活动。"))


@ledger_page
def training_list(request):
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() and 2000 <= int(request.GET["year"]) <= 2100 \
        else timezone.localdate().year
    bureau = access.sees_county(request.user) and request.user.in_bureau
    hours = hours_by_person(year, user=None if bureau else request.user)
    actions = [{"url": reverse("ledgers:training_new"), "label": "＋ 登记培训"}] if access.is_bureau_writer(request.user) else []
    return list_page(request, title="信访干部业务培训", tab="trainings", ledger="trainings", columns=TRAININGS,
                     queryset=filter_trainings,
                     extra={"actions": actions, "after_template": "ledgers/_training_hours.html", "hours": hours,
                            "hours_year": year, "bureau_view": bureau})


@ledger_page(check=access.is_bureau_writer)
def training_new(request):
    staff = list(User.objects.filter(is_active=True).exclude(roles=[]).order_by("unit__code", "username")
                 .values_list("username", "full_name"))
    fields = [Field("date", "培训日期", "date", required=True), Field("title", "培训名称", required=True, span=2),
              Field("hours", "学时", "number", required=True), Field("place", "地点"), Field("organizer", "主办"),
              Field("attendees", "参训人员（可多选）", "multiselect",
                    [(u, f"{n or u}（{u}）") for u, n in staff], span=2, picker=True)]
    return form_page(request, title="登记培训", tab="trainings", fields=fields, lists=("attendees",),
                     initial={"attendees": []}, breadcrumb=[(reverse("ledgers:trainings"), "业务培训")],
                     service=lambda data: pub.training_create(actor=request.user, data=data),
                     success=lambda r: (reverse("ledgers:training", args=[r.pk]), "已登记培训。"))


@ledger_page
def training_detail(request, pk):
    row = Training.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if row is None:
        from django.http import Http404

        raise Http404()
    return render(request, "ledgers/training_detail.html", {
        "t": row, "attendees": row.attendees.select_related("unit").order_by("unit__code", "username"), "tab": "trainings",
        **tabs_context(request.user)})
