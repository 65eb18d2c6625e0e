"""包案 (target, progress, resolution, overdue → 催办), 积案 by rule, campaigns, joint meetings with
tasks to two units tracked to completion, 落实 tasks from supported replies and revised decisions,
and the ``tasks_on_time`` measure."""

import datetime as dt

import pytest

from xinfang.leaders.models import LeadersPolicy, Task
from xinfang.leaders.selectors import tasks_on_time
from xinfang.supervision.choices import RecordKind, RecordState
from xinfang.supervision.models import SupervisionRecord

from .helpers import do, get, new_matter, on, post, run_on

pytestmark = pytest.mark.django_db


def forwarded(county, day="2026-09-01", unit="T01"):
    m = new_matter(county, day)
    do(county, "officer", m, "forward", (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat(), unit=unit)
    return m


def test_case_lifecycle_and_overdue_supervision(api, county):
    m = forwarded(county)
    url = f"/api/v1/matters/{m.number}/ownership/"
    past = post(api("officer"), url, {"leader": "cleader", "target_date": "2026-09-30", "plan": "x"}, "2026-10-01")
    assert past.status_code == 400 and "target_date" in past.json()["error"]["fields"]
    assert post(api("handler"), url, {"leader": "cleader", "target_date": "2026-10-30", "plan": "x"}, "2026-10-01").status_code == 403
    assert post(api("handler2"), url, {"leader": "cleader", "target_date": "2026-10-30", "plan": "x"}, "2026-10-01").status_code == 403
    not_leader = post(api("officer"), url, {"leader": "handler", "target_date": "2026-10-30", "plan": "x"}, "2026-10-01")
    assert not_leader.status_code == 400 and "leader" in not_leader.json()["error"]["fields"]
    r = post(api("officer"), url, {"leader": "cleader", "target_date": "2026-10-15", "plan": "约见信访人，协调住建局核查"}, "2026-10-01")
    assert r.status_code == 201, r.json()
    case_id = r.json()["id"]
    assert post(api("officer"), url, {"leader": "cleader", "target_date": "2026-10-30", "plan": "x"}, "2026-10-01").status_code == 409
    # the town sees the case of a matter it handles; another town does not
    assert get(api("handler"), f"/api/v1/cases/{case_id}/").status_code == 200
    assert get(api("handler2"), f"/api/v1/cases/{case_id}/").status_code == 404
    prog = post(api("cleader"), f"/api/v1/cases/{case_id}/progress/",
                {"text": "已约见信访人", "tasks": [{"unit": "D01", "due": "2026-10-20", "text": "核查房屋质量"}]}, "2026-10-05")
    assert prog.status_code == 201 and prog.json()["progress"][0]["text"] == "已约见信访人"
    assert Task.objects.get(case_id=case_id).unit == county.department
    listed = get(api("cleader"), "/api/v1/cases/", "2026-10-16", overdue="true").json()
    assert [c["id"] for c in listed["results"]] == [case_id] and listed["results"][0]["overdue"]
    result = run_on("2026-10-16")
    assert result.counts["leader_cases_overdue"] == 1
    urge = SupervisionRecord.objects.get(trigger_key=f"case:{case_id}:urge")
    assert urge.kind == RecordKind.URGE and urge.target_unit == county.town and "包案" in urge.title
    assert run_on("2026-10-16").counts.get("leader_cases_overdue", 0) == 0
    assert post(api("handler"), f"/api/v1/cases/{case_id}/resolve/", {"outcome": "resolved", "note": "x"}).status_code == 403
    bad = post(api("cleader"), f"/api/v1/cases/{case_id}/resolve/", {"outcome": "gone", "note": "x"}, "2026-10-17")
    assert bad.status_code == 400
    done = post(api("cleader"), f"/api/v1/cases/{case_id}/resolve/", {"outcome": "stopped", "note": "信访人息访"}, "2026-10-17")
    assert done.status_code == 200 and done.json()["status"] == "resolved" and done.json()["outcome"] == "stopped"
    assert SupervisionRecord.objects.get(pk=urge.pk).state == RecordState.CLOSED
    actions = list(m.events.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["take_ownership", "end_ownership"]
    assert m.events.get(action="end_ownership").params["outcome"] == "stopped"
    assert post(api("cleader"), f"/api/v1/cases/{case_id}/resolve/", {"outcome": "stopped", "note": "x"}).status_code == 409


def test_county_leader_takes_only_own_cases(api, county):
    m = forwarded(county)
    url = f"/api/v1/matters/{m.number}/ownership/"
    assert post(api("cleader"), url, {"leader": "bleader", "target_date": "2026-12-30", "plan": "x"}, "2026-10-01").status_code == 403
    r = post(api("cleader"), url, {"target_date": "2026-12-30", "plan": "本人包案"}, "2026-10-01")
    assert r.status_code == 201 and r.json()["leader"] == "cleader"


def test_backlog_rule_and_campaign_progress(api, county):
    LeadersPolicy.objects.create(version=1, backlog_open_days=90, backlog_repeat_count=1)
    old = forwarded(county, "2026-03-01")
    fresh = forwarded(county, "2026-09-01")
    other = forwarded(county, "2026-09-01", unit="T02")
    with on("2026-09-05"):
        from xinfang.matters.services.registration import add_petition
        from xinfang.testing.factories import petition_data

        add_petition(actor=county.users["registrar"], matter=other, data=petition_data(county, received_at="2026-09-05T10:00:00+08:00"))
    rows = get(api("officer"), "/api/v1/backlog/", "2026-09-10").json()["results"]
    numbers = {r["number"]: r["reasons"] for r in rows}
    assert set(numbers) == {old.number, other.number}
    assert any("办理已" in x for x in numbers[old.number]) and any("重复信访" in x for x in numbers[other.number])
    assert get(api("handler"), "/api/v1/backlog/").status_code == 403
    c = post(api("officer"), "/api/v1/campaigns/", {"name": "积案化解百日攻坚", "start": "2026-09-01", "end": "2026-12-10",
                                                    "owners": ["cleader"], "matters": [old.number, fresh.number, other.number]},
             "2026-09-10")
    assert c.status_code == 201, c.json()
    assert c.json()["progress"]["total"] == 3 and c.json()["progress"]["resolved"] == 0
    do(county, "handler", fresh, "accept", "2026-09-11")
    do(county, "handler", fresh, "mediate", "2026-09-12", agreement="双方和解")
    progress = get(api("cleader"), f"/api/v1/campaigns/{c.json()['id']}/", "2026-09-13").json()["progress"]
    assert progress["resolved"] == 1 and progress["rate"] == round(1 / 3, 4)
    by_unit = {u["unit"]: u for u in progress["by_unit"]}
    assert by_unit["T01"]["total"] == 2 and by_unit["T01"]["resolved"] == 1 and by_unit["T02"]["rate"] == 0
    bad = post(api("officer"), "/api/v1/campaigns/", {"name": "x", "start": "2026-09-10", "end": "2026-09-01"})
    assert bad.status_code == 400 and "end" in bad.json()["error"]["fields"]


def test_joint_meeting_tasks_to_two_units_tracked_to_completion(api, county):
    m = forwarded(county)
    meeting = post(api("officer"), "/api/v1/meetings/", {"kind": "joint_meeting", "date": "2026-10-09",
                                                         "title": "县信访工作联席会议第三次会议", "units": ["T01", "D01"]}, "2026-10-09")
    assert meeting.status_code == 201, meeting.json()
    mid = meeting.json()["id"]
    assert post(api("handler"), "/api/v1/meetings/", {"kind": "joint_meeting", "date": "2026-10-09", "title": "x"}).status_code == 403
    early = post(api("officer"), f"/api/v1/meetings/{mid}/decisions/",
                 {"text": "x", "tasks": [{"unit": "T01", "due": "2026-10-08", "text": "x"}]}, "2026-10-09")
    assert early.status_code == 400 and "早于会议日期" in early.json()["error"]["message"]
    unknown = post(api("officer"), f"/api/v1/meetings/{mid}/decisions/",
                   {"text": "x", "tasks": [{"unit": "NOPE", "due": "2026-10-18", "text": "x"}]}, "2026-10-09")
    assert unknown.status_code == 400
    d = post(api("officer"), f"/api/v1/meetings/{mid}/decisions/", {
        "text": "城关镇牵头、住建局配合，一个月内解决小区停车收费问题", "matters": [m.number],
        "tasks": [{"unit": "T01", "due": "2026-11-09", "text": "牵头约谈物业公司"},
                  {"unit": "D01", "due": "2026-11-09", "text": "核查收费备案"}]}, "2026-10-09")
    assert d.status_code == 201, d.json()
    t1, t2 = (t["id"] for t in d.json()["tasks"])
    assert get(api("dhandler"), "/api/v1/tasks/", "2026-10-10").json()["results"][0]["id"] == t2
    assert get(api("dhandler"), "/api/v1/tasks/", "2026-10-10").json()["results"][0]["matter"] is None  # D01 cannot see it
    assert post(api("dhandler"), f"/api/v1/tasks/{t1}/report/", {"text": "x"}).status_code == 404
    assert post(api("handler"), f"/api/v1/tasks/{t1}/report/", {"text": "已约谈", "done": True}, "2026-10-20").status_code == 201
    assert post(api("dhandler"), f"/api/v1/tasks/{t2}/report/", {"text": "已核查", "done": True}, "2026-10-21").status_code == 201
    reported = get(api("officer"), "/api/v1/tasks/", "2026-10-22", status="reported").json()
    assert {t["id"] for t in reported["results"]} == {t1, t2}
    for t in (t1, t2):
        assert post(api("officer"), f"/api/v1/tasks/{t}/complete/", {}, "2026-10-22").json()["status"] == "done"
    detail = get(api("cleader"), f"/api/v1/meetings/{mid}/", "2026-10-23").json()
    assert [t["status"] for t in detail["decisions"][0]["tasks"]] == ["done", "done"]
    with on("2026-12-01"):
        assert tasks_on_time(county.town, 2026) == {"due": 1, "on_time": 1, "rate": 1.0}


def test_execution_tasks_from_decisions(api, county):
    m = forwarded(county)
    do(county, "handler", m, "accept", "2026-09-03")
    do(county, "handler", m, "reply", "2026-09-20", outcome="support", opinion="支持退还停车费。", legal_basis="《物业管理条例》")
    task = Task.objects.get(matter=m, source="execution")
    assert task.basis == "reply_support" and task.unit == county.town and task.due == dt.date(2026, 10, 20)
    explained = forwarded(county)
    do(county, "handler", explained, "accept", "2026-09-03")
    do(county, "handler", explained, "reply", "2026-09-20", outcome="explain", opinion="解释。", legal_basis="x")
    assert not Task.objects.filter(matter=explained).exists()
    # the unit records what it did, the engine urges it when late
    run_on("2026-10-21")
    assert SupervisionRecord.objects.filter(trigger_key=f"task:{task.pk}:urge").exists()
    with on("2026-09-01"):
        assert tasks_on_time(county.town, 2026)["due"] == 0


def test_concurrent_completion_one_wins(api, county):
    """Two completions of one task: the row lock makes the second see it done (409)."""
    from xinfang.core.errors import StateConflict
    from xinfang.leaders.services.tasks import task_complete, task_report

    m = forwarded(county)
    meeting = post(api("officer"), "/api/v1/meetings/", {"kind": "leaders_meeting", "date": "2026-10-09", "title": "专题会"}, "2026-10-09")
    d = post(api("officer"), f"/api/v1/meetings/{meeting.json()['id']}/decisions/",
             {"text": "x", "matters": [m.number], "tasks": [{"unit": "T01", "due": "2026-11-09", "text": "x"}]}, "2026-10-09")
    tid = d.json()["tasks"][0]["id"]
    task_report(actor=county.users["handler"], task_id=tid, data={"text": "done"})
    task_complete(actor=county.users["officer"], task_id=tid)
    with pytest.raises(StateConflict):
        task_complete(actor=county.users["bleader"], task_id=tid)
    assert Task.objects.get(pk=tid).completed_by == county.users["officer"]
