"""Input parsing shared by the ledger services: the matters' validators plus money, months and
the NUL byte (PostgreSQL refuses it in text: a clear 400 instead of a 500)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.validation import boolean, choice, date_range, date_value, fail, integer, within
from xinfang.org.lookups import unit_by_code

MAX_AMOUNT = Decimal("99999999.99")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def no_nul(params: dict) -> None:
    for key, value in params.items():
        if isinstance(value, str) and "\x00" in value:
            fail(key, "内容含有无效字符（NUL）。")
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str) and "\x00" in item:
                    fail(key, "内容含有无效字符（NUL）。")


def text(params: dict, field: str, label: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = params.get(field)
    if value is not None and not isinstance(value, (str, int, float)):
        fail(field, f"{label}应为文本。")
    if isinstance(value, str) and "\x00" in value:
        fail(field, f"{label}含有无效字符（NUL）。")
    return v.text(params, field, label, required=required, max_length=max_length)


def money(params: dict, field: str, label: str = "金额") -> Decimal:
    """Yuan as a decimal string with at most two places, more than zero (never a float)."""
    raw = params.get(field)
    if raw is None or raw == "":
        fail(field, f"请填写{label}。")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        fail(field, f"{label}应为以元为单位的数字字符串，如 \"1200.50\"。")
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        fail(field, f"{label}“{raw}”不是有效金额。")
    if not value.is_finite():
        fail(field, f"{label}“{raw}”不是有效金额。")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        fail(field, f"{label}最多保留两位小数（分）。")
    if value <= 0:
        fail(field, f"{label}应大于 0。")
    if value > MAX_AMOUNT:
        fail(field, f"{label}过大。")
    return value.quantize(Decimal("0.01"))


def past_date(params: dict, field: str, label: str, *, required: bool = True) -> dt.date | None:
    day = date_value(params, field, label, required=required)
    if day is not None and day > timezone.localdate():
        fail(field, f"{label}不能晚于今天。")
    return day


def month(params: dict, field: str = "month") -> dt.date:
    raw = str(params.get(field) or "").strip()
    match = _MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        fail(field, f"月份“{raw}”无效，格式为 YYYY-MM。")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def year(params: dict, field: str = "year", *, required: bool = True, default: int | None = None) -> int:
    value = integer(params, field, "年度", required=required, minimum=2000, maximum=2100, default=default)
    assert value is not None
    return value


__all__ = ["boolean", "choice", "date_range", "date_value", "fail", "integer", "money", "month", "no_nul", "past_date",
           "text", "unit_by_code", "within", "year"]
