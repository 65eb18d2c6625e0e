"""The clock rule table (domain §4): one row per clock, each traced to its article.

Periods and counting rules are *settings* (``RuleSet`` rows, versioned). A deadline stores the
rule-set version it was computed with, so changing the settings never moves existing deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .clocks import CountingRules, PeriodUnit


class ClockKind(StrEnum):
    DISPOSE = "dispose"
    ACCEPT = "accept"
    OBJECT = "object"
    REPORT = "report"
    HANDLE = "handle"
    REVIEW_REQUEST = "review_request"
    REVIEW = "review"
    RECHECK_REQUEST = "recheck_request"
    RECHECK = "recheck"
    EVALUATE = "evaluate"


class Obligor(StrEnum):
    """Who the clock binds: authorities can be overdue; a petitioner's window only lapses."""

    BUREAU = "bureau"
    UNIT = "unit"
    REVIEW_BODY = "review_body"
    PETITIONER = "petitioner"


@dataclass(frozen=True)
class ClockRule:
    kind: ClockKind
    label: str
    period: int | None  # None: set by the act (the bureau's report deadline, the redo period)
    unit: PeriodUnit
    start_label: str
    obligor: Obligor
    source: str
    obligation: bool = True  # False: a right that lapses (never "overdue"), e.g. the unit's objection window


CLOCK_RULES: dict[ClockKind, ClockRule] = {
    r.kind: r
    for r in [
        ClockRule(ClockKind.DISPOSE, "登记转送/交办", 15, PeriodUnit.DAYS, "收到", Obligor.BUREAU, "《信访工作条例》第二十二条"),
        ClockRule(ClockKind.ACCEPT, "受理告知", 15, PeriodUnit.DAYS, "收到", Obligor.UNIT, "《信访工作条例》第二十三条第三款"),
        ClockRule(ClockKind.OBJECT, "异议退回", 5, PeriodUnit.WORKDAYS, "收到", Obligor.UNIT, "《信访工作条例》第二十三条第三款", obligation=False),
        ClockRule(ClockKind.REPORT, "办结报告", None, PeriodUnit.DAYS, "交办", Obligor.UNIT, "《信访工作条例》第二十二条第三项"),
        ClockRule(ClockKind.HANDLE, "办理答复", 60, PeriodUnit.DAYS, "受理", Obligor.UNIT, "《信访工作条例》第三十四条"),
        ClockRule(ClockKind.REVIEW_REQUEST, "申请复查期限", 30, PeriodUnit.DAYS, "送达", Obligor.PETITIONER, "《信访工作条例》第三十五条"),
        ClockRule(ClockKind.REVIEW, "复查", 30, PeriodUnit.DAYS, "收到复查请求", Obligor.REVIEW_BODY, "《信访工作条例》第三十五条"),
        ClockRule(ClockKind.RECHECK_REQUEST, "申请复核期限", 30, PeriodUnit.DAYS, "送达", Obligor.PETITIONER, "《信访工作条例》第三十六条"),
        ClockRule(ClockKind.RECHECK, "复核", 30, PeriodUnit.DAYS, "收到复核请求", Obligor.REVIEW_BODY, "《信访工作条例》第三十六条"),
        ClockRule(ClockKind.EVALUATE, "评价期限", 30, PeriodUnit.DAYS, "告知/答复", Obligor.PETITIONER, "《信访工作条例》第二十一条；评价期限为设置项"),
    ]
}

# Clocks that bind an authority to act: these can be overdue and feed supervision and the rates.
# The petitioner's windows and the unit's objection window are rights that simply lapse.
AUTHORITY_CLOCKS = frozenset(
    k for k, r in CLOCK_RULES.items() if r.obligor is not Obligor.PETITIONER and r.obligation
)

MAX_EXTENSION_DAYS = 30  # 《信访工作条例》第三十四条: 延长期限不得超过30日


@dataclass(frozen=True)
class RuleParams:
    """The settings in force: periods by clock, counting rules and practice settings."""

    version: int
    periods: dict[str, int]
    counting: CountingRules
    max_extension_days: int = MAX_EXTENSION_DAYS
    due_soon_workdays: int = 3
    collective_threshold: int = 5
    max_representatives: int = 5
    ranking_min_sample: int = 15
    allow_reevaluation: bool = False
    repeat_lookback_days: int = 365

    def period(self, kind: ClockKind | str) -> int:
        kind = ClockKind(kind)
        if kind.value in self.periods:
            return int(self.periods[kind.value])
        default = CLOCK_RULES[kind].period
        if default is None:
            raise ValueError(f"clock {kind} has no default period")
        return default


DEFAULT_PERIODS = {k.value: r.period for k, r in CLOCK_RULES.items() if r.period is not None}

DEFAULT_PARAMS = RuleParams(version=0, periods=dict(DEFAULT_PERIODS), counting=CountingRules())
