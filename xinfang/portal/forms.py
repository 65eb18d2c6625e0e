"""Portal forms: parse and keep what was typed; Chinese messages next to each field.

Business rules live in the services (and the core); forms check shape, the challenge, the
consent and the honeypot, and map service errors back onto the fields.
"""

from __future__ import annotations

from django import forms

from xinfang.core.errors import AppError, InvalidInput
from xinfang.core.idnumber import IdNumberError, check_id_number
from xinfang.core.idnumber import normalize as normalize_id
from xinfang.core.inputs import parse as parse_inputs
from xinfang.core.uploads import MultipleFileField
from xinfang.core.validation import normalize_phone
from xinfang.matters.choices import Purpose, Rating
from xinfang.matters.workflow import WORKFLOW

from .models import ReceptionDay
from .protection import challenge
from .selectors import category_options, region_options

PURPOSE_CHOICES = [
    (Purpose.REQUEST.value, "请求解决问题（求决）"),
    (Purpose.APPEAL.value, "对处理结果不服，提出申诉"),
    (Purpose.CONSULTATION.value, "咨询政策或办事程序"),
    (Purpose.ACCUSATION.value, "检举、揭发、控告"),
    (Purpose.OTHER.value, "其他"),
]
RATING_CHOICES = [(Rating.SATISFIED.value, "满意"), (Rating.BASICALLY_SATISFIED.value, "基本满意"),
                  (Rating.DISSATISFIED.value, "不满意")]


def _text(label, max_length, *, required=True, rows=None, **attrs):
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget,
                           error_messages={"required": f"请填写{label}。",
                                           "max_length": f"{label}不能超过 %(limit_value)d 字（现为 %(show_value)d 字）。"})


def apply_service_error(form: forms.Form, exc: AppError, field_map: dict[str, str]) -> None:
    """Put a service error next to the field it names (or at the top of the form)."""
    placed = False
    for key, messages in (exc.fields or {}).items():
        name = field_map.get(key, key)
        if name in form.fields:
            form.add_error(name, messages)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class ProtectedForm(forms.Form):
    """A form with the personal-information consent, the challenge, a honeypot and a one-time token."""

    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)
    challenge_answer = forms.CharField(
        label="验证题", max_length=6, required=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input--short"}),
        error_messages={"required": "请回答验证题（填写阿拉伯数字）。"},
    )
    website = forms.CharField(label="网址（请勿填写）", required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息处理告知》",
        error_messages={"required": "请阅读《个人信息处理告知》，勾选同意后再提交。"},
    )

    challenge_nonce = ""
    challenge_failed = False
    is_bot = False

    def clean(self):
        data = super().clean()
        if (self.data.get("website") or "").strip():
            self.is_bot = True
            raise forms.ValidationError("提交失败，请刷新页面后重新填写。")
        answer = self.data.get("challenge_answer", "")
        if answer:
            try:
                self.challenge_nonce = challenge.check(self.data.get("challenge_token", ""), answer)
            except challenge.ChallengeFailed as exc:
                self.challenge_failed = True
                self.add_error("challenge_answer", exc.message)
        return data

    def refresh_challenge(self) -> None:
        """After a wrong or stale answer: a new question, the rest of the input kept."""
        data = self.data.copy()
        data["challenge_token"] = challenge.new_challenge().token
        data["challenge_answer"] = ""
        self.data = data

    @property
    def challenge_question(self) -> str:
        return challenge.question_of(self.data.get("challenge_token", "") if self.is_bound else self.initial.get("challenge_token", "")) or ""


def _region_and_category_fields(form: forms.Form, *, region_required: bool, county_option: bool = False) -> None:
    towns, villages, county = region_options()
    tops, seconds = category_options()
    town_choices = [("", "请选择乡镇（街道）")]
    if county_option and county is not None:
        town_choices.append((county.code, f"全县（{county.name}）"))
    town_choices += [(o.code, o.name) for o in towns]
    form.fields["town"].choices = town_choices
    form.fields["town"].required = region_required
    form.fields["village"].choices = [("", "不清楚或不涉及具体村（社区）")] + [(o.code, o.name) for o in villages]
    form.village_parents = {o.code: o.parent for o in villages}
    form.fields["category_top"].choices = [("", "请选择问题类别")] + [(o.code, o.name) for o in tops]
    form.fields["category"].choices = [("", "请选择具体类别（可不选）")] + [(o.code, o.name) for o in seconds]
    form.category_parents = {o.code: o.parent for o in seconds}
    form.picker = {"villages": villages, "seconds": seconds}


