"""One short form per workflow action, built from the action's fields in the workflow table."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from xinfang.matters.choices import (
    CloseReason,
    DecisionOutcome,
    DeclineReason,
    DeliveryMethod,
    EvaluationTarget,
    Rating,
    ReplyOutcome,
    RouteProcedure,
    State,
)
from xinfang.matters.models import Matter
from xinfang.matters.services.actions import ROUTABLE_KINDS
from xinfang.matters.workflow import WORKFLOW
from xinfang.org.models import Unit

from .common import DateInput, DateTimeInput


def _choices(enum, allowed=None, blank="请选择…"):
    items = [(k, v) for k, v in enum.choices if allowed is None or k in allowed]
    return [("", blank), *items]


def _text(label, *, required=True, rows=3, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def routable_unit_choices():
    return [("", "请选择…")] + [
        (u.code, u.name) for u in Unit.objects.filter(active=True, kind__in=ROUTABLE_KINDS).order_by("kind", "code")
    ]


def _fields_for(action: str, matter: Matter, *, max_extension: int = 30) -> dict[str, forms.Field]:
    """The fields one action asks for (names are the service's parameter names)."""
    f: dict[str, forms.Field] = {}
    if action in ("forward", "assign"):
        units = routable_unit_choices()
        f["unit"] = forms.ChoiceField(label="主办单位", choices=units)
        f["co_units"] = forms.MultipleChoiceField(label="协办单位（可多选）", choices=units[1:], required=False,
                                                  widget=forms.SelectMultiple(attrs={"size": 4}))
        if action == "assign":
            f["report_due"] = forms.DateField(label="办结报告期限", widget=DateInput())
    elif action == "answer":
        f["reply"] = _text("答复内容", rows=4)
    elif action == "decline":
        f["reason"] = forms.ChoiceField(label="不予受理理由", choices=_choices(DeclineReason))
        f["note"] = _text("说明", required=False, help_text="选择“其他”时必填")
    elif action == "object":
        f["reason"] = _text("退回理由", help_text="写明不属于本单位职责的理由（《信访工作条例》第二十三条）")
    elif action == "refuse_return":
        f["reason"] = _text("不同意退回的理由", required=False)
    elif action == "route":
        f["procedure"] = forms.ChoiceField(label="法定途径", choices=_choices(RouteProcedure))
        f["note"] = _text("告知内容", required=False)
    elif action == "request_extension":
        f["days"] = forms.IntegerField(label="延期天数", min_value=1, max_value=max_extension,
                                       help_text=f"不超过 {max_extension} 日（第三十四条）")
        f["reason"] = _text("延期理由", rows=2)
    elif action == "start_hearing":
        f["note"] = _text("听证说明", required=False, rows=2)
    elif action == "mediate":
        f["agreement"] = _text("调解/和解协议内容", rows=4)
    elif action == "reply":
        f["outcome"] = forms.ChoiceField(label="处理结果", choices=_choices(ReplyOutcome))
        f["opinion"] = _text("处理意见", rows=5)
        f["legal_basis"] = _text("法律政策依据", rows=2)
        if matter.status == State.ACCEPTED and _has_report_clock(matter):
            f["report"] = _text("办结报告", required=False, rows=3, help_text="交办事项同时报送办结报告")
    elif action == "deliver":
        f["method"] = forms.ChoiceField(label="送达方式", choices=_choices(DeliveryMethod))
        f["signed"] = forms.TypedChoiceField(label="签收情况", choices=[("true", "已签收"), ("false", "拒绝签收")],
                                             initial="true", widget=forms.RadioSelect)
    elif action == "evaluate":
        f["target"] = forms.ChoiceField(label="评价对象", choices=_choices(EvaluationTarget))
        f["rating"] = forms.ChoiceField(label="评价结果", choices=_choices(Rating))
        f["comment"] = _text("评价意见", required=False, rows=2)
    elif action in ("request_review", "request_recheck"):
        f["reason"] = _text("申请理由", rows=3)
    elif action == "review_decide":
        f["outcome"] = forms.ChoiceField(label="复查结果", choices=_choices(DecisionOutcome))
        f["opinion"] = _text("复查意见", rows=4)
        f["redo_days"] = forms.IntegerField(label="重新办理期限（日）", required=False, min_value=1, max_value=90,
                                            help_text="仅“责令重新办理”时填写，默认 60 日")
    elif action == "recheck_decide":
        f["outcome"] = forms.ChoiceField(label="复核结果", choices=_choices(DecisionOutcome, {"uphold", "revise"}))
        f["opinion"] = _text("复核意见", rows=4)
    elif action == "close":
        allowed = {CloseReason.NO_REVIEW, CloseReason.NO_RECHECK, CloseReason.CONFIRMED}
        f["reason"] = forms.ChoiceField(label="办结方式", choices=_choices(CloseReason, allowed))
    return f


def _has_report_clock(matter: Matter) -> bool:
    deadlines = getattr(matter, "_prefetched_objects_cache", {}).get("deadlines")
    if deadlines is not None:
        return any(d.kind == "report" for d in deadlines)
    return matter.deadlines.filter(kind="report").exists()


class ActionForm(forms.Form):
    """Common part of every action form: when it happened (for paper acts entered later) and a note."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label="发生时间", required=False, widget=DateTimeInput(),
        help_text="补录纸质办理时填写实际日期；留空为现在",
    )

    action: str = ""
    label: str = ""
    article: str = ""

    def params(self) -> dict:
        """The service parameters (only what the user filled in)."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name == "expected_version" or value in (None, "", []):
                continue
            if name == "occurred_at":
                value = timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            data[name] = value
        return data


CONFIRM = {
    "forward": "确认将该事项转送给所选单位？",
    "assign": "确认交办？交办后责任单位须按期报送办结报告。",
    "answer": "确认直接答复并办结该事项？",
    "decline": "确认不予受理？将生成不予受理告知书。",
    "object": "确认提出异议并申请退回？",
    "approve_return": "确认同意退回？事项将回到信访局重新处置。",
    "refuse_return": "确认不同意退回？该单位将不能再次退回。",
    "accept": "确认受理？将生成受理告知书，办理期限开始计算。",
    "route": "确认导入其他法定程序并办结？",
    "request_extension": "确认申请延期？需本单位负责人批准。",
    "approve_extension": "确认批准延期？将生成延期告知书。",
    "mediate": "确认以调解和解办结？",
    "reply": "确认出具信访处理意见书？",
    "deliver": "确认已送达？复查/复核申请期限自送达起算。",
    "close": "确认办结该事项？",
}


def action_form_class(action: str, matter: Matter, *, max_extension: int = 30) -> type[ActionForm]:
    transition = WORKFLOW[action]
    attrs = dict(_fields_for(action, matter, max_extension=max_extension))
    attrs["note"] = forms.CharField(label="备注", required=False, widget=forms.TextInput())
    if action in ("decline", "route", "start_hearing"):
        attrs.pop("note")
        attrs["note"] = _fields_for(action, matter)["note"]
    attrs.update({"action": action, "label": transition.label, "article": transition.article})
    return type(f"{action.title().replace('_', '')}Form", (ActionForm,), attrs)


def action_form(action: str, matter: Matter, data=None, *, max_extension: int = 30) -> ActionForm:
    cls = action_form_class(action, matter, max_extension=max_extension)
    prefix = action
    form = cls(data=data, prefix=prefix, initial={"expected_version": matter.version})
    own = [n for n in form.fields if n not in ("expected_version", "note", "occurred_at")]
    form.order_fields([*own, "note", "occurred_at", "expected_version"])
    form.confirm = CONFIRM.get(action, f"确认执行“{cls.label}”？")
    return form
