"""Column specs of every ledger: one list of columns serves the page's table and its Excel export,
so that what is shown and what is exported are the same rows and the same columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from xinfang.core.excel import DATE, DATETIME, INT, MONEY


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], Any]
    width: int = 14
    link: Callable[[Any], str] | None = None
    css: str = ""
    kind: str = "text"  # the Excel cell type (core.excel: text, int, date, datetime, percent, money)
    raw: Callable[[Any], Any] | None = None  # the typed value for Excel (a date, a Decimal); else ``value``

    def excel(self, obj):
        return self.raw(obj) if self.raw else self.value(obj)


def _d(value):
    return value.isoformat() if value else ""


def _dt(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def money_text(value) -> str:
    """Yuan as read on paper: thousands separated, two decimals (250,000.00)."""
    return f"{Decimal(str(value)):,.2f}" if value not in (None, "") else ""


def _safe_adoption(m):
    """The adoption row or None (a missing reverse one-to-one raises an AttributeError subclass)."""
    return getattr(m, "adoption", None)


SUGGESTIONS = [
    Column("事项编号", lambda m: m.number, 18, link=lambda m: f"/matters/{m.number}/", css="mono nowrap"),
    Column("收到日期", lambda m: timezone.localtime(m.received_at).date().isoformat(), 11, css="nowrap",
           kind=DATE, raw=lambda m: m.received_at),
    Column("主题", lambda m: m.category.path_name if m.category_id else "", 24),
    Column("标题", lambda m: m.title, 34),
    Column("主办单位", lambda m: m.handling_unit.name if m.handling_unit_id else "信访局", 18),
    Column("办理状态", lambda m: m.get_status_display(), 9, css="nowrap"),
    Column("采纳情况", lambda m: a.get_adoption_display() if (a := _safe_adoption(m)) else "—", 9, css="nowrap"),
    Column("采纳单位", lambda m: a.adopting_body if (a := _safe_adoption(m)) else "", 16),
    Column("奖励", lambda m: a.get_reward_display() if (a := _safe_adoption(m)) else "", 10, css="nowrap"),
    Column("门户公开", lambda m: "是" if (a := _safe_adoption(m)) and a.published else "", 8),
]

PROPOSALS = [
    Column("类别", lambda p: p.get_kind_display(), 12, css="nowrap"),
    Column("编号", lambda p: p.number, 12, link=lambda p: reverse("ledgers:proposal", args=[p.pk]), css="mono nowrap"),
    Column("届次", lambda p: p.session, 14),
    Column("标题", lambda p: p.title, 34, link=lambda p: reverse("ledgers:proposal", args=[p.pk])),
    Column("代表/委员", lambda p: p.proposer, 12),
    Column("交办日期", lambda p: _d(p.received_on), 11, css="nowrap", kind=DATE, raw=lambda p: p.received_on),
    Column("办理期限", lambda p: _d(p.due) + ("（急）" if p.urgent else ""), 13, css="nowrap"),
    Column("主办单位", lambda p: p.unit.name, 18),
    Column("协办单位", lambda p: "、".join(u.name for u in p.co_units.all()), 18),
    Column("状态", lambda p: p.get_state_display(), 9, css="nowrap"),
    Column("答复时间", lambda p: _dt(p.replied_at), 16, css="nowrap", kind=DATETIME, raw=lambda p: p.replied_at),
    Column("反馈", lambda p: p.get_rating_display() if p.rating else "", 9, css="nowrap"),
]

RISKS = [
    Column("编号", lambda r: r.pk, 7, link=lambda r: reverse("ledgers:risk", args=[r.pk]), css="mono", kind=INT),
    Column("排查单位", lambda r: r.unit.name, 18),
    Column("发现日期", lambda r: _d(r.found_on), 11, css="nowrap", kind=DATE, raw=lambda r: r.found_on),
    Column("隐患概况", lambda r: r.summary, 44, link=lambda r: reverse("ledgers:risk", args=[r.pk])),
    Column("涉及人数", lambda r: r.people_count, 8, kind=INT),
    Column("风险等级", lambda r: r.get_level_display(), 8, css="nowrap"),
    Column("包案责任人", lambda r: r.responsible, 12),
    Column("化解措施", lambda r: r.measures, 36),
    Column("状态", lambda r: r.get_state_display(), 8, css="nowrap"),
    Column("化解日期", lambda r: _d(r.resolved_on), 11, css="nowrap", kind=DATE, raw=lambda r: r.resolved_on),
]

GRANTS = [
    Column("编号", lambda g: g.pk, 7, link=lambda g: reverse("ledgers:grant", args=[g.pk]), css="mono", kind=INT),
    Column("年度", lambda g: g.fund_year.year, 7, kind=INT),
    Column("事项编号", lambda g: g.matter.number, 18, link=lambda g: f"/matters/{g.matter.number}/", css="mono nowrap"),
    Column("申请金额（元）", lambda g: money_text(g.amount), 13, css="right nowrap", kind=MONEY, raw=lambda g: g.amount),
    Column("申请理由", lambda g: g.reason, 40),
    Column("申请人", lambda g: str(g.requested_by), 10),
    Column("申请时间", lambda g: _dt(g.requested_at), 16, css="nowrap", kind=DATETIME, raw=lambda g: g.requested_at),
    Column("状态", lambda g: g.get_status_display(), 8, css="nowrap"),
    Column("审批人", lambda g: str(g.decided_by) if g.decided_by_id else "", 10),
    Column("审批时间", lambda g: _dt(g.decided_at), 16, css="nowrap", kind=DATETIME, raw=lambda g: g.decided_at),
    Column("发放日期", lambda g: _d(g.paid_on), 11, css="nowrap", kind=DATE, raw=lambda g: g.paid_on),
    Column("发放记录", lambda g: g.payment_note, 24),
]

LIBRARY = [
    Column("类别", lambda i: i.get_kind_display(), 10, css="nowrap"),
    Column("标题", lambda i: i.title, 40, link=lambda i: reverse("ledgers:library_item", args=[i.pk])),
    Column("制定机关", lambda i: i.issuer, 20),
    Column("文号", lambda i: i.doc_number, 16),
    Column("发布日期", lambda i: _d(i.issued_on), 11, css="nowrap", kind=DATE, raw=lambda i: i.issued_on),
    Column("施行日期", lambda i: _d(i.effective_on), 11, css="nowrap", kind=DATE, raw=lambda i: i.effective_on),
    Column("现行有效", lambda i: "是" if i.effective else "否", 8),
    Column("版本", lambda i: i.version, 6, kind=INT),
    Column("门户公开", lambda i: "是" if i.published else "", 8),
]

PUBLICITY = [
    Column("日期", lambda a: _d(a.date), 11, css="nowrap", kind=DATE, raw=lambda a: a.date),
    Column("活动名称", lambda a: a.title, 34),
    Column("地点", lambda a: a.place, 20),
    Column("受众人数", lambda a: a.audience_count, 9, css="right", kind=INT),
    Column("宣传材料/形式", lambda a: a.material, 36),
    Column("组织单位", lambda a: a.unit.name, 16),
]

TRAININGS = [
    Column("日期", lambda t: _d(t.date), 11, css="nowrap", kind=DATE, raw=lambda t: t.date),
    Column("培训名称", lambda t: t.title, 34, link=lambda t: reverse("ledgers:training", args=[t.pk])),
    Column("学时", lambda t: t.hours, 6, css="right"),
    Column("地点", lambda t: t.place, 20),
    Column("主办", lambda t: t.organizer, 16),
    Column("参训人数", lambda t: t.attendee_count, 8, css="right", kind=INT),
]

HOURS = [
    Column("用户名", lambda r: r["username"], 14),
    Column("姓名", lambda r: r["full_name"], 12),
    Column("单位", lambda r: r["unit__name"] or "", 22),
    Column("参训次数", lambda r: r["sessions"], 9, css="right", kind=INT),
    Column("学时合计", lambda r: r["hours"], 9, css="right"),
]


def cells(columns: list[Column], obj) -> list[dict]:
    return [{"value": c.value(obj), "link": c.link(obj) if c.link else "", "css": c.css} for c in columns]
