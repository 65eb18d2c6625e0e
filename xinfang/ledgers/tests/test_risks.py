import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from xinfang.core.errors import InvalidInput, NotAllowed, NotVisible, StateConflict
from xinfang.ledgers.models import Risk
from xinfang.ledgers.selectors.ledgers import filter_risks, report_status, risk_reports_filed
from xinfang.ledgers.services import risk_import
from xinfang.ledgers.services import risks as svc

pytestmark = pytest.mark.django_db
DAY = dt.datetime(2026, 3, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
RISK = {"found_on": "2026-03-05", "summary": "征地补偿纠纷", "people_count": 12, "level": "medium"}


@time_machine.travel(DAY, tick=False)
def test_towns_write_their_own_the_bureau_any(county):
    own = svc.risk_create(actor=county.users["handler"], data=RISK)
    assert own.unit == county.town
    with pytest.raises(NotAllowed):
        svc.risk_create(actor=county.users["handler"], data={**RISK, "unit": "T02"})
    assert svc.risk_create(actor=county.users["officer"], data={**RISK, "unit": "T02"}).unit == county.other_town
    with pytest.raises(InvalidInput, match="不报送"):
        svc.risk_create(actor=county.users["officer"], data={**RISK, "unit": "XFJ"})
    with pytest.raises(NotVisible):
        svc.risk_resolve(actor=county.users["handler2"], pk=own.pk, data={"measures": "x", "resolved_on": "2026-03-10"})
    assert [r.unit.code for r in filter_risks(county.users["handler"], {})] == ["T01"]
    assert len(filter_risks(county.users["auditor"], {})) == 2
    assert len(filter_risks(county.users["nobody"], {})) == 0


@time_machine.travel(DAY, tick=False)
def test_resolve_once_with_a_sensible_day(county):
    r = svc.risk_create(actor=county.users["handler"], data=RISK)
    with pytest.raises(InvalidInput, match="不能早于发现日期"):
        svc.risk_resolve(actor=county.users["handler"], pk=r.pk, data={"measures": "协调", "resolved_on": "2026-03-01"})
    r = svc.risk_resolve(actor=county.users["handler"], pk=r.pk, data={"measures": "协调补偿到位", "resolved_on": "2026-03-15"})
    assert r.state == "resolved"
    with pytest.raises(StateConflict):
        svc.risk_resolve(actor=county.users["handler"], pk=r.pk, data={"measures": "x", "resolved_on": "2026-03-15"})


@time_machine.travel(DAY, tick=False)
@pytest.mark.parametrize(("data", "message"), [
    ({"people_count": 0}, "不能小于 1"), ({"people_count": "多人"}, "整数"), ({"level": "extreme"}, "风险等级"),
    ({"found_on": "2026-02-30"}, "不是有效日期"), ({"found_on": "2026-04-01"}, "不能晚于今天"), ({"summary": ""}, "隐患概况"),
])
def test_bad_risks(county, data, message):
    with pytest.raises(InvalidInput, match=message):
        svc.risk_create(actor=county.users["handler"], data={**RISK, **data})


@time_machine.travel(DAY, tick=False)
def test_monthly_reports(county):
    handler = county.users["handler"]
    with pytest.raises(InvalidInput, match="将来月份"):
        svc.report_file(actor=handler, data={"month": "2026-04", "nil_report": True})
    with pytest.raises(InvalidInput, match="格式为 YYYY-MM"):
        svc.report_file(actor=handler, data={"month": "2026-13", "nil_report": True})
    with pytest.raises(InvalidInput, match="零报告"):
        svc.report_file(actor=handler, data={"month": "2026-03"})  # nothing found, not marked nil
    svc.report_file(actor=handler, data={"month": "2026-02", "nil_report": True})
    svc.risk_create(actor=handler, data=RISK)
    with pytest.raises(InvalidInput, match="不能报送零报告"):
        svc.report_file(actor=handler, data={"month": "2026-03", "nil_report": True})
    report = svc.report_file(actor=handler, data={"month": "2026-03"})
    assert report.risk_count == 1 and not report.nil_report
    with pytest.raises(StateConflict, match="不能重复报送"):
        svc.report_file(actor=handler, data={"month": "2026-03"})
    status = {r["unit"].code: r["report"] is not None for r in report_status(county.users["officer"], dt.date(2026, 3, 1))}
    assert status == {"T01": True, "T02": False, "D01": False}
    assert [r["unit"].code for r in report_status(county.users["handler2"], dt.date(2026, 3, 1))] == ["T02"]
    assert risk_reports_filed(county.town, 2026) == 2 and risk_reports_filed(county.other_town, 2026) == 0


def sheet(rows, header=None):
    wb = Workbook()
    ws = wb.active
    ws.append(header or [c[0] for c in risk_import.COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


@time_machine.travel(DAY, tick=False)
def test_import_all_or_nothing_with_every_bad_row_listed(county):
    rows = [
        ["", "2026-03-01", "物业纠纷", 5, "一般", "张三", ""],
        ["T02", "2026-03-02", "他乡的隐患", 3, "较大", "", ""],   # another unit: refused
        ["", "2026-03-03", "", 3, "重大", "", ""],               # no summary
        ["", dt.datetime(2026, 3, 4), "拆迁", "多", "重大", "", ""],  # people not a number
        ["", "2026-03-05", "劳资", 8, "特大", "", ""],            # bad level
    ]
    result = risk_import.import_risks(actor=county.users["handler"], upload=sheet(rows))
    assert [n for n, _ in result.errors] == [3, 4, 5, 6] and result.saved == 0
    assert "本单位" in result.errors[0][1] and "隐患概况" in result.errors[1][1]
    assert Risk.objects.count() == 0
    good = risk_import.import_risks(actor=county.users["handler"], upload=sheet([rows[0], rows[0]]))
    assert good.saved == 2 and Risk.objects.filter(imported=True, unit=county.town).count() == 2


def test_import_refuses_a_foreign_sheet_and_the_template_reads_back(county):
    with pytest.raises(InvalidInput, match="表头"):
        risk_import.import_risks(actor=county.users["handler"], upload=sheet([], header=["姓名", "电话"]))
    with pytest.raises(InvalidInput, match=r"无法读取|内容与扩展名不符"):
        risk_import.import_risks(actor=county.users["handler"], upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage"))
    wb = load_workbook(io.BytesIO(risk_import.template_bytes()))
    assert [c.value for c in wb.active[1]] == [c[0] for c in risk_import.COLUMNS]
    with pytest.raises(InvalidInput, match="没有数据行"):  # the template's example row is skipped
        risk_import.import_risks(actor=county.users["handler"],
                                 upload=SimpleUploadedFile("t.xlsx", risk_import.template_bytes()))


@time_machine.travel(DAY, tick=False)
def test_edit_an_open_risk_keeps_the_history(county):
    from xinfang.ledgers.models import RiskChange

    r = svc.risk_create(actor=county.users["handler"], data=RISK)
    with pytest.raises(StateConflict, match="没有修改"):
        svc.risk_update(actor=county.users["handler"], pk=r.pk, data={"level": "medium"})
    with pytest.raises(InvalidInput, match="风险等级"):
        svc.risk_update(actor=county.users["handler"], pk=r.pk, data={"level": "huge"})
    with pytest.raises(NotVisible):  # another town's risk
        svc.risk_update(actor=county.users["handler2"], pk=r.pk, data={"level": "high"})
    with pytest.raises(NotAllowed):  # a county-wide reader who may not write
        svc.risk_update(actor=county.users["auditor"], pk=r.pk, data={"level": "high"})
    svc.risk_update(actor=county.users["handler"], pk=r.pk, data={"level": "high", "people_count": "30", "note": "人数增加"})
    r.refresh_from_db()
    assert (r.level, r.people_count, r.summary, r.unit) == ("high", 30, "征地补偿纠纷", county.town)
    change = RiskChange.objects.get(risk=r)
    assert change.changes == {"level": ["medium", "high"], "people_count": [12, 30]} and change.note == "人数增加"
    assert change.by == county.users["handler"]
    # A month with a nil report cannot receive the risk
    svc.report_file(actor=county.users["handler"], data={"month": "2026-02", "nil_report": "true"})
    with pytest.raises(InvalidInput, match="零报告"):
        svc.risk_update(actor=county.users["handler"], pk=r.pk, data={"found_on": "2026-02-10"})
    svc.risk_resolve(actor=county.users["handler"], pk=r.pk, data={"measures": "协调", "resolved_on": "2026-03-15"})
    with pytest.raises(StateConflict, match="已化解"):
        svc.risk_update(actor=county.users["handler"], pk=r.pk, data={"level": "low"})


@time_machine.travel(DAY, tick=False)
def test_link_matters_through_the_access_function(county):
    from xinfang.ledgers.selectors.ledgers import risk_history, risk_matters
    from xinfang.testing.factories import act, register

    r = svc.risk_create(actor=county.users["handler"], data=RISK)
    bureau_only = register(county).matter  # at the bureau: the town cannot see it
    town = register(county).matter
    act(county, "officer", town, "assign", unit="T01", report_due="2026-05-30")
    with pytest.raises(InvalidInput, match="无权查看"):
        svc.risk_link(actor=county.users["handler"], pk=r.pk, data={"matter": bureau_only.number})
    svc.risk_link(actor=county.users["handler"], pk=r.pk, data={"matter": town.number})
    with pytest.raises(StateConflict, match="已关联"):
        svc.risk_link(actor=county.users["handler"], pk=r.pk, data={"matter": town.number})
    svc.risk_link(actor=county.users["officer"], pk=r.pk, data={"matter": bureau_only.number, "note": "同一群体"})
    # Each sees the linked matters it may see, and the history names only those
    assert [m.number for m in risk_matters(county.users["officer"], r)] == [town.number, bureau_only.number]
    assert [m.number for m in risk_matters(county.users["handler"], r)] == [town.number]
    assert {h["matter"] for h in risk_history(county.users["handler"], r)} == {town.number, "（无权查看的事项）"}
    with pytest.raises(InvalidInput):  # the town cannot unlink what it cannot see
        svc.risk_unlink(actor=county.users["handler"], pk=r.pk, data={"matter": bureau_only.number})
    svc.risk_unlink(actor=county.users["handler"], pk=r.pk, data={"matter": town.number})
    with pytest.raises(StateConflict, match="未关联"):
        svc.risk_unlink(actor=county.users["handler"], pk=r.pk, data={"matter": town.number})
    assert [h["row"].kind for h in risk_history(county.users["officer"], r)] == ["unlink", "link", "link"]


@time_machine.travel(DAY, tick=False)
def test_risk_edit_and_link_pages_and_api(county):
    from django.test import Client
    from rest_framework.test import APIClient

    from xinfang.testing.factories import act, register
    from xinfang.workbench.tests.conftest import BACKEND

    r = svc.risk_create(actor=county.users["handler"], data=RISK)
    town = register(county).matter
    act(county, "officer", town, "assign", unit="T01", report_due="2026-05-30")
    c = Client()
    c.force_login(county.users["handler"], backend=BACKEND)
    page = c.get(f"/ledgers/risks/{r.pk}/").content.decode()
    assert "risk-edit" in page and "link-form" in page
    form = c.get(f"/ledgers/risks/{r.pk}/edit/")
    assert form.status_code == 200 and "征地补偿纠纷" in form.content.decode()
    data = {"found_on": "2026-03-05", "summary": "征地补偿纠纷（扩大）", "people_count": "12", "level": "medium",
            "responsible": "", "measures": "", "note": "补充"}
    assert c.post(f"/ledgers/risks/{r.pk}/edit/", data).status_code == 302
    bad = c.post(f"/ledgers/risks/{r.pk}/edit/", {**data, "people_count": "-1"})
    assert bad.status_code == 400 and "涉及人数" in bad.content.decode()
    assert c.post(f"/ledgers/risks/{r.pk}/matters/", {"matter": town.number}).status_code == 302
    page = c.get(f"/ledgers/risks/{r.pk}/").content.decode()
    assert town.number in page and "修改记录" in page and "征地补偿纠纷（扩大）" in page
    other = Client()
    other.force_login(county.users["handler2"], backend=BACKEND)
    assert other.get(f"/ledgers/risks/{r.pk}/edit/").status_code == 404
    api = APIClient()
    api.force_authenticate(county.users["handler"])
    body = api.get(f"/api/v1/risks/{r.pk}/").json()
    assert body["matters"] == [town.number] and body["history"][0]["kind"] == "link"
    assert api.patch(f"/api/v1/risks/{r.pk}/", {"level": "high"}, format="json").json()["level"] == "high"
    assert api.patch(f"/api/v1/risks/{r.pk}/", {"level": "high"}, format="json").status_code == 409
    assert api.delete(f"/api/v1/risks/{r.pk}/matters/{town.number}/").json()["matters"] == []
    assert api.post(f"/api/v1/risks/{r.pk}/matters/", {"matter": "XF000"}, format="json").status_code == 400
