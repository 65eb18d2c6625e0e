"""Registration forms: one matter form per channel plus a formset of petitioners.

Form fields are deliberately lenient (types only): the registration service validates the
domain rules and its errors are mapped back onto these fields, so the form and the API give
the same answers.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from xinfang.matters.choices import Channel, Purpose
from xinfang.org.choices import COUNTY_KINDS, UnitKind
from xinfang.org.models import Category, Region, Unit

from .common import DateInput, DateTimeInput, pickers

CHANNEL_PAGES = {
    "visit": {"label": "来访登记", "channels": [Channel.VISIT], "key": "1"},
    "letter": {"label": "来信登记", "channels": [Channel.LETTER], "key": "2"},
    "phone": {"label": "来电登记", "channels": [Channel.PHONE], "key": "3"},
    "online": {"label": "网上信访转录", "channels": [Channel.ONLINE, Channel.MOBILE, Channel.LEADER_MAILBOX, Channel.FAX], "key": "4"},
    "upstream": {"label": "上级交办/转送", "channels": [Channel.UPSTREAM], "key": "5"},
}

FLAG_FIELDS = [
    ("skip_level", "越级"),
    ("law_related", "涉法涉诉"),
    ("major", "重大紧急"),
    ("backlog", "积案"),
    ("cross", "三跨三分离"),
    ("anonymous", "匿名"),
    ("confidential", "检举控告保密"),
]


def category_choices():
    """Categories grouped by their first level (only leaves are selectable)."""
    rows = list(Category.objects.filter(active=True).order_by("code").values("id", "code", "name", "level", "parent_id"))
    by_id = {r["id"]: r for r in rows}
    has_children = {r["parent_id"] for r in rows if r["parent_id"]}
    groups: dict[str, list] = {}
    for r in rows:
        if r["id"] in has_children:
            continue
        top = r
        while top["parent_id"] and top["parent_id"] in by_id:
            top = by_id[top["parent_id"]]
        path = [r["name"]]
        node = r
        while node["parent_id"] and node["parent_id"] in by_id and by_id[node["parent_id"]]["id"] != top["id"]:
            node = by_id[node["parent_id"]]
            path.insert(0, node["name"])
        groups.setdefault(top["name"], []).append((r["code"], f"{r['code']} {' / '.join(path)}"))
    return [("", "请选择内容分类…"), *groups.items()]


def region_choices():
    choices = [("", "请选择问题属地…")]
    for code, name, level in Region.objects.order_by("code").values_list("code", "name", "level"):
        choices.append((code, ("\u3000" * (level - 1)) + name))
    return choices


def unit_choices(kinds=None, blank="（无）"):
    qs = Unit.objects.filter(active=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return [("", blank), *qs.order_by("kind", "code").values_list("code", "name")]


class RegistrationForm(forms.Form):
    channel = forms.ChoiceField(label="信访形式", choices=Channel.choices, required=False)
    received_at = forms.DateTimeField(label="收到时间", required=False, widget=DateTimeInput())
    purpose = forms.ChoiceField(label="信访目的", choices=[("", "请选择…"), *Purpose.choices], required=False)
    category = forms.ChoiceField(label="内容分类", required=False)
    region = forms.ChoiceField(label="问题属地", required=False)
    region_detail = forms.CharField(label="属地详址", required=False, max_length=200)
    title = forms.CharField(label="标题", required=False, max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": "一句话概括诉求，如：小区物业违规收取停车费"}))
    content = forms.CharField(label="诉求及概况", required=False,
                              widget=forms.Textarea(attrs={"rows": 5, "placeholder": "如实记录信访人的诉求、事实和理由（Ctrl+Enter 提交）"}))
    accused_party = forms.CharField(label="被反映人或单位", required=False, max_length=200)
    accused_unit = forms.ChoiceField(label="被反映单位（县内）", required=False)
    headcount = forms.IntegerField(label="信访人数", required=False, min_value=1)
    involved_count = forms.IntegerField(label="涉及人数", required=False, min_value=1)
    visitors_count = forms.IntegerField(label="实际来访人数", required=False, min_value=0)
    public = forms.BooleanField(label="可公开", required=False, initial=True)
    upstream_unit = forms.ChoiceField(label="上级交转单位", required=False)
    upstream_number = forms.CharField(label="上级交办编号", required=False, max_length=60)
    upstream_due = forms.DateField(label="上级要求办结日期", required=False, widget=DateInput())
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)
    repeat_of = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, page: str = "visit", **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in FLAG_FIELDS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.page = page
        self.fields["channel"].choices = [(c.value, c.label) for c in CHANNEL_PAGES[page]["channels"]]
        self.fields["category"].choices = category_choices()
        self.fields["region"].choices = region_choices()
        self.fields["accused_unit"].choices = unit_choices(
            list(COUNTY_KINDS))
        self.fields["upstream_unit"].choices = unit_choices([UnitKind.EXTERNAL, UnitKind.GOVERNMENT], blank="请选择…")
        pickers(self, "category", "region", "accused_unit", "upstream_unit")
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("purpose", Purpose.REQUEST.value)
            self.initial.setdefault("channel", CHANNEL_PAGES[page]["channels"][0].value)

    @property
    def flag_fields(self):
        return [self[name] for name, _ in FLAG_FIELDS] + [self["public"]]

    def service_data(self, persons: list[dict]) -> dict:
        d = self.cleaned_data
        data = {k: d.get(k) for k in (
            "channel", "purpose", "category", "region", "region_detail", "title", "content", "accused_party",
            "accused_unit", "headcount", "involved_count", "visitors_count", "upstream_unit", "upstream_number",
        )}
        data["received_at"] = d["received_at"].isoformat() if d.get("received_at") else ""
        data["upstream_due"] = d["upstream_due"].isoformat() if d.get("upstream_due") else ""
        for name, _ in FLAG_FIELDS:
            data[name] = bool(d.get(name))
        data["public"] = bool(d.get("public"))
        data["petitioners"] = persons
        return {k: v for k, v in data.items() if v not in (None,)}


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", required=False, max_length=40)
    id_number = forms.CharField(label="身份证号", required=False, max_length=32)
    phone = forms.CharField(label="联系电话", required=False, max_length=30)
    address = forms.CharField(label="住址", required=False, max_length=200)
    is_representative = forms.BooleanField(label="代表", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        idn = self.fields["id_number"].widget
        idn.attrs.update({
            "hx-get": "/register/check-id/", "hx-trigger": "keyup changed delay:500ms, change",
            "hx-target": "next .lookup-result", "hx-swap": "innerHTML", "autocomplete": "off",
            "inputmode": "text", "maxlength": "18", "class": "js-id-number",
        })
        phone = self.fields["phone"].widget
        phone.attrs.update({
            "hx-get": "/register/lookup-phone/", "hx-trigger": "change",
            "hx-target": "next .lookup-result", "hx-swap": "innerHTML", "inputmode": "tel", "autocomplete": "off",
        })

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {}) or {}
        return not any(str(d.get(k) or "").strip() for k in ("name", "id_number", "phone", "address"))

    def person(self) -> dict:
        d = self.cleaned_data
        return {k: (d.get(k) or "") for k in ("name", "id_number", "phone", "address")} | {
            "is_representative": bool(d.get("is_representative"))}


PersonFormSet = forms.formset_factory(PersonForm, extra=0, max_num=200, absolute_max=200)
