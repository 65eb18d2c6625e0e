"""Parsing the period and scope of a statistic (shared by the pages, the export and the API)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date

from xinfang.core.errors import InvalidInput
from xinfang.org.models import Region, Unit

from .rates import Scope

MAX_DAYS = 366 * 5


def _date(params, name: str, label: str, default: dt.date) -> dt.date:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(f"{label}“{raw}”不是有效日期（格式 YYYY-MM-DD）。", fields={name: "日期格式应为 YYYY-MM-DD"})
    return value


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def year_start(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def parse_scope(params, *, today: dt.date | None = None, default_from=month_start) -> Scope:
    """``from``/``to`` (inclusive; default: this month — or what ``default_from`` gives — to today), ``unit``
    (code), ``region`` (town code), ``target`` (``unit`` default, or ``bureau``)."""
    today = today or timezone.localdate()
    date_from = _date(params, "from", "开始日期", default_from(today))
    date_to = _date(params, "to", "结束日期", today)
    if date_to < date_from:
        raise InvalidInput("结束日期不能早于开始日期。", fields={"to": "结束日期不能早于开始日期"})
    if (date_to - date_from).days > MAX_DAYS:
        raise InvalidInput("统计期间不能超过五年。", fields={"to": "统计期间不能超过五年"})
    unit = None
    code = (params.get("unit") or "").strip()
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise InvalidInput(f"单位代码“{code}”不存在。", fields={"unit": "单位代码不存在"})
    region = None
    rcode = (params.get("region") or "").strip()
    if rcode:
        region = Region.objects.filter(code=rcode).first()
        if region is None:
            raise InvalidInput(f"区划代码“{rcode}”不存在。", fields={"region": "区划代码不存在"})
    target = (params.get("target") or "unit").strip()
    if target not in ("unit", "bureau"):
        raise InvalidInput("评价对象 target 只能是 unit（责任单位）或 bureau（信访部门）。", fields={"target": "可选 unit 或 bureau"})
    return Scope(date_from=date_from, date_to=date_to, unit=unit, region=region, target=target, today=today)
