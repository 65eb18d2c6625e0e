"""Reports as documents: the §41 annual report, the monthly/quarterly 信访形势通报 and the 简报.

A report is first a **draft** (``Report``): the figures are computed into a snapshot, a default
text is written from them (one paragraph per line, ``[[表1]]``/``[[图1]]`` where a table or chart
goes), and the bureau edits the text. **Issuing** renders it through the documents app
(numbered like every paper, DOCX and PDF with the tables and charts) and the report becomes that
immutable ``IssuedDocument``; an issued report is never edited again.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core.errors import InvalidInput, NotAllowed, NotVisible, StateConflict
from xinfang.documents.context import day_text
from xinfang.documents.renderers.content import BLOCK_MARK
from xinfang.documents.services import issue_document
from xinfang.org.choices import Role, UnitKind
from xinfang.org.models import Region, Unit
from xinfang.org.permissions import COUNTY_WIDE_ROLES
from xinfang.supervision.services.papers import issuing_bureau

from . import report_figures
from .models import Report, ReportKind, ReportState
from .periods import Period, add_months, check_period, month_end, year_period
from .texts import DEFAULT_TITLES, write_body

DOC_TYPES = {ReportKind.ANNUAL: "annual_report", ReportKind.MONTHLY: "situation_report", ReportKind.BRIEFING: "briefing"}
WRITE_ROLES = (Role.CASE_OFFICER, Role.BUREAU_LEADER)


def may_read(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*COUNTY_WIDE_ROLES))


def may_write(user) -> bool:
    return bool(may_read(user) and user.in_bureau and user.has_role(*WRITE_ROLES))


def require_read(user) -> None:
    if not may_read(user):
        raise NotAllowed("只有信访局、县领导和审计人员可以查看报告。")


def require_write(user) -> None:
    if not may_write(user):
        raise NotAllowed("只有信访局案件办理人员或局领导可以编写和印发报告。")


def access_report(user, pk, *, for_update: bool = False) -> Report:
    require_read(user)
    qs = Report.objects.all() if for_update else Report.objects.select_related("document")
    if for_update:
        qs = qs.select_for_update()  # the document is a nullable join: PostgreSQL cannot lock its side
    report = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if report is None:
        raise NotVisible("未找到该报告。")
    return report


def county_name() -> str:
    county = Region.objects.filter(level=1).order_by("code").first()
    return county.name if county else "本县"


def default_title(kind: str, period: Period) -> str:
    return DEFAULT_TITLES[kind].format(county=county_name(), year=period.date_from.year,
                                       period=period_text(period))


def period_text(period: Period) -> str:
    f, t = period.date_from, period.date_to
    if f.day == 1 and t == month_end(f):
        return f"{f.year}年{f.month}月"
    if f == dt.date(f.year, 1, 1) and t == dt.date(f.year, 12, 31):
        return f"{f.year}年"
    if f.day == 1 and t == month_end(add_months(f, 2)) and f.month in (1, 4, 7, 10):
        return f"{f.year}年第{(f.month + 2) // 3}季度"
    return f"{day_text(f)}至{day_text(t)}"


def _compute(user, kind: str, period: Period, today: dt.date) -> dict:
    return report_figures.snapshot(user, kind, period, today)


def create_report(*, actor, kind: str, date_from: dt.date, date_to: dt.date, today: dt.date | None = None,
                  by_engine: bool = False, title: str = "") -> Report:
    """A new draft over the period, its figures computed and its default text written."""
    if not by_engine:
        require_write(actor)
    today = today or timezone.localdate()
    if kind not in ReportKind.values:
        raise InvalidInput("报告类型无效。", fields={"kind": f"可选：{'、'.join(ReportKind.values)}"})
    period = check_period(date_from, date_to, today)
    data = _compute(actor, kind, period, today)
    report = Report(kind=kind, period_from=period.date_from, period_to=period.date_to,
                    title=(title.strip() or default_title(kind, period))[:200],
                    body=write_body(kind, data, period_text(period), county_name()), figures=data,
                    created_by=None if by_engine else actor, prepared_by_engine=by_engine)
    with transaction.atomic():
        report.save()
    return report


def _check_body(body: str) -> None:
    if "\x00" in body:
        raise InvalidInput("正文含有非法字符。", fields={"body": "含有非法字符"})
    if len(body) > 50000:
        raise InvalidInput("正文不能超过 50000 字。", fields={"body": "过长"})
    if not body.strip():
        raise InvalidInput("正文不能为空。", fields={"body": "必填"})


def update_report(*, actor, pk, title: str | None = None, body: str | None = None) -> Report:
    require_write(actor)
    with transaction.atomic():
        report = access_report(actor, pk, for_update=True)
        if not report.is_draft:
            raise StateConflict("报告已印发，不能再修改。")
        if title is not None:
            title = title.strip()
            if not title or len(title) > 200 or "\x00" in title:
                raise InvalidInput("标题不能为空，最多 200 字。", fields={"title": "必填，最多 200 字"})
            report.title = title
        if body is not None:
            _check_body(body)
            report.body = body.replace("\r\n", "\n")
        report.save()
    return report


def refresh_figures(*, actor, pk, today: dt.date | None = None) -> Report:
    """Recompute the snapshot of a draft (late entries); the text is kept as edited."""
    require_write(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        report = access_report(actor, pk, for_update=True)
        if not report.is_draft:
            raise StateConflict("报告已印发，数据不再更新。")
        report.figures = _compute(actor, report.kind, Period(report.period_from, report.period_to), today)
        report.save(update_fields=["figures", "updated_at"])
    return report


def recipient_of(kind: str) -> tuple[str, Unit | None]:
    county = county_name()
    government = Unit.objects.filter(kind=UnitKind.GOVERNMENT, active=True).order_by("code").first()
    if kind == ReportKind.ANNUAL:
        return f"中共{county}委、{government.name if government else county + '人民政府'}", government
    if kind == ReportKind.MONTHLY:
        return "各乡镇（街道）、县直各有关单位", None
    return "", None


def issue_report(*, actor, pk) -> Report:
    """Render and number the draft as its document; the report is immutable from now on."""
    require_write(actor)
    with transaction.atomic():
        report = access_report(actor, pk, for_update=True)
        if not report.is_draft:
            raise StateConflict("报告已经印发。")
        blocks = report_figures.blocks(report.kind, report.figures)
        unknown = sorted({m.group(1) for line in report.body.splitlines() if (m := BLOCK_MARK.match(line.strip()))}
                         - set(blocks))
        if unknown:
            raise InvalidInput(f"正文中的标记 [[{unknown[0]}]] 没有对应的表格或图表。", fields={"body": "未知的表格或图表标记"})
        recipient, recipient_unit = recipient_of(report.kind)
        context = {"报告标题": report.title, "报告正文": report.body,
                   "报告期间": period_text(Period(report.period_from, report.period_to))}
        doc = issue_document(DOC_TYPES[ReportKind(report.kind)], context=context, issuing_unit=issuing_bureau(actor),
                             recipient=recipient, recipient_unit=recipient_unit, source=report, actor=actor,
                             blocks=blocks)
        report.document = doc
        report.state = ReportState.ISSUED
        report.save(update_fields=["document", "state", "updated_at"])
    return report


def issue_annual(*, actor, year: int, work: str = "", today: dt.date | None = None) -> Report:
    """POST /reports/annual/: the year's draft written and issued at once (``work``: 本年度主要工作)."""
    require_write(actor)
    today = today or timezone.localdate()
    period = year_period(year, today)
    with transaction.atomic():
        report = create_report(actor=actor, kind=ReportKind.ANNUAL, date_from=period.date_from, date_to=period.date_to,
                               today=today)
        work = str(work or "").strip()
        if work:
            _check_body(work)
            report.body = report.body.replace(report_figures_placeholder(), work)
            report.save(update_fields=["body"])
        return issue_report(actor=actor, pk=report.pk)


