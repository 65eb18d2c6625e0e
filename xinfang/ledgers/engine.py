"""The ledgers' checks, called by the daily engine (``supervision.engine``, step ``ledger_checks``).

Idempotent like the engine's own steps: each record carries a unique ``trigger_key``, so a
rerun, a catch-up or two overlapping runs never raise it twice.

* ``supervise_proposals``: an unanswered 人大建议/政协提案 past its due day → a 催办 to its unit
  (closed automatically when the reply is recorded).
* ``remind_risk_reports``: after the set day of the month (``LedgerPolicy.risk_report_day``),
  every town and department without this month's screening report gets a 提醒 (closed when it
  files). Only from the month set as ``risk_reports_from`` (empty until the bureau starts the
  monthly reporting, so a new deployment does not remind every unit at once). Neither record has a response due date: the ledgers' own follow-up is the next
  month's list of units that have not reported, not the escalation ladder.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from xinfang.supervision.choices import RecordKind, Trigger
from xinfang.supervision.models import SupervisionRecord
from xinfang.supervision.services.records import issue_record

from .choices import ProposalState
from .models import Proposal, RiskReport, current_policy
from .selectors.ledgers import reporting_units


def _issue(counts: dict, key: str, **kw) -> None:
    if SupervisionRecord.objects.filter(trigger_key=kw["trigger_key"]).exists():
        return
    try:
        with transaction.atomic():
            issue_record(**kw)
        counts[key] = counts.get(key, 0) + 1
    except IntegrityError:  # another run raised it at the same moment
        pass


def supervise_proposals(today: dt.date) -> dict:
    counts: dict = {}
    qs = Proposal.objects.filter(state=ProposalState.OPEN, due__lt=today).select_related("unit").order_by("pk")
    for p in qs:
        _issue(counts, "proposals_supervised", kind=RecordKind.URGE, target_unit=p.unit, trigger=Trigger.OVERDUE,
               trigger_key=f"proposal:{p.pk}:overdue",
               title=f"催办：{p.get_kind_display()}“{p.number}”逾期未答复",
               content=f"{p.get_kind_display()}“{p.title}”（{p.proposer}）办理期限 {p.due.isoformat()} 已过，"
                       "请尽快答复代表/委员并报信访局。")
    return counts


def remind_risk_reports(today: dt.date) -> dict:
    counts: dict = {}
    policy = current_policy()
    month = today.replace(day=1)
    if today.day <= policy.risk_report_day or policy.risk_reports_from is None or month < policy.risk_reports_from:
        return counts
    filed = set(RiskReport.objects.filter(month=month).values_list("unit_id", flat=True))
    for unit in reporting_units().exclude(pk__in=filed):
        _issue(counts, "risk_reports_reminded", kind=RecordKind.REMINDER, target_unit=unit, trigger=Trigger.OVERDUE,
               trigger_key=f"risk_report:{unit.pk}:{month:%Y-%m}",
               title=f"提醒：{month:%Y年%m月}苗头隐患排查月报未报送",
               content=f"本月 {policy.risk_report_day} 日后仍未报送苗头隐患排查化解月报，"
                       "请在月底前报送（无隐患的报零报告）。")
    return counts


def run_checks(today: dt.date) -> dict:
    """Everything the ledgers ask of the daily engine; returns counts for the run's record."""
    counts = supervise_proposals(today)
    counts.update(remind_risk_reports(today))
    return counts