class PickerMixin(forms.Form):
    town = forms.ChoiceField(label="问题发生地（乡镇/街道）", error_messages={"required": "请选择问题发生在哪个乡镇（街道）。",
                                                                       "invalid_choice": "请从列表中选择乡镇（街道）。"})
    village = forms.ChoiceField(label="村（社区）", required=False,
                                error_messages={"invalid_choice": "请从列表中选择村（社区）。"})
    category_top = forms.ChoiceField(label="问题类别", error_messages={"required": "请选择问题类别。",
                                                                  "invalid_choice": "请从列表中选择问题类别。"})
    category = forms.ChoiceField(label="具体类别", required=False,
                                 error_messages={"invalid_choice": "请从列表中选择具体类别。"})

    def clean_picker(self, data):
        village, town = data.get("village"), data.get("town")
        if village and town and self.village_parents.get(village) != town:
            self.add_error("village", "所选村（社区）不属于所选乡镇（街道），请重新选择。")
        second, top = data.get("category"), data.get("category_top")
        if second and top and self.category_parents.get(second) != top:
            self.add_error("category", "所选具体类别不属于所选问题类别，请重新选择。")

    def region_code(self) -> str:
        return self.cleaned_data.get("village") or self.cleaned_data.get("town") or ""

    def category_code(self) -> str:
        return self.cleaned_data.get("category") or self.cleaned_data.get("category_top") or ""


def clean_id_number(value: str, *, required: bool) -> str:
    """The one ID validator (core.idnumber): an unknown address code is accepted (staff see a warning)."""
    if not normalize_id(value):
        if required:
            raise forms.ValidationError("请填写身份证号码。")
        return ""
    try:
        return check_id_number(value).number
    except IdNumberError as exc:
        raise forms.ValidationError(exc.message) from None


def clean_phone(value: str, *, required: bool) -> str:
    raw = (value or "").strip()
    if not raw:
        if required:
            raise forms.ValidationError("请填写联系电话，以便接收查询码和办理告知。")
        return ""
    try:
        return normalize_phone(raw, field="phone")
    except InvalidInput:
        raise forms.ValidationError("电话号码格式不正确，请填写 11 位手机号码或带区号的固定电话。") from None


SERVICE_FIELDS = {
    "petitioners[0].name": "name", "petitioners[0].id_number": "id_number", "petitioners[0].phone": "phone",
    "petitioners": "name", "category": "category_top", "region": "town", "title": "title", "content": "facts",
    "attachments": "attachments", "region_detail": "region_detail",
}


class PetitionForm(PickerMixin, ProtectedForm):
    name = _text("姓名", 40, autocomplete="name")
    id_number = forms.CharField(label="身份证号码", max_length=20,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                                error_messages={"required": "请填写身份证号码。"})
    phone = forms.CharField(label="手机号码", max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}),
                            error_messages={"required": "请填写联系电话，以便接收查询码和办理告知。"})
    email = forms.EmailField(label="电子邮箱（选填）", required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             error_messages={"invalid": "电子邮箱格式不正确。"})
    address = _text("住址", 200, autocomplete="street-address")
    purpose = forms.ChoiceField(label="您要办理的事项", choices=PURPOSE_CHOICES, initial=Purpose.REQUEST.value,
                                widget=forms.RadioSelect, error_messages={"required": "请选择您要办理的事项。"})
    region_detail = _text("具体地点（选填）", 200, required=False)
    title = _text("标题", 60, placeholder="一句话概括您反映的问题")
    request = _text("您的请求", 2000, rows=4, placeholder="希望有关机关解决什么问题")
    facts = _text("事实和理由", 10000, rows=8, placeholder="问题发生的时间、地点、经过，以及您的理由")
    attachments = MultipleFileField(label="证明材料（选填）")

    field_order = ["name", "id_number", "phone", "email", "address", "purpose", "town", "village", "region_detail",
                   "category_top", "category", "title", "request", "facts", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _region_and_category_fields(self, region_required=True)

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data.get("id_number"), required=True)

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone"), required=True)

    def clean(self):
        data = super().clean()
        self.clean_picker(data)
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "purpose": d["purpose"], "category": self.category_code(), "region": self.region_code(),
            "region_detail": d.get("region_detail", ""), "title": d["title"],
            "content": f"【请求】\n{d['request']}\n\n【事实和理由】\n{d['facts']}",
            "confidential": d["purpose"] == Purpose.ACCUSATION.value,
            "petitioners": [{"name": d["name"], "id_number": d["id_number"], "phone": d["phone"],
                             "address": d["address"], "email": d.get("email", "")}],
        }


