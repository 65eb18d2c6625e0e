"""The documents list's filter form: it parses and renders; filtering is selectors.filter_documents."""

from __future__ import annotations

from django import forms

from xinfang.org.models import Unit
from xinfang.workbench.forms.common import pickers

from ..choices import DocType
from ..selectors import DocumentFilter

PER_PAGE = 30


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label="文号或事项编号", required=False, max_length=80,
                        widget=forms.TextInput(attrs={"placeholder": "如 示信转〔2026〕12号 或 XF2026-000123"}))
    doc_type = forms.ChoiceField(label="文书类型", required=False)
    unit = forms.ChoiceField(label="发文/主送单位", required=False)
    issued_after = forms.DateField(label="成文自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    issued_before = forms.DateField(label="成文至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    delivered = forms.ChoiceField(label="送达", required=False,
                                  choices=[("", "不限"), ("yes", "已登记送达"), ("no", "未登记送达")])

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [("", "全部类型"), *DocType.choices]
        units = units if units is not None else Unit.objects.none()
        self.fields["unit"].choices = [("", "不限"), *((u.code, u.name) for u in units)]
        pickers(self, "unit")

    def clean(self):
        data = super().clean()
        after, before = data.get("issued_after"), data.get("issued_before")
        if after and before and after > before:
            self.add_error("issued_before", "结束日期不能早于开始日期。")
        return data

    def to_filter(self) -> DocumentFilter:
        d = self.cleaned_data if self.is_valid() else {}
        return DocumentFilter(doc_type=d.get("doc_type") or "", unit=d.get("unit") or "",
                              issued_after=d.get("issued_after"), issued_before=d.get("issued_before"),
                              q=(d.get("q") or "").strip(), delivered=d.get("delivered") or "")
