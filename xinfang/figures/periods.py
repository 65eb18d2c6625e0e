"""The period of a figure: parsing, validation and the comparison periods.

``from``/``to`` are local dates, both included. Refused with a Chinese message naming the field:
a malformed date, ``from`` after ``to``, a period longer than ten years, or a period reaching into
the future (``to`` after today): figures of days that have not happened are not figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date

from xinfang.core.errors import InvalidInput

MAX_YEARS = 10


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def start(self) -> dt.datetime:
        return moment(self.date_from)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period (exclusive bound)."""
        return moment(self.date_to + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.date_from:%Y-%m-%d} 至 {self.date_to:%Y-%m-%d}"

    def previous(self) -> Period:
        """The period of the same length just before (上期); whole months stay whole months."""
        if self.date_from.day == 1 and (self.date_to + dt.timedelta(days=1)).day == 1:
            months = (self.date_to.year - self.date_from.year) * 12 + self.date_to.month - self.date_from.month + 1
            start = add_months(self.date_from, -months)
            return Period(start, self.date_from - dt.timedelta(days=1))
        return Period(self.date_from - dt.timedelta(days=self.days), self.date_from - dt.timedelta(days=1))

    def last_year(self) -> Period:
        """The same period one year earlier (同期); 29 February becomes 28 February."""
        return Period(same_day_last_year(self.date_from), same_day_last_year(self.date_to))


def moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def parse_day(raw: str, name: str, label: str) -> dt.date:
    raw = (raw or "").strip()
    try:
        value = parse_date(raw) if "\x00" not in raw else None
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(f"{label}“{raw[:20]}”不是有效日期（格式 YYYY-MM-DD）。", fields={name: "日期格式应为 YYYY-MM-DD"})
    return value


def check_period(date_from: dt.date, date_to: dt.date, today: dt.date, *, field: str = "to") -> Period:
    if date_from > date_to:
        raise InvalidInput("开始日期不能晚于结束日期。", fields={"from": "开始日期不能晚于结束日期"})
    if date_to > today:
        raise InvalidInput(f"统计期间不能包含将来的日期（今天是 {today:%Y-%m-%d}）。", fields={field: "不能晚于今天"})
    if date_from < same_day_last_year(date_to).replace(year=date_to.year - MAX_YEARS) + dt.timedelta(days=1):
        raise InvalidInput(f"统计期间不能超过{MAX_YEARS}年。", fields={"from": f"期间不能超过{MAX_YEARS}年"})
    return Period(date_from, date_to)


def parse_period(params, *, today: dt.date | None = None) -> Period:
    """``from``/``to`` (default: 1 January of this year to today)."""
    today = today or timezone.localdate()
    raw_from, raw_to = params.get("from") or "", params.get("to") or ""
    date_from = parse_day(raw_from, "from", "开始日期") if str(raw_from).strip() else today.replace(month=1, day=1)
    date_to = parse_day(raw_to, "to", "结束日期") if str(raw_to).strip() else today
    return check_period(date_from, date_to, today)


def parse_year(raw, *, today: dt.date | None = None, name: str = "year") -> int:
    today = today or timezone.localdate()
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidInput("年度应为四位数字，如 2026。", fields={name: "年度应为四位数字"}) from None
    if year < 2000 or year > today.year:
        raise InvalidInput(f"年度 {year} 无效（不能晚于今年）。", fields={name: "年度无效"})
    return year


def year_period(year: int, today: dt.date | None = None) -> Period:
    """A calendar year, cut at today when it is the current year."""
    today = today or timezone.localdate()
    return Period(dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))