class SuggestionForm(PickerMixin, ProtectedForm):
    name = _text("姓名", 40, autocomplete="name")
    phone = forms.CharField(label="手机号码", max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}),
                            error_messages={"required": "请填写联系电话，以便接收查询码和答复。"})
    id_number = forms.CharField(label="身份证号码（选填）", max_length=20, required=False)
    address = _text("住址或工作单位（选填）", 200, required=False)
    title = _text("建议标题", 60, placeholder="一句话概括您的建议")
    content = _text("建议内容", 10000, rows=10, placeholder="现状和问题、具体建议、可行性和预期效果")
    attachments = MultipleFileField(label="参考材料（选填）")

    field_order = ["name", "phone", "id_number", "address", "category_top", "category", "town", "village",
                   "title", "content", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _region_and_category_fields(self, region_required=True, county_option=True)
        self.fields["town"].label = "建议涉及的地方"
        self.fields["town"].error_messages["required"] = "请选择建议涉及的地方（可选“全县”）。"

    def clean_id_number(self):
        return clean_id_number(self.cleaned_data.get("id_number"), required=False)

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone"), required=True)

    def clean(self):
        data = super().clean()
        self.clean_picker(data)
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "purpose": Purpose.SUGGESTION.value, "category": self.category_code(), "region": self.region_code(),
            "title": d["title"], "content": d["content"],
            "petitioners": [{"name": d["name"], "id_number": d.get("id_number", ""), "phone": d["phone"],
                             "address": d.get("address", "")}],
        }


SUGGESTION_SERVICE_FIELDS = {**SERVICE_FIELDS, "content": "content"}


class TrackForm(forms.Form):
    number = forms.CharField(label="事项编号或信访件编号", max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                           "placeholder": "如 XF2026-000123"}),
                             error_messages={"required": "请填写事项编号或信访件编号。"})
    code = forms.CharField(label="查询码", max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "placeholder": "如 ACDE-FHJK-MNPR，可不输短横、不分大小写"}),
                           error_messages={"required": "请填写查询码。"})


class EvaluateForm(forms.Form):
    target = forms.ChoiceField(choices=[("bureau", "信访部门"), ("unit", "责任单位")], widget=forms.HiddenInput)
    rating = forms.ChoiceField(label="您的评价", choices=RATING_CHOICES, widget=forms.RadioSelect,
                               error_messages={"required": "请选择满意、基本满意或不满意。"})
    comment = _text("评价意见（选择“不满意”时必填）", 2000, required=False, rows=4)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    needs_confirmation = False

    def clean(self):
        """The evaluate declaration's own check, shown next to the field before posting."""
        data = super().clean()
        try:
            parse_inputs(WORKFLOW["evaluate"].inputs, {**data, "target": data.get("target") or "bureau"})
        except InvalidInput as exc:
            for name, messages in exc.fields.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages[0])
        if (data.get("rating") == Rating.DISSATISFIED.value and not self.errors and not data.get("confirm")):
            # 不满意 cannot be taken back (it opens a callback and counts in the rates): ask once more.
            self.needs_confirmation = True
            raise forms.ValidationError("您选择了“不满意”。评价提交后不能更改，信访局将安排回访核实。请确认后再提交。")
        return data


class AppealForm(forms.Form):
    reason = _text("申请理由", 10000, rows=8, placeholder="对哪些处理意见不服，理由和依据是什么")
    attachments = MultipleFileField(label="证明材料（选填）")


class ReminderForm(forms.Form):
    text = _text("催办内容（选填）", 1000, required=False, rows=4, placeholder="可简要说明需要督促的事项，不填也可以")


class MaterialForm(forms.Form):
    content = _text("补充内容", 10000, required=False, rows=6, placeholder="补充的事实、理由，或对所附材料的说明")
    attachments = MultipleFileField(label="补充材料（照片、PDF 等，选填）")

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("content") and not data.get("attachments"):
            raise forms.ValidationError("请填写补充内容或选择要上传的材料。")
        return data


class RecoverForm(forms.Form):
    phone = forms.CharField(label="提交信访事项时留下的手机号码", max_length=20,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "11 位手机号码"}),
                            error_messages={"required": "请填写手机号码。"})


class ReceptionDayForm(forms.ModelForm):
    class Meta:
        model = ReceptionDay
        fields = ["leader_name", "leader_title", "date", "start_time", "end_time", "place", "topic", "note", "published"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "结束时间应晚于开始时间。")
        return data
