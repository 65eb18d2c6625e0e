"""The matter list's filter form. It only renders: filtering is selectors.filter_matters (shared with the API)."""

from __future__ import annotations

from django import forms

from xinfang.matters.choices import Channel, Purpose, State
from xinfang.matters.lookup import classify
from xinfang.matters.selectors import FLAG_FIELDS
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit

from ..labels import FLAG_LABELS
from .common import DateInput, pickers
from .registration import category_choices, region_choices

PER_PAGE = (20, 50, 100)
SORT_CHOICES = [
    ("-received", "收到时间（新→旧）"), ("received", "收到时间（旧→新）"),
    ("due", "期限（近→远）"), ("-due", "期限（远→近）"),
    ("-number", "编号（大→小）"), ("number", "编号（小→大）"),
    ("-updated", "最近办理"),
]
STATUS_GROUPS = [
    ("forwarded,assigned", "待受理（已转送/已交办）"),
    ("replied,reviewed", "已答复/已复查"),
    ("review_requested,recheck_requested", "复查复核中"),
]
TRI = [("", "不限"), ("true", "是"), ("false", "否")]


class MatterFilterForm(forms.Form):
    q = forms.CharField(label="查找", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "编号、查询码、电话、证件号、姓名，或标题内容的词"}))
    status = forms.ChoiceField(label="状态", required=False)
    unit = forms.ChoiceField(label="主办单位", required=False)
    channel = forms.ChoiceField(label="信访形式", required=False, choices=[("", "不限"), *Channel.choices])
    purpose = forms.ChoiceField(label="信访目的", required=False, choices=[("", "不限"), *Purpose.choices])
    category = forms.ChoiceField(label="内容分类", required=False)
    region = forms.ChoiceField(label="问题属地", required=False)
    received_after = forms.DateField(label="收到自", required=False, widget=DateInput())
    received_before = forms.DateField(label="收到至", required=False, widget=DateInput())
    due_after = forms.DateField(label="期限自", required=False, widget=DateInput())
    due_before = forms.DateField(label="期限至", required=False, widget=DateInput())
    overdue = forms.ChoiceField(label="超期", required=False, choices=TRI)
    acknowledged = forms.ChoiceField(label="已签收", required=False, choices=TRI)
    overdue_for = forms.ChoiceField(label="对该单位超期", required=False,
                                    help_text="该单位自己的受理、办理、复查等时限已过期（复查机关的时限不算原办理单位超期）")
    sort = forms.ChoiceField(label="排序", required=False, choices=SORT_CHOICES)
    per_page = forms.TypedChoiceField(label="每页", required=False, coerce=int, choices=[(n, n) for n in PER_PAGE])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status_choices = [("", "全部"), ("open", "全部在办"), *State.choices, *STATUS_GROUPS]
        current = self.data.get("status") if hasattr(self.data, "get") else None
        if current and current not in dict(status_choices):
            labels = dict(State.choices)
            status_choices.append((current, "、".join(labels.get(s, s) for s in current.split(","))))
        self.fields["status"].choices = status_choices
        self.fields["unit"].choices = [("", "不限"), *Unit.objects.filter(active=True).exclude(kind=UnitKind.EXTERNAL)
                                       .order_by("kind", "code").values_list("code", "name")]
        self.fields["overdue_for"].choices = self.fields["unit"].choices
        cats = category_choices()
        self.fields["category"].choices = [("", "不限"), *cats[1:]]
        self.fields["region"].choices = [("", "不限"), *region_choices()[1:]]
        pickers(self, "unit", "overdue_for", "category", "region")
        for flag in FLAG_FIELDS:
            self.fields[flag] = forms.ChoiceField(label=FLAG_LABELS[flag], required=False, choices=TRI)

    @property
    def flag_fields(self):
        return [self[f] for f in FLAG_FIELDS]

    @property
    def has_advanced(self) -> bool:
        data = self.data
        return any(data.get(f) for f in (*FLAG_FIELDS, "due_after", "due_before", "overdue", "purpose", "region",
                                          "overdue_for", "acknowledged"))


def describe_filters(query: str) -> str:
    """A matter-list query string in words (“收到自：2026-12-04；排序：收到时间（新→旧）”) for people, not URLs."""
    from django.http import QueryDict

    return describe_query_with(MatterFilterForm(QueryDict(query or "")))


def describe_query_with(form: forms.Form) -> str:
    """Any filter form's submitted values in words, by its fields' labels and choice labels."""
    parts = []
    for name, field in form.fields.items():
        value = form.data.get(name) if hasattr(form.data, "get") else None
        if not value or name in ("per_page", "page", "format"):
            continue
        if isinstance(field, forms.ChoiceField):
            value = dict(field.choices).get(value, value)
        elif name == "q":
            value = classify(value).shown  # an ID number or phone is written masked

        parts.append(f"{field.label}：{value}")
    return "；".join(parts)
