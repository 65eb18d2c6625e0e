"""Typed inputs, declared once: the parser, the API serializer, the form, the schema and the docs
all read the same ``Input`` (see ``xinfang.matters.workflow`` for the workflow's declarations).

``parse(inputs, data)`` is the only place the values are checked: type, required, bounds, choices,
length, and "required when another input has this value". Messages are Chinese and name the field
(``InvalidInput`` with ``fields={name: message}``), so the API renders its error shape and a form
shows the message next to the field. Checks that need the database or the matter (a unit exists,
a date after the act) stay in the service that owns them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from . import validation as v
from .uploads import check_uploads


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CODE = "code"  # a reference-data code (a unit); the service resolves it
    CODES = "codes"  # a list of codes
    FILES = "files"  # uploaded files (multipart): the registration's size, count and content checks


@dataclass(frozen=True)
class Input:
    """One input of an act: its name (the parameter's name everywhere), type, bounds and wording."""

    name: str
    kind: Kind
    label: str
    required: bool = True
    help: str = ""
    max_length: int = 5000
    minimum: int | None = None
    maximum: int | None = None
    limit: str = ""  # a rule-set setting (``RuleParams`` attribute) that lowers ``maximum`` at run time
    choices: tuple[tuple[str, str], ...] = ()
    default: object = None
    required_if: tuple[str, str] | None = None  # (other input, value): then this one is required
    required_message: str = ""
    yes_no: tuple[str, str] = ("是", "否")  # how a boolean reads (form radio, timeline)
    lines: int = 3  # height of the text box on forms
    when: str = ""  # a named matter condition: the form shows the input only when it holds
    record: bool = True  # carried on the event's params as parsed
    example: object = None  # a valid value (tests, docs); codes take theirs from the test county
    options: str = ""  # a named list the form offers as a select (workbench.forms.actions.OPTIONS); the service checks

    def bound(self, settings=None) -> int | None:
        """The effective maximum: the declared one, lowered by the setting in force."""
        if self.limit and settings is not None:
            setting = getattr(settings, self.limit)
            return setting if self.maximum is None else min(self.maximum, setting)
        return self.maximum

    def choice_label(self, value) -> str:
        return dict(self.choices).get(value, "" if value is None else str(value))

    def describe(self) -> str:
        """The type and bounds in one line (docs/workflow.md)."""
        parts = [self.kind.value]
        if self.kind == Kind.CHOICE:
            parts = ["one of " + "/".join(f"`{k}`" for k, _ in self.choices)]
        if self.minimum is not None or self.maximum is not None:
            parts.append(f"{self.minimum if self.minimum is not None else ''}..{self.maximum if self.maximum is not None else ''}")
        if self.limit:
            parts.append(f"≤ setting `{self.limit}`")
        if self.options:
            parts.append(f"one of the `{self.options}` accounts")
        elif self.kind == Kind.TEXT:
            parts.append(f"≤ {self.max_length} chars")
        if self.kind == Kind.FILES:
            parts = ["files (multipart), the registration's size/count/type checks"]
        if self.required_if:
            parts.append(f"required if `{self.required_if[0]}` = `{self.required_if[1]}`")
        elif not self.required:
            parts.append("optional")
        if self.default is not None:
            parts.append(f"default {self.default!r}".replace("True", "true").replace("False", "false"))
        return ", ".join(parts)


@dataclass(frozen=True)
class Param:
    """One parameter an event carries (what presenters may read), with its label and value labels."""

    name: str
    label: str
    kind: Kind = Kind.TEXT
    choices: tuple[tuple[str, str], ...] = ()
    yes_no: tuple[str, str] = ("是", "否")
    shown: bool = True  # on the staff timeline (codes duplicated by a name are not)
    default: object = None

    def display(self, value) -> str:
        if value is None or value == "" or value == []:
            return ""
        if self.kind == Kind.BOOLEAN or isinstance(value, bool):
            return self.yes_no[0] if value else self.yes_no[1]
        if isinstance(value, list):
            return "、".join(str(dict(self.choices).get(x, x)) for x in value)
        if self.choices:
            return str(dict(self.choices).get(value, value))
        if self.kind == Kind.DATETIME and isinstance(value, str):
            return _datetime_text(value)
        return str(value)


def as_param(inp: Input) -> Param:
    """The param an input is recorded as (a single code is shown by the name the act adds)."""
    return Param(inp.name, inp.label, inp.kind, inp.choices, inp.yes_no, shown=inp.kind != Kind.CODE,
                 default=inp.default)


def _datetime_text(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    from django.utils import timezone

    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime("%Y-%m-%d %H:%M")


def _text(inp: Input, raw) -> str:
    if (raw is not None and not isinstance(raw, (str, int, float))) or isinstance(raw, bool):
        v.fail(inp.name, f"{inp.label}应为文字。")
    value = "" if raw is None else str(raw).strip()
    if "\x00" in value:
        v.fail(inp.name, f"{inp.label}含有不允许的控制字符。")
    if len(value) > inp.max_length:
        v.fail(inp.name, f"{inp.label}不能超过 {inp.max_length} 字。")
    return value


def _choice(inp: Input, raw) -> str:
    value = _text(inp, raw)
    if value and value not in dict(inp.choices):
        options = "、".join(f"{k}（{label}）" for k, label in inp.choices)
        v.fail(inp.name, f"{inp.label}“{value}”无效，可选：{options}。")
    return value


def _integer(inp: Input, raw, settings) -> int | None:
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        v.fail(inp.name, f"{inp.label}应为整数。")
    try:
        number = int(str(raw).strip()) if isinstance(raw, str) else int(raw)
    except (TypeError, ValueError):
        v.fail(inp.name, f"{inp.label}应为整数。")
    if inp.minimum is not None and number < inp.minimum:
        v.fail(inp.name, f"{inp.label}不能小于 {inp.minimum}。")
    maximum = inp.bound(settings)
    if maximum is not None and number > maximum:
        v.fail(inp.name, f"{inp.label}不能超过 {maximum}。")
    return number


def _boolean(inp: Input, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on", "是"}:
        return True
    if text in {"0", "false", "no", "off", "否"}:
        return False
    v.fail(inp.name, f"{inp.label}应为“是”或“否”（true/false）。")
    return False


def _codes(inp: Input, raw) -> list[str]:
    if isinstance(raw, str):
        raw = [c for c in raw.split(",")]
    if not isinstance(raw, (list, tuple)):
        v.fail(inp.name, f"{inp.label}应为代码列表。")
    codes = []
    for item in raw:
        if not isinstance(item, (str, int)) or isinstance(item, bool):
            v.fail(inp.name, f"{inp.label}应为代码列表。")
        code = _text(inp, item)
        if code and code not in codes:
            codes.append(code)
    return codes


def _files(inp: Input, raw) -> list:
    """Uploaded files, checked like the registration's (size, count, real type by content);
    each file remembers its sniffed MIME type (``_xinfang_mime``) for the row that stores it."""
    files = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    if any(not (hasattr(f, "read") and hasattr(f, "name")) for f in files):
        v.fail(inp.name, f"{inp.label}应以文件上传（multipart/form-data）。")
    for f, mime in zip(files, check_uploads(files, field=inp.name), strict=True):
        f._xinfang_mime = mime
    return files


def _empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == [] or raw == ()


def parse_one(inp: Input, raw, settings=None):
    """The cleaned value of one present, non-empty input."""
    if inp.kind == Kind.TEXT or inp.kind == Kind.CODE:
        return _text(inp, raw)
    if inp.kind == Kind.CHOICE:
        return _choice(inp, raw)
    if inp.kind == Kind.INTEGER:
        return _integer(inp, raw, settings)
    if inp.kind == Kind.DATE:
        if not isinstance(raw, (str, dt.date)):
            v.fail(inp.name, f"{inp.label}应为日期（格式 YYYY-MM-DD）。")
        return v.date_value({inp.name: raw}, inp.name, inp.label)
    if inp.kind == Kind.DATETIME:
        if not isinstance(raw, (str, dt.date)):
            v.fail(inp.name, f"{inp.label}应为日期时间（ISO 8601）。")
        return v.datetime_value(raw, inp.name, inp.label)
    if inp.kind == Kind.BOOLEAN:
        return _boolean(inp, raw)
    if inp.kind == Kind.FILES:
        return _files(inp, raw)
    return _codes(inp, raw)


def parse(inputs: tuple[Input, ...], data: Mapping, *, settings=None) -> dict:
    """Check ``data`` against the declared inputs; return the cleaned values (absent optional
    inputs get their default). Unknown keys are ignored (the caller decides what else it reads)."""
    if not isinstance(data, Mapping):
        raise v.InvalidInput("请求内容应为 JSON 对象。", fields={"non_field_errors": "请求内容应为 JSON 对象"})
    out: dict = {}
    for inp in inputs:
        raw = data.get(inp.name)
        if _empty(raw):
            value = inp.default
            if inp.kind == Kind.TEXT or inp.kind == Kind.CHOICE or inp.kind == Kind.CODE:
                value = "" if inp.default is None else inp.default
            elif inp.kind in (Kind.CODES, Kind.FILES):
                value = []
        else:
            value = parse_one(inp, raw, settings)
        out[inp.name] = value
    for inp in inputs:
        if not _empty(out[inp.name]) or inp.kind == Kind.BOOLEAN:
            continue
        needed = inp.required
        if inp.required_if is not None:
            other, expected = inp.required_if
            needed = out.get(other) == expected
        if needed:
            verb = "选择" if inp.kind in (Kind.CHOICE, Kind.CODE, Kind.CODES) else "填写"
            v.fail(inp.name, inp.required_message or f"请{verb}{inp.label}。")
    return out


def jsonable(value):
    """A parsed value as stored in an event's params (dates as ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Declared:
    """Inputs plus the extra params an event carries: the typed shape of one kind of event."""

    inputs: tuple[Input, ...] = ()
    extra: tuple[Param, ...] = field(default=())

    @property
    def params(self) -> dict[str, Param]:
        out = {i.name: as_param(i) for i in self.inputs}
        out.update({p.name: p for p in self.extra})
        return out
