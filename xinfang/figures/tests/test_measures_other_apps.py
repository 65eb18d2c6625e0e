"""The assessment measures defined by other apps: "tasks done on time" (leaders) and "risk reports
filed" (ledgers), each one definition, registered with the figures and scored, drilled into and
exported like the others. Today is 22 November 2026 (``conftest.frozen``)."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from xinfang.figures import assessment, assessment_papers, measures
from xinfang.figures.periods import year_period
from xinfang.leaders.choices import TaskSource, TaskStatus
from xinfang.leaders.models import Task
from xinfang.leaders.selectors import tasks_on_time
from xinfang.ledgers.models import LedgerPolicy, RiskReport
from xinfang.ledgers.selectors.ledgers import risk_reports_filed
from xinfang.workdays.models import RuleSet

TZ = ZoneInfo("Asia/Shanghai")
SCHEME = {"year": 2026, "indicators": [
    {"code": "T", "label": "交办任务按期完成率", "weight": 50, "measure": "tasks_on_time"},
    {"code": "R", "label": "隐患排查月报按时报送率", "weight": 50, "measure": "risk_reports"},
]}


def _task(county, unit, due, done=None):
    return Task.objects.create(
        source=TaskSource.DECISION, unit=unit, text="落实会议决定", due=due, created_at=dt.datetime(2026, 1, 5, tzinfo=TZ),
        status=TaskStatus.DONE if done else TaskStatus.OPEN,
        completed_at=dt.datetime.combine(done, dt.time(16), tzinfo=TZ) if done else None)


def _report(county, unit, month):
    return RiskReport.objects.create(unit=unit, month=month, nil_report=True, filed_at=dt.datetime(2026, 11, 1, tzinfo=TZ),
                                     filed_by=county.users["handler"])


@pytest.fixture
def rows(county):
    town, other = county.town, county.other_town
    _task(county, town, dt.date(2026, 3, 1), done=dt.date(2026, 2, 28))  # on time
    _task(county, town, dt.date(2026, 4, 1), done=dt.date(2026, 4, 5))  # late
    _task(county, town, dt.date(2026, 5, 1))  # open, past due
    _task(county, town, dt.date(2026, 12, 20))  # open, not yet due: not judged
    _task(county, other, dt.date(2026, 6, 1), done=dt.date(2026, 6, 1))  # on the due day
    LedgerPolicy.objects.create(version=1, risk_reports_from=dt.date(2026, 7, 1))
    for month in (7, 8, 10, 11):  # November has not ended: not yet due
        _report(county, town, dt.date(2026, month, 1))
    RuleSet.objects.create(version=99, ranking_min_sample=0)


def test_both_are_registered_once():
    assert measures.get("tasks_on_time").kind == "rate" and measures.get("risk_reports").kind == "rate"


def test_values_by_unit_match_the_hand_count(county, rows):
    period = year_period(2026, dt.date(2026, 11, 22))
    reader = county.users["officer"]
    tasks = measures.get("tasks_on_time").compute(reader, period, dt.date(2026, 11, 22))
    assert (tasks[county.town.pk].numerator, tasks[county.town.pk].denominator) == (1, 3)
    assert tasks[county.other_town.pk].value == 1.0 and county.department.pk not in tasks
    reports = measures.get("risk_reports").compute(reader, period, dt.date(2026, 11, 22))
    assert (reports[county.town.pk].numerator, reports[county.town.pk].denominator) == (3, 4)  # July–October due
    assert reports[county.other_town.pk].value == 0.0 and reports[county.department.pk].denominator == 4
    # the per-unit readers of each app give the same answer (one definition)
    assert tasks_on_time(county.town, 2026) == {"due": 3, "on_time": 1, "rate": 0.3333}
    assert risk_reports_filed(county.town, 2026) == 4  # every month of the year, November included


def test_scored_drilled_and_exported(county, rows):
    """T01: 50 × 1/3 + 50 × 3/4 = 16.67 + 37.50 = 54.17; T02: 50 × 1 + 0 = 50;
    D01: no task fell due → the county's rate 2/4 → 25, reports 0/4 → 0: 25."""
    officer = county.users["officer"]
    scheme = assessment.create_scheme(actor=officer, data=SCHEME)
    result = assessment.scores(county.users["cleader"], scheme)
    by = {r["unit"].code: r for r in result["rows"]}
    assert (by["T01"]["score"], by["T02"]["score"], by["D01"]["score"]) == (Decimal("54.17"), Decimal("50.00"), Decimal("25.00"))
    parts = {p["code"]: p for p in by["T01"]["parts"]}
    assert parts["T"]["drill"] == "/leaders/tasks/?unit=T01&due_from=2026-01-01&due_to=2026-11-22"
    assert parts["R"]["drill"] == "/ledgers/risks/reports/?unit=T01&year=2026"
    c = Client()
    c.force_login(officer)
    page = c.get(f"/figures/assessments/{scheme.pk}/").content.decode()
    assert 'href="/leaders/tasks/?unit=T01&amp;due_from=2026-01-01&amp;due_to=2026-11-22"' in page
    tasks_page = c.get(parts["T"]["drill"])
    assert tasks_page.status_code == 200 and len(tasks_page.context["page"].object_list) == 3  # due in the period
    months = c.get(parts["R"]["drill"])
    assert months.status_code == 200 and sum(1 for m in months.context["months"] if m["report"]) == 4
    assert c.get("/ledgers/risks/reports/?unit=NOPE&year=2026").status_code == 400
    assert c.get("/leaders/tasks/?due_from=2026-13-01").status_code == 400
    detail = load_workbook(io.BytesIO(assessment_papers.workbook(officer, scheme)))["明细"]
    labels = {(r[0], r[2]): r[3] for r in detail.iter_rows(min_row=2, values_only=True)}
    assert labels[(county.town.name, "tasks_on_time")] == "33.3%（1/3）"
    assert labels[(county.town.name, "risk_reports")] == "75.0%（3/4）"


def test_a_unit_sees_only_its_own_year_of_reports(county, rows):
    c = Client()
    c.force_login(county.users["handler2"])
    assert c.get("/ledgers/risks/reports/?unit=T01&year=2026").status_code == 400
    assert c.get("/ledgers/risks/reports/?unit=T02&year=2026").status_code == 200