def report_figures_placeholder() -> str:
    from .texts import WORK_PLACEHOLDER

    return WORK_PLACEHOLDER


# ---- the engine's monthly draft ------------------------------------------------------------


def prepare_monthly_draft(today: dt.date, calendar) -> Report | None:
    """From the first working day of a month on, the previous month's 信访形势通报 as a draft, once
    (a day the engine did not run is caught up on its next run, like every other step)."""
    first = today.replace(day=1)
    if today < calendar.next_workday(first):
        return None
    start = add_months(first, -1)
    if Report.objects.filter(kind=ReportKind.MONTHLY, period_from=start, prepared_by_engine=True).exists():
        return None
    try:
        return create_report(actor=ENGINE_READER, kind=ReportKind.MONTHLY, date_from=start,
                             date_to=first - dt.timedelta(days=1), today=today, by_engine=True)
    except IntegrityError:  # another run prepared it at the same moment
        return None


class EngineReader:
    """The daily engine reads the whole county as a county-wide reader (an auditor) would; all it
    writes is a draft that waits for the bureau."""

    is_authenticated = True
    is_active = True
    unit_id = None
    unit = None
    pk = None
    in_bureau = False

    def has_role(self, *roles) -> bool:
        return Role.AUDITOR in roles


ENGINE_READER = EngineReader()


def preview_pdf(report: Report) -> bytes:
    """The report rendered as it would be issued, marked 草稿, without a number (nothing stored)."""
    from xinfang.documents.renderers.content import BLOCKS_KEY, blocks_to_json, official_date
    from xinfang.documents.renderers.pdf import render_pdf
    from xinfang.documents.services import active_template, compose

    doc_type = DOC_TYPES[ReportKind(report.kind)] if report.kind in DOC_TYPES else "briefing"
    unit = issuing_bureau(None)
    recipient, _ = recipient_of(report.kind)
    day = timezone.localdate()
    values = {"报告标题": report.title, "报告正文": report.body,
              "报告期间": period_text(Period(report.period_from, report.period_to)),
              "发文机关": unit.name, "机关代字": "", "成文日期": official_date(day), "主送": recipient, "年份": str(day.year),
              BLOCKS_KEY: blocks_to_json(report_figures.blocks(report.kind, report.figures))}
    content = compose(active_template(doc_type), values, issuing_unit_name=unit.name, doc_number="（草稿，未编号）",
                      recipient=recipient, date_text=official_date(day))
    pdf, _missing = render_pdf(content)
    return pdf
