"""The ledgers' list filters: one definition per ledger, used by the list page (the filter bar), the
Excel export's filter line and the background export job's page (the filter in words, never the
raw query string)."""

from __future__ import annotations

from dataclasses import dataclass, field

from xinfang.org.choices import COUNTY_KINDS
from xinfang.org.models import Category, Unit

from . import access
from .choices import (
    Adoption,
    GrantStatus,
    LibraryKind,
    ProposalKind,
    ProposalState,
    Reward,
    RiskLevel,
    RiskState,
)
from .selectors.ledgers import reporting_units


@dataclass
class Field:
    """A filter or form field of the ledger pages."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, date, month, number, select, multiselect, checkbox, file
    choices: list = field(default_factory=list)
    required: bool = False
    hint: str = ""
    span: int = 1
    picker: bool = False  # a searchable picker (workbench/pickers.js): units, people, categories


def county_units() -> list[tuple[str, str]]:
    return list(Unit.objects.filter(kind__in=COUNTY_KINDS, active=True).order_by("kind", "code").values_list("code", "name"))


def themes() -> list[tuple[str, str]]:
    return list(Category.objects.filter(level=1, active=True).values_list("code", "name"))


def categories() -> list[tuple[str, str]]:
    return list(Category.objects.filter(active=True, level__lte=2).values_list("code", "name"))


def suggestion_filters(user) -> list[Field]:
    return [
        Field("from", "收到日期起", "date"), Field("to", "收到日期止", "date"),
        Field("theme", "主题（内容分类）", "select", themes(), picker=True),
        Field("adoption", "采纳情况", "select", [("pending", "已答复待记录"), *Adoption.choices]),
        Field("reward", "奖励", "select", Reward.choices), Field("q", "关键词", span=2),
        Field("sort", "排序", "select", [("theme", "按主题"), ("received", "按收到日期（新在前）")]),
    ]


def proposal_filters(user) -> list[Field]:
    fields = [
        Field("kind", "类别", "select", ProposalKind.choices), Field("state", "状态", "select", ProposalState.choices),
        Field("overdue", "逾期", "select", [("true", "逾期未答复"), ("false", "未逾期")]),
        Field("unit", "主办单位", "select", county_units(), picker=True) if access.sees_county(user) else None,
        Field("q", "编号/标题/代表委员", span=2),
    ]
    return [f for f in fields if f is not None]


def risk_filters(user) -> list[Field]:
    fields = [
        Field("level", "风险等级", "select", RiskLevel.choices), Field("state", "状态", "select", RiskState.choices),
        Field("unit", "排查单位", "select", list(reporting_units().values_list("code", "name")), picker=True)
        if access.sees_county(user) else None,
        Field("from", "发现日期起", "date"), Field("to", "发现日期止", "date"), Field("q", "关键词"),
    ]
    return [f for f in fields if f is not None]


def grant_filters(user) -> list[Field]:
    return [Field("year", "年度", "number"), Field("status", "状态", "select", GrantStatus.choices),
            Field("q", "事项编号/理由")]


def library_filters(user) -> list[Field]:
    return [Field("q", "全文检索", span=2), Field("kind", "类别", "select", LibraryKind.choices),
            Field("effective", "效力", "select", [("true", "现行有效"), ("false", "已失效/未生效")]),
            Field("category", "适用内容分类", "select", categories(), picker=True)]


def year_filters(user) -> list[Field]:
    return [Field("year", "年度", "number")]


FILTERS = {
    "suggestions": suggestion_filters,
    "proposals": proposal_filters,
    "risks": risk_filters,
    "fund": grant_filters,
    "library": library_filters,
    "publicity": year_filters,
    "trainings": year_filters,
}


def describe(ledger: str, params: dict, user) -> str:
    """A ledger's filter in words (“主办单位：城关镇；状态：办理中”), by the filter's labels and choice labels;
    a parameter the ledger does not know is shown as it came. "全部" when nothing is chosen."""
    fields = {f.name: f for f in FILTERS[ledger](user)} if ledger in FILTERS else {}
    parts = []
    for name, value in params.items():
        if value in ("", None) or name in ("page", "export"):
            continue
        f = fields.get(name)
        if f is None:
            parts.append(f"{name}：{value}")
        elif f.kind == "select":
            parts.append(f"{f.label}：{dict(f.choices).get(value, value)}")
        else:
            parts.append(f"{f.label}：{value}")
    return "；".join(parts) or "全部"
