"""Admin-editable calendar overrides and the versioned clock settings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from .calendar import WorkCalendar
from .clocks import CountingRules
from .rules import DEFAULT_PERIODS, RuleParams


class CalendarOverride(models.Model):
    """One day whose working status the administrator sets (years the library lacks, corrections)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = verbose_name
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'} {self.note}"


class CalendarYear(models.Model):
    """A year whose holidays the administrator has entered completely: its dates count as official."""

    year = models.PositiveIntegerField("年份", unique=True)
    confirmed = models.BooleanField("已按国务院通知录入完毕", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度节假日确认"
        verbose_name_plural = verbose_name
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}"


class RuleSet(models.Model):
    """A version of the clock settings. Rows are never edited: a change adds a new version."""

    version = models.PositiveIntegerField("版本", unique=True)
    periods = models.JSONField("各时限天数", default=dict)
    start_day_counted = models.BooleanField("起算日计入", default=False)
    roll_over_to_workday = models.BooleanField("期满日为节假日顺延", default=True)
    max_extension_days = models.PositiveIntegerField("最长延期（日）", default=30)
    due_soon_workdays = models.PositiveIntegerField("临期提醒（工作日）", default=3)
    collective_threshold = models.PositiveIntegerField("集体访人数标准", default=5)
    ranking_min_sample = models.PositiveIntegerField("排名最小样本", default=15)
    allow_reevaluation = models.BooleanField("允许重新评价一次", default=False)
    note = models.CharField("变更说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "时限规则"
        verbose_name_plural = verbose_name
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_extension_days__lte=30), name="ruleset_max_extension_le_30"),
        ]

    def __str__(self) -> str:
        return f"规则 v{self.version}"

    def to_params(self) -> RuleParams:
        periods = dict(DEFAULT_PERIODS)
        periods.update({k: int(v) for k, v in (self.periods or {}).items()})
        return RuleParams(
            version=self.version,
            periods=periods,
            counting=CountingRules(
                start_day_counted=self.start_day_counted, roll_over_to_workday=self.roll_over_to_workday
            ),
            max_extension_days=self.max_extension_days,
            due_soon_workdays=self.due_soon_workdays,
            collective_threshold=self.collective_threshold,
            ranking_min_sample=self.ranking_min_sample,
            allow_reevaluation=self.allow_reevaluation,
        )


def _load_rules() -> RuleParams:
    row = RuleSet.objects.order_by("-version").first()
    if row is None:
        return RuleSet(version=1).to_params()
    return row.to_params()


def current_rules() -> RuleParams:
    """The rule settings in force (cached per process, dropped when a RuleSet is saved)."""
    from xinfang.core import refcache

    return refcache.get("workdays.rules", _load_rules)


def rules_version(version: int) -> RuleParams:
    row = RuleSet.objects.filter(version=version).first()
    return row.to_params() if row else current_rules()


def load_calendar() -> WorkCalendar:
    """The calendar with the administrator's overrides (cached per process; two small queries
    when an override or a confirmed year changed)."""
    from xinfang.core import refcache

    return refcache.get("workdays.calendar", _load_calendar)


def _load_calendar() -> WorkCalendar:
    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    confirmed = frozenset(CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True))
    return WorkCalendar(overrides=overrides, confirmed_years=confirmed)


def local_date(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(value).date()
