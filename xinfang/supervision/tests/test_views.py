"""Permission matrix for every page and endpoint of the supervision app, and query counts."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from xinfang.supervision.choices import RecordState
from xinfang.supervision.models import CallbackTask, Recommendation, SupervisionRecord
from xinfang.supervision.services.recommendations import recommendation_create
from xinfang.supervision.services.records import record_create
from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db
USERS = ["officer", "bleader", "handler", "handler2", "auditor", "cleader", "nobody", None]


def ago(days):
    return (timezone.localtime() - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def world(county):
    m = register(county, received_at=ago(20)).matter
    act(county, "officer", m, "forward", unit="T01", occurred_at=ago(19))
    act(county, "handler", m, "accept", occurred_at=ago(18))
    act(county, "handler", m, "reply", outcome="explain", opinion="已答复", legal_basis="规定", occurred_at=ago(10))
    act(county, "registrar", m, "evaluate", target="unit", rating="dissatisfied", comment="问题没有解决", occurred_at=ago(9))
    other = register(county, received_at=ago(5)).matter
    act(county, "officer", other, "forward", unit="T01", occurred_at=ago(4))
    record = record_create(actor=county.users["officer"], data={
        "kind": "order", "method": "letter", "target_unit": "T01", "title": "请加快办理", "content": "督办要求",
        "matters": other.number})
    rec = recommendation_create(actor=county.users["officer"], data={
        "kind": "improve_work", "title": "改进物业收费监管", "content": "建议加强监管。", "recipient_unit": "T01",
        "matters": m.number})
    return {"matter": m, "other": other, "record": record, "rec": rec, "task": CallbackTask.objects.get(matter=m)}


def client_for(county, username):
    """One client per user per test (each new test Client loads the middleware again: ~1 s with WhiteNoise)."""
    cache = county.__dict__.setdefault("_clients", {})
    if username not in cache:
        c = Client()
        if username:
            c.force_login(county.users[username])
        cache[username] = c
    return cache[username]


def statuses(county, method, url, data=None):
    out = {}
    for name in USERS:
        response = getattr(client_for(county, name), method)(url, data or {})
        out[name] = response.status_code
    return out


def test_read_pages_matrix(county, world):
    r, rec, task = world["record"], world["rec"], world["task"]
    everyone = {"officer": 200, "bleader": 200, "handler": 200, "handler2": 200, "auditor": 200, "cleader": 200,
                "nobody": 403, None: 302}
    for url in ["/supervision/", "/supervision/records/", "/supervision/recommendations/",
                "/supervision/rates/", "/supervision/rates/drill/?measure=timely_acceptance&part=denominator",
                "/supervision/rates/export.xlsx"]:
        assert statuses(county, "get", url) == everyone, url
    own_unit = {**everyone, "handler2": 404}
    assert statuses(county, "get", f"/supervision/records/{r.pk}/") == own_unit
    assert statuses(county, "get", f"/supervision/recommendations/{rec.pk}/") == own_unit
    bureau_only = {"officer": 200, "bleader": 200, "handler": 403, "handler2": 403, "auditor": 403, "cleader": 403,
                   "nobody": 403, None: 302}
    assert statuses(county, "get", "/supervision/records/new/") == bureau_only
    assert statuses(county, "get", "/supervision/recommendations/new/") == bureau_only
    county_read = {**everyone, "handler": 403, "handler2": 403}
    assert statuses(county, "get", "/supervision/bulletin/") == county_read
    assert statuses(county, "get", "/supervision/reminders/") == county_read
    assert statuses(county, "get", "/supervision/engine/") == county_read
    in_bureau = {**county_read, "cleader": 403}
    assert statuses(county, "get", "/supervision/callbacks/") == in_bureau
    assert statuses(county, "get", f"/supervision/callbacks/{task.pk}/") == {**in_bureau, "cleader": 404}


def test_respond_matrix_and_refusals(county, world):
    r = world["record"]
    url = f"/supervision/records/{r.pk}/respond/"
    assert client_for(county, "handler2").post(url, {"response": "x"}).status_code == 404
    forbidden = client_for(county, "officer").post(url, {"response": "x"})
    assert forbidden.status_code == 403 and "只有督办对象单位" in forbidden.content.decode()
    assert client_for(county, "nobody").post(url, {"response": "x"}).status_code == 403
    ok = client_for(county, "handler").post(url, {"response": "已于今日受理并告知信访人。"})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.state == RecordState.RESPONDED and r.responded_by == county.users["handler"]
    again = client_for(county, "handler").post(url, {"response": "再次答复"}, follow=True)
    assert "不能再答复" in again.content.decode()


def test_respond_refused_after_matter_closed(county, world):
    from xinfang.core.errors import StateConflict
    from xinfang.supervision.services.records import record_respond

    other = world["other"]
    act(county, "handler", other, "decline", reason="same_matter_in_progress", occurred_at=ago(0))
    with pytest.raises(StateConflict) as exc:
        record_respond(actor=county.users["handler"], record_id=world["record"].pk, response="迟到的答复")
    assert exc.value.message == "所督办的信访事项已办结，不能再答复该督办。"


def test_bureau_actions_matrix(county, world):
    r = world["record"]
    assert client_for(county, "handler").post(f"/supervision/records/{r.pk}/escalate/", {"reason": "x"}).status_code == 403
    assert client_for(county, "handler").post(f"/supervision/records/{r.pk}/close/", {}).status_code == 403
    # 督办单 → 挂牌督办 needs a bureau leader.
    denied = client_for(county, "officer").post(f"/supervision/records/{r.pk}/escalate/", {"reason": "答复不实"})
    assert denied.status_code == 403 and "局领导" in denied.content.decode()
    ok = client_for(county, "bleader").post(f"/supervision/records/{r.pk}/escalate/", {"reason": "答复不实"})
    assert ok.status_code == 302
    new = SupervisionRecord.objects.get(escalated_from=r)
    assert new.kind == "listed" and new.issued_by == county.users["bleader"]
    assert client_for(county, "officer").post(f"/supervision/records/{new.pk}/close/", {"note": "已办结"}).status_code == 302
    assert SupervisionRecord.objects.get(pk=new.pk).state == RecordState.CLOSED


def test_create_record_through_the_form(county, world):
    data = {"kind": "urge", "method": "phone", "target_unit": "T01", "title": "催办", "content": "请尽快受理",
            "matters": world["other"].number}
    assert client_for(county, "handler").post("/supervision/records/new/", data).status_code == 403
    bad = client_for(county, "officer").post("/supervision/records/new/", {**data, "matters": "XF1999-000001"})
    assert bad.status_code == 400 and "不存在或您无权查看" in bad.content.decode()
    listed = client_for(county, "officer").post("/supervision/records/new/", {**data, "kind": "listed"})
    assert listed.status_code == 403
    ok = client_for(county, "officer").post("/supervision/records/new/", data)
    assert ok.status_code == 302 and SupervisionRecord.objects.filter(kind="urge").count() == 1


def test_recommendation_feedback_matrix(county, world):
    rec = world["rec"]
    url = f"/supervision/recommendations/{rec.pk}/"
    data = {"adoption": "partial", "feedback": "已部分采纳，完善收费公示。"}
    assert client_for(county, "handler2").post(url, data).status_code == 404
    assert client_for(county, "officer").post(url, data).status_code == 403
    assert client_for(county, "handler").post(url, data).status_code == 302
    rec.refresh_from_db()
    assert rec.state == "answered" and rec.adoption == "partial"
    assert Recommendation.objects.count() == 1


def test_callback_outcome_with_problem_opens_order(county, world):
    task = world["task"]
    url = f"/supervision/callbacks/{task.pk}/"
    data = {"method": "phone", "reached": "true", "satisfied": "false", "problem_found": "true", "notes": "收费问题未解决"}
    assert client_for(county, "handler").post(url, data).status_code == 403
    assert client_for(county, "officer").post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.follow_up.kind == "order" and task.follow_up.target_unit == county.town
    # The follow-up concerns a matter that was already replied; the unit can answer it.
    ok = client_for(county, "handler").post(f"/supervision/records/{task.follow_up.pk}/respond/", {"response": "已整改"})
    assert ok.status_code == 302


def test_sampling_plan_never_assigns_the_handling_unit(county, world):
    from xinfang.supervision.models import SamplingPlan

    m = world["matter"]
    act(county, "officer", m, "close", reason="confirmed", occurred_at=ago(0))
    today = timezone.localdate()
    resp = client_for(county, "officer").post("/supervision/callbacks/sampling/",
                                              {"year": today.year, "month": today.month, "percent": 100})
    assert resp.status_code == 302
    plan = SamplingPlan.objects.get()
    (task,) = plan.tasks.all()
    assert task.matter == m and task.handled_by_unit == county.town
    assert task.assigned_to is not None and task.assigned_to.unit_id != county.town.pk
    assert client_for(county, "handler").post("/supervision/callbacks/sampling/", {"year": 2026, "month": 1}).status_code == 403


def test_api_matrix(county, world, api):
    officer, handler, nobody, anonymous = api("officer"), api("handler"), api("nobody"), api()
    for url in ["/api/v1/stats/rates/", "/api/v1/stats/rankings/"]:
        assert officer.get(url).status_code == 200
        assert handler.get(url).status_code == 200
        assert nobody.get(url).status_code == 403
        assert anonymous.get(url).status_code == 401
    bad = officer.get("/api/v1/stats/rates/?from=2026-13-01")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert officer.get("/api/v1/stats/rates/?target=nobody").status_code == 400
    assert officer.get("/api/v1/stats/rates/?unit=NOPE").status_code == 400
    body = officer.get("/api/v1/stats/rates/?from=2030-01-01&to=2030-01-31").json()
    assert body["timely_acceptance"] == {"numerator": 0, "denominator": 0, "rate": None}


def test_export_is_excel_and_logged(county, world):
    import io

    from openpyxl import load_workbook

    from xinfang.core.models import AccessLog

    response = client_for(county, "officer").get("/supervision/rates/export.xlsx?measure=on_time_completion&part=denominator")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["三率", "各环节平均用时", "单位", "明细"]
    assert wb["三率"]["A4"].value == "及时受理率"
    assert AccessLog.objects.filter(kind="export", object_type="rates").count() == 1


def test_unit_inbox_shows_only_own_records(county, world):
    t02 = register(county, county.users["handler2"]).matter  # a record names only matters its addressee sees
    record_create(actor=county.users["officer"], data={
        "kind": "reminder", "method": "online", "target_unit": "T02", "title": "给河西乡的提醒", "content": "x",
        "matters": t02.number})
    body = client_for(county, "handler").get("/supervision/records/").content.decode()
    assert "请加快办理" in body and "给河西乡的提醒" not in body


def test_record_list_query_count_is_flat(county, world, django_assert_max_num_queries):
    c = client_for(county, "officer")
    with django_assert_max_num_queries(14):
        c.get("/supervision/records/")
    for i in range(15):
        record_create(actor=county.users["officer"], data={
            "kind": "reminder", "method": "online", "target_unit": "T01", "title": f"提醒{i}", "content": "x",
            "matters": world["other"].number})
    with django_assert_max_num_queries(14):
        assert c.get("/supervision/records/").status_code == 200


def test_dashboard_query_count_is_bounded(county, world, django_assert_max_num_queries):
    c = client_for(county, "officer")
    with django_assert_max_num_queries(40):
        body = c.get("/supervision/").content.decode()
    assert "近 12 个月走势" in body and "vendor/echarts/dist/echarts.min.js" in body


def test_petitioner_reminder_becomes_a_urge(county, world):
    from xinfang.portal.models import PetitionerReminder

    other = world["other"]
    reminder = PetitionerReminder.objects.create(matter=other, text="已超期，请催办。", overdue_unit=county.town)
    body = client_for(county, "officer").get("/supervision/reminders/").content.decode()
    assert other.number in body and f"reminder={reminder.pk}" in body
    resp = client_for(county, "officer").post("/supervision/records/new/", {
        "kind": "urge", "method": "phone", "target_unit": "T01", "title": "信访人催办", "content": "请尽快受理",
        "matters": other.number, "reminder": reminder.pk})
    assert resp.status_code == 302
    reminder.refresh_from_db()
    assert reminder.handled and "已转为催办" in reminder.handling_note


def test_matter_page_link_opens_the_records_of_that_matter(county, world):
    """The matter page links to /supervision/?matter=<number>: the dashboard sends it to the records."""
    number = world["other"].number
    response = client_for(county, "handler").get(f"/supervision/?matter={number}")
    assert response.status_code == 302 and response["Location"] == f"/supervision/records/?q={number}"
    body = client_for(county, "handler").get(response["Location"]).content.decode()
    assert world["record"].number in body
    assert client_for(county, "nobody").get(f"/supervision/?matter={number}").status_code == 403


def test_a_bulletin_awaits_no_answer(county, world):
    from xinfang.supervision import selectors

    bulletin = record_create(actor=county.users["bleader"], data={
        "kind": "bulletin", "method": "letter", "target_unit": "T01", "title": "关于超期未受理的通报",
        "content": "限期整改。", "period_from": ago(30)[:10], "period_to": ago(0)[:10], "matters": ""})
    officer = county.users["officer"]
    live = selectors.record_queryset(officer, {"state": "live"})
    assert world["record"] in live and bulletin not in live
    assert selectors.dashboard(officer, timezone.localdate())["records_open"] == 1
    body = client_for(county, "handler").get("/supervision/records/").content.decode()
    assert bulletin.number in body and "已通报" in body


def test_every_figure_on_the_rates_page_is_a_link_to_its_rows(county, world):
    import io

    from openpyxl import load_workbook

    officer = client_for(county, "officer")
    period = f"from={ago(30)[:10]}&to={ago(0)[:10]}"  # the world's acts are 20 to 4 days old
    page = officer.get(f"/supervision/rates/?{period}").content.decode()
    for testid in ["drill-timely_acceptance-n", "drill-repeat-n", "drill-repeat-d", "drill-returns-n",
                   "drill-returns-d", "drill-stage-accept"]:
        assert f'data-testid="{testid}"' in page, testid
    returns = officer.get(f"/supervision/rates/drill/?{period}&measure=returns&part=denominator").content.decode()
    assert world["matter"].number in returns and world["other"].number in returns and "转送" in returns
    stage = officer.get(f"/supervision/rates/drill/?{period}&measure=stage_accept").content.decode()
    assert world["matter"].number in stage and "用时 1 日" in stage
    repeat = officer.get(f"/supervision/rates/drill/?{period}&measure=repeat&part=denominator").content.decode()
    assert world["other"].number in repeat
    assert officer.get("/supervision/rates/drill/?measure=stage_nope").status_code == 200  # falls back, with a message
    xlsx = officer.get(f"/supervision/rates/export.xlsx?{period}&measure=returns&part=denominator")
    sheet = load_workbook(io.BytesIO(xlsx.content))["明细"]
    assert sheet["E3"].value == "信访件/办理动作" and {sheet["E4"].value, sheet["E5"].value} == {"转送"}


def test_export_writes_typed_text_as_text_never_as_a_formula(county, world):
    import io

    from openpyxl import load_workbook

    from xinfang.matters.models import Matter

    Matter.objects.filter(pk=world["matter"].pk).update(title='=HYPERLINK("http://evil.example","点击")')
    period = f"from={ago(30)[:10]}&to={ago(0)[:10]}"
    xlsx = client_for(county, "officer").get(f"/supervision/rates/export.xlsx?{period}&measure=returns&part=denominator")
    sheet = load_workbook(io.BytesIO(xlsx.content))["明细"]
    cells = [row[1] for row in sheet.iter_rows(min_row=4) if str(row[1].value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_sampling_leaves_out_what_nobody_independent_can_call_back(county, world):
    """The bureau's own answers: every caller is bureau staff, so no task nobody may record."""
    from xinfang.supervision.models import SamplingPlan
    from xinfang.supervision.services.callbacks import sampling_plan_create

    answered = register(county, received_at=ago(1)).matter
    act(county, "officer", answered, "answer", reply="已当场解答。", occurred_at=ago(0))
    act(county, "officer", world["matter"], "close", reason="confirmed", occurred_at=ago(0))
    today = timezone.localdate()
    plan = sampling_plan_create(actor=county.users["officer"], year=today.year, month=today.month, percent=100)
    assert [t.matter for t in plan.tasks.all()] == [world["matter"]]
    assert all(t.assigned_to is not None for t in plan.tasks.all())
    assert SamplingPlan.objects.get().summary[str(county.bureau.pk)] == {
        "closed": 1, "sampled": 0, "no_independent_caller": True}


def test_bulletin_lists_overdue_dissatisfied_and_callback_problems_by_unit(county, world):
    from xinfang.supervision import selectors
    from xinfang.supervision.services.callbacks import callback_record

    late = register(county, received_at=ago(40)).matter
    act(county, "officer", late, "forward", unit="T02", occurred_at=ago(39))  # accept clock overdue
    callback_record(actor=county.users["officer"], task_id=world["task"].pk, data={
        "method": "phone", "reached": "true", "satisfied": "false", "problem_found": "true", "notes": "问题未解决"})
    today = timezone.localdate()
    data = selectors.bulletin_data(county.users["officer"], today - dt.timedelta(days=30), today)
    rows = {r["unit"].code: r for r in data["units"]}
    assert list(rows) == ["T01", "T02"]  # most findings first
    assert [o["matter"] for o in rows["T01"]["dissatisfied"]] == [world["matter"]]
    assert [o["matter"] for o in rows["T01"]["problems"]] == [world["matter"]] and not rows["T01"]["overdue"]
    (overdue,) = rows["T02"]["overdue"]
    assert overdue["matter"] == late and overdue["met"] is None and overdue["kind"] == "受理告知"
    assert data["totals"] == {"overdue": 1, "dissatisfied": 1, "problems": 1}
