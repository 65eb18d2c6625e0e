"""Parsing and validation of service input, with Chinese messages naming the field."""

from __future__ import annotations

import datetime as dt
import functools

import phonenumbers
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from xinfang.core import clock
from xinfang.core.errors import InvalidInput
from xinfang.core.idnumber import IdNumberError, check_id_number
from xinfang.core.idnumber import normalize as normalize_id

CLOCK_SKEW = dt.timedelta(minutes=2)


def fail(field: str, message: str):
    raise InvalidInput(message, fields={field: message})


def text(params: dict, field: str, label: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = params.get(field)
    value = "" if value is None else str(value).strip()
    if required and not value:
        fail(field, f"请填写{label}。")
    if len(value) > max_length:
        fail(field, f"{label}不能超过 {max_length} 字。")
    return value


def choice(params: dict, field: str, label: str, choices, *, required: bool = True, allowed=None) -> str:
    value = params.get(field)
    value = "" if value is None else str(value).strip()
    if not value:
        if required:
            fail(field, f"请选择{label}。")
        return ""
    valid = dict(choices.choices) if hasattr(choices, "choices") else dict(choices)
    if allowed is not None:
        valid = {k: v for k, v in valid.items() if k in allowed}
    if value not in valid:
        options = "、".join(f"{k}（{v}）" for k, v in valid.items())
        fail(field, f"{label}“{value}”无效，可选：{options}。")
    return value


def boolean(params: dict, field: str, default: bool = False) -> bool:
    value = params.get(field, default)
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return default
    if str(value).lower() in {"1", "true", "yes", "on", "是"}:
        return True
    if str(value).lower() in {"0", "false", "no", "off", "否"}:
        return False
    fail(field, "应为“是”或“否”。")
    return default


def integer(params: dict, field: str, label: str, *, required: bool = True, minimum: int | None = None,
            maximum: int | None = None, default: int | None = None) -> int | None:
    value = params.get(field)
    if value is None or value == "":
        if required:
            fail(field, f"请填写{label}。")
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        fail(field, f"{label}应为整数。")
    if minimum is not None and number < minimum:
        fail(field, f"{label}不能小于 {minimum}。")
    if maximum is not None and number > maximum:
        fail(field, f"{label}不能超过 {maximum}。")
    return number


def date_value(params: dict, field: str, label: str, *, required: bool = True) -> dt.date | None:
    value = params.get(field)
    if value is None or value == "":
        if required:
            fail(field, f"请填写{label}。")
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        fail(field, f"{label}“{value}”不是有效日期（格式 YYYY-MM-DD）。")
    return parsed


def date_range(params: dict, names: tuple[str, str] = ("from", "to"),
               labels: tuple[str, str] = ("开始日期", "结束日期")) -> tuple[dt.date | None, dt.date | None]:
    """A list filter's optional first and last day (each a 400 naming its field when malformed)."""
    return (date_value(params, names[0], labels[0], required=False),
            date_value(params, names[1], labels[1], required=False))


def within(qs, field: str, start: dt.date | None, end: dt.date | None):
    """``qs`` limited to ``start <= field <= end`` (a date field; either bound may be absent)."""
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def datetime_value(value, field: str, label: str) -> dt.datetime:
    """Parse a date or datetime; naive values are Asia/Shanghai; a bare date means noon that day."""
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time(12, 0))
    else:
        raw = str(value).strip()
        try:
            result = parse_datetime(raw)
            if result is None:
                day = parse_date(raw)
                result = dt.datetime.combine(day, dt.time(12, 0)) if day else None
        except ValueError:
            result = None
        if result is None:
            fail(field, f"{label}“{value}”不是有效的日期时间。")
    if timezone.is_naive(result):
        result = timezone.make_aware(result, timezone.get_default_timezone())
    return result


def occurred_at(value, *, last_event_at: dt.datetime | None, field: str = "occurred_at") -> dt.datetime:
    """When the act happened: may be backdated, never in the future, never before the last act."""
    now = clock.now()
    if value in (None, ""):
        result = now
    else:
        result = datetime_value(value, field, "发生时间")
    if result > now + CLOCK_SKEW:
        fail(field, "发生时间不能晚于当前时间。")
    if last_event_at is not None and result < last_event_at:
        when = timezone.localtime(last_event_at).strftime("%Y-%m-%d %H:%M")
        fail(field, f"发生时间不能早于该事项上一次办理的时间（{when}）。")
    return result


def normalize_id_number(value: str, field: str = "id_number") -> str:
    """Validate a GB 11643 resident ID number with the one validator (core.idnumber): format,
    check digit, a real birth date; an unknown address code is accepted (staff get a warning)."""
    if not normalize_id(value):
        return ""
    try:
        return check_id_number(value).number
    except IdNumberError as exc:
        fail(field, exc.message)
    return ""


def id_number_warning(id_number: str) -> str:
    """What staff should look at in an accepted number ("" when nothing)."""
    try:
        return check_id_number(id_number).warning if id_number else ""
    except IdNumberError:
        return ""


def gender_from_id(id_number: str) -> str:
    if len(id_number) == 18 and id_number[16].isdigit():
        return "male" if int(id_number[16]) % 2 else "female"
    return ""


def normalize_phone(value: str, field: str = "phone") -> str:
    """Validate a Chinese mobile or landline number; return it in national digits."""
    raw = (value or "").strip().replace(" ", "").replace("-", "")
    if not raw:
        return ""
    national = _phone_digits(raw)
    if national is _UNPARSABLE:
        fail(field, f"电话号码“{value}”格式错误。")
    if national is _INVALID:
        fail(field, f"电话号码“{value}”无效，请核对。")
    return national


_UNPARSABLE, _INVALID = object(), object()


@functools.lru_cache(maxsize=4096)
def _phone_digits(raw: str):
    """The number in national digits (E.164 abroad), or _UNPARSABLE / _INVALID. Cached: parsing
    with phonenumbers costs ~0.1 ms, and a county's petitioners' numbers come back again and again."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return _UNPARSABLE
    if not phonenumbers.is_valid_number(number):
        return _INVALID
    if number.country_code == 86:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return national.replace(" ", "").replace("-", "")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=4096)
def is_mobile(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
