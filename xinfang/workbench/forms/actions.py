"""One short form per workflow action, derived from the action's declared inputs (matters.workflow)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from xinfang.core.inputs import Input, Kind
from xinfang.core.uploads import MultipleFileField
from xinfang.matters.choices import State
from xinfang.matters.models import Matter
from xinfang.matters.workflow import ATTACHMENT_INPUTS, WORKFLOW
from xinfang.org.choices import ROUTABLE_KINDS
from xinfang.org.lookups import accounts_with_roles
from xinfang.org.models import Unit
from xinfang.org.permissions import RECEPTION_LEADER_ROLES

from .common import DateInput, DateTimeInput


def routable_unit_choices():
    return [("", "请选择…")] + [
        (u.code, u.name) for u in Unit.objects.filter(active=True, kind__in=ROUTABLE_KINDS).order_by("kind", "code")
    ]


def reception_leader_choices():
    """提级调度's picker: the accounts that may lead (``lead_reception`` in the permission matrix)."""
    return [(u.username, f"{u.full_name or u.username}（{u.unit.name if u.unit_id else '—'}）")
            for u in accounts_with_roles(RECEPTION_LEADER_ROLES)]


# Named option lists of ``Input.options``: the form offers them as a select (the service still checks).
OPTIONS = {"reception_leaders": reception_leader_choices}


def _has_report_clock(matter: Matter) -> bool:
    deadlines = getattr(matter, "_prefetched_objects_cache", {}).get("deadlines")
    if deadlines is not None:
        return any(d.kind == "report" for d in deadlines)
    return matter.deadlines.filter(kind="report").exists()


# Named conditions of ``Input.when``: the form shows the input only when it holds for the matter.
SHOWN_WHEN = {"has_report_clock": lambda matter: matter.status == State.ACCEPTED and _has_report_clock(matter)}


def form_field(inp: Input, *, settings=None, units=None) -> forms.Field:
    """The Django form field for one declared input (same name, label, bounds and help)."""
    required = inp.required and inp.required_if is None
    kw = {"label": inp.label, "required": required, "help_text": inp.help}
    if inp.options:
        return forms.ChoiceField(choices=[("", "请选择…"), *OPTIONS[inp.options]()],
                                 widget=forms.Select(attrs={"data-picker": "1"}), **kw)  # people: searchable
    if inp.kind == Kind.TEXT:
        return forms.CharField(max_length=inp.max_length, widget=forms.Textarea(attrs={"rows": inp.lines}), **kw)
    if inp.kind == Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "请选择…"), *inp.choices], **kw)
    if inp.kind == Kind.INTEGER:
        maximum = inp.bound(settings)
        if inp.limit and settings is not None:
            kw["help_text"] = f"不超过 {maximum} 日（第三十四条）"
        return forms.IntegerField(min_value=inp.minimum, max_value=maximum, **kw)
    if inp.kind == Kind.DATE:
        return forms.DateField(widget=DateInput(), **kw)
    if inp.kind == Kind.DATETIME:
        return forms.DateTimeField(widget=DateTimeInput(), **kw)
    if inp.kind == Kind.BOOLEAN:
        yes, no = inp.yes_no
        return forms.TypedChoiceField(choices=[("true", yes), ("false", no)], widget=forms.RadioSelect,
                                      initial="true" if inp.default else "false", **kw)
    units = units if units is not None else routable_unit_choices()
    if inp.kind == Kind.CODE:  # a unit: a searchable picker (static/workbench/pickers.js)
        return forms.ChoiceField(choices=units, widget=forms.Select(attrs={"data-picker": "1"}), **kw)
    return forms.MultipleChoiceField(choices=units[1:], widget=forms.SelectMultiple(attrs={"size": 4, "data-picker": "1"}),
                                     **kw)


def attachment_fields() -> dict[str, forms.Field]:
    """The files every act may carry (``ATTACHMENT_INPUTS``): a multiple file input and a checkbox."""
    files, public = ATTACHMENT_INPUTS
    return {
        files.name: MultipleFileField(label=files.label, help_text=files.help),
        public.name: forms.BooleanField(label=public.yes_no[0], required=False, help_text=public.help),
    }


def _fields_for(action: str, matter: Matter, *, settings=None) -> dict[str, forms.Field]:
    """The fields one action asks for: its declared inputs (names are the service's parameter names)."""
    units = None
    fields: dict[str, forms.Field] = {}
    for inp in WORKFLOW[action].inputs:
        if inp.when and not SHOWN_WHEN[inp.when](matter):
            continue
        if inp.kind in (Kind.CODE, Kind.CODES) and units is None:
            units = routable_unit_choices()
        fields[inp.name] = form_field(inp, settings=settings, units=units)
    return fields


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


def action_form_class(action: str, matter: Matter, *, settings=None) -> type[ActionForm]:
    transition = WORKFLOW[action]
    attrs: dict[str, object] = {"note": forms.CharField(label="备注", required=False, widget=forms.TextInput())}
    attrs.update(_fields_for(action, matter, settings=settings))
    attrs.update(attachment_fields())
    attrs.update({"action": action, "label": transition.label, "article": transition.article})
    return type(f"{action.title().replace('_', '')}Form", (ActionForm,), attrs)


def action_form(action: str, matter: Matter, data=None, files=None, *, settings=None) -> ActionForm:
    cls = action_form_class(action, matter, settings=settings)
    prefix = action
    form = cls(data=data, files=files, prefix=prefix, initial={"expected_version": matter.version})
    common = ("expected_version", "note", "occurred_at", *(i.name for i in ATTACHMENT_INPUTS))
    own = [n for n in form.fields if n not in common]
    form.order_fields([*own, "note", *(i.name for i in ATTACHMENT_INPUTS), "occurred_at", "expected_version"])
    form.confirm = WORKFLOW[action].confirm or f"确认执行“{cls.label}”？"
    return form
