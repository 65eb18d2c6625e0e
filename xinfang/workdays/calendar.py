"""The working-day calendar: pure functions, no ORM.

Official data comes from ``chinesecalendar`` (State Council holiday notices, with make-up
working days 调休). Days the administrator entered (``CalendarOverride``) win over it; years the
library does not cover fall back to "Monday–Friday" and make any result depending on them
*provisional* unless the administrator has confirmed the year (domain §4 rule 4).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

WEEKDAYS_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def weekday_zh(day: dt.date) -> str:
    return WEEKDAYS_ZH[day.weekday()]


def _library_years() -> frozenset[int]:
    years = set()
    for year in range(2004, 2101):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


LIBRARY_YEARS = _library_years()
# The library's answer for a date never changes within a process (its data is in the package);
# clock arithmetic asks about the same few hundred dates over and over.
_library_is_workday = functools.lru_cache(maxsize=8192)(chinese_calendar.is_workday)


@dataclass(frozen=True)
class WorkCalendar:
    """Answers "is this a working day?" and remembers whether the answer was official."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()

    def is_official_year(self, year: int) -> bool:
        return year in LIBRARY_YEARS or year in self.confirmed_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in LIBRARY_YEARS:
            return bool(_library_is_workday(day))
        return day.weekday() < 5

    def kind_of_day(self, day: dt.date) -> str:
        """Chinese description used in explanations: 工作日/周末/法定节假日/调休工作日."""
        workday = self.is_workday(day)
        weekend = day.weekday() >= 5
        if workday:
            return "调休工作日" if weekend else "工作日"
        return "周末" if weekend else "法定节假日"

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day on or after ``day``."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (start itself not counted)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end == start:
            return 0
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return sign * count

    def unofficial_years(self, days: Iterable[dt.date]) -> set[int]:
        return {d.year for d in days if not self.is_official_year(d.year)}


DEFAULT_CALENDAR = WorkCalendar()
