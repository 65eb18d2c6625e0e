"""The audit screen's filter form (it parses and renders; filtering is selectors.audit.audit_log)."""

from __future__ import annotations

from django import forms

from xinfang.core.models import AccessLog
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit

from ..selectors.audit import AuditFilter
from .common import DateInput, pickers


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="人员（用户名）", required=False, max_length=150)
    matter = forms.CharField(label="事项编号", required=False, max_length=40)
    unit = forms.ChoiceField(label="人员所在单位", required=False)
    kind = forms.ChoiceField(label="行为", required=False, choices=[("", "全部"), *AccessLog.Kind.choices])
    date_from = forms.DateField(label="日期自", required=False, widget=DateInput())
    date_to = forms.DateField(label="日期至", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部"), *Unit.objects.exclude(kind=UnitKind.EXTERNAL).order_by("kind", "code")
                                       .values_list("code", "name")]
        pickers(self, "unit")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "结束日期不能早于开始日期。")
        return data

    def to_filter(self) -> AuditFilter:
        d = self.cleaned_data if self.is_valid() else {}
        return AuditFilter(user=(d.get("user") or "").strip(), matter=(d.get("matter") or "").strip(),
                           unit=d.get("unit") or "", kind=d.get("kind") or "", date_from=d.get("date_from"),
                           date_to=d.get("date_to"))
