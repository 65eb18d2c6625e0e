import datetime as dt

import pytest
import time_machine

from xinfang.ledgers.models import LedgerPolicy
from xinfang.ledgers.services import proposals, risks
from xinfang.supervision import engine
from xinfang.supervision.models import SupervisionRecord

pytestmark = pytest.mark.django_db


def at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(8), tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)


def test_overdue_proposal_is_urged_once_and_closed_by_the_reply(county):
    with at(dt.date(2026, 3, 2)):
        p = proposals.proposal_create(actor=county.users["officer"], data={
            "kind": "cppcc", "number": "7", "title": "提案", "proposer": "李委员", "received_on": "2026-03-01",
            "urgent": True, "unit": "T01", "content": "内容"})
    with at(p.due):
        assert engine.run(p.due).counts.get("proposals_supervised") is None  # due today: not yet late
    day = p.due + dt.timedelta(days=1)
    with at(day):
        assert engine.run(day).counts["proposals_supervised"] == 1
        assert engine.run(day).counts.get("proposals_supervised") is None  # idempotent
        record = SupervisionRecord.objects.get(trigger_key=f"proposal:{p.pk}:overdue")
        assert record.kind == "urge" and record.target_unit == county.town and record.state == "open"
        proposals.proposal_reply(actor=county.users["handler"], pk=p.pk, data={"text": "答复"})
        record.refresh_from_db()
        assert record.state == "closed"


def test_missing_monthly_reports_are_reminded_after_the_set_day(county):
    LedgerPolicy.objects.create(version=1, risk_report_day=25, risk_reports_from=dt.date(2026, 3, 1))
    with at(dt.date(2026, 3, 20)):
        risks.report_file(actor=county.users["handler"], data={"month": "2026-03", "nil_report": True})
        assert engine.run(dt.date(2026, 3, 20)).counts.get("risk_reports_reminded") is None  # before the 25th
    with at(dt.date(2026, 3, 26)):
        counts = engine.run(dt.date(2026, 3, 26)).counts
    # T02 and D01 have not reported (T01 has); the bureau and the others do not report.
    assert counts["risk_reports_reminded"] == 2
    keys = set(SupervisionRecord.objects.values_list("target_unit__code", flat=True))
    assert keys == {"T02", "D01"}
    with at(dt.date(2026, 3, 27)):
        assert engine.run(dt.date(2026, 3, 27)).counts.get("risk_reports_reminded") is None
        risks.report_file(actor=county.users["handler2"], data={"month": "2026-03", "nil_report": "true"})
    assert SupervisionRecord.objects.get(target_unit__code="T02").state == "closed"


def test_no_reminders_before_the_ledger_is_switched_on(county):
    with at(dt.date(2026, 3, 28)):
        assert engine.run(dt.date(2026, 3, 28)).counts.get("risk_reports_reminded") is None
