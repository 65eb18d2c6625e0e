"""Forms of the administration pages (types only; the services check the rules)."""

from __future__ import annotations

from django import forms

from xinfang.org.choices import Role, UnitKind
from xinfang.org.models import Region, Unit
from xinfang.workdays.rules import CLOCK_RULES, DEFAULT_PERIODS, ClockKind

from .common import DateInput, pickers


def _unit_choices(blank="（无）", exclude_pk=None):
    qs = Unit.objects.order_by("kind", "code")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return [("", blank), *[(u.code, f"{u.name}（{u.code}）") for u in qs]]


def _region_choices():
    return [("", "（无）"), *[(code, ("\u3000" * (level - 1)) + name)
                           for code, name, level in Region.objects.order_by("code").values_list("code", "name", "level")]]


class UnitForm(forms.Form):
    code = forms.CharField(label="单位代码", max_length=32, help_text="字母、数字、下划线，创建后不可修改")
    name = forms.CharField(label="单位名称", max_length=80)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="类别", choices=UnitKind.choices)
    superior = forms.ChoiceField(label="上级机关", required=False, help_text="用于确定复查机关、复核机关")
    region = forms.ChoiceField(label="所在区划", required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    address = forms.CharField(label="地址", max_length=120, required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["superior"].choices = _unit_choices(exclude_pk=unit.pk if unit else None)
        self.fields["region"].choices = _region_choices()
        pickers(self, "superior", "region")
        if unit is not None:
            self.fields["code"].disabled = True


class UserForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=40, required=False)
    unit = forms.ChoiceField(label="所在单位", required=False)
    roles = forms.MultipleChoiceField(label="角色", choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    phone = forms.CharField(label="电话", max_length=20, required=False)
    password = forms.CharField(label="密码", required=False, widget=forms.PasswordInput(render_value=False),
                               help_text="新建时必填；修改时留空表示不变。至少 8 位，不能全为数字")
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices()
        pickers(self, "unit")
        if user is not None:
            self.fields["username"].disabled = True


class CategoryForm(forms.Form):
    code = forms.CharField(label="分类代码", max_length=6, help_text="6位：一级 XX0000，二级 XXXX00，三级 XXXXXX")
    name = forms.CharField(label="名称", max_length=60)
    version = forms.CharField(label="数据版本", max_length=20, initial="1")
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        if category is not None:
            self.fields["code"].disabled = True


class CalendarOverrideForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    is_workday = forms.TypedChoiceField(label="设为", coerce=lambda v: v == "1",
                                        choices=[("0", "休息日（节假日）"), ("1", "工作日（调休上班）")])
    note = forms.CharField(label="说明", max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "如：国庆节、国庆节调休上班"}))


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    confirmed = forms.BooleanField(label="已按国务院通知录入完毕", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "如：国办发明电〔2026〕X号"}))


class RuleSetForm(forms.Form):
    due_soon_workdays = forms.IntegerField(label="临期提醒（工作日）", min_value=0, max_value=30)
    max_extension_days = forms.IntegerField(label="最长延期（日）", min_value=0, max_value=30)
    collective_threshold = forms.IntegerField(label="集体访人数标准", min_value=2, max_value=1000)
    ranking_min_sample = forms.IntegerField(label="排名最小样本", min_value=1, max_value=10000)
    start_day_counted = forms.BooleanField(label="起算日计入期间", required=False)
    roll_over_to_workday = forms.BooleanField(label="期满日为节假日的顺延至下一工作日", required=False)
    allow_reevaluation = forms.BooleanField(label="允许重新评价一次", required=False)
    note = forms.CharField(label="变更说明", max_length=200, help_text="写明依据的文件或原因，将记入变更记录")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in DEFAULT_PERIODS:
            rule = CLOCK_RULES[ClockKind(kind)]
            unit = "工作日" if rule.unit.value == "workdays" else "日"
            self.fields[f"period_{kind}"] = forms.IntegerField(
                label=f"{rule.label}（{unit}）", min_value=1, max_value=365, help_text=rule.source)

    @property
    def period_fields(self):
        return [self[f"period_{k}"] for k in DEFAULT_PERIODS]

    @property
    def setting_fields(self):
        return [self[n] for n in ("due_soon_workdays", "max_extension_days", "collective_threshold",
                                  "ranking_min_sample", "start_day_counted", "roll_over_to_workday",
                                  "allow_reevaluation")]

    def service_data(self) -> dict:
        d = self.cleaned_data
        data = {k: d[k] for k in ("due_soon_workdays", "max_extension_days", "collective_threshold",
                                  "ranking_min_sample", "start_day_counted", "roll_over_to_workday",
                                  "allow_reevaluation")}
        data["periods"] = {k: d[f"period_{k}"] for k in DEFAULT_PERIODS}
        return data
