"""Side paths of the lifecycle through the API (issue 2 "Done when"), filters, search, repeats."""

import datetime as dt

import pytest
import time_machine

from xinfang.matters.models import Deadline, Matter
from xinfang.testing.factories import act, at, petition_data, register, valid_id

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def post(client, url, data=None, expect=200):
    response = client.post(url, data or {}, format="json")
    assert response.status_code == expect, response.content.decode()
    return response.json()


def test_object_then_approve_return_reroutes_with_a_new_disposal_clock(county, api):
    matter = register(county, received_at=at("2026-10-20")).matter
    url = f"/api/v1/matters/{matter.number}"
    post(api("officer"), f"{url}/forward/", {"unit": "T01", "occurred_at": at("2026-10-21")})
    body = post(api("handler"), f"{url}/object/", {"reason": "属于住建局职责", "occurred_at": at("2026-10-22")})
    assert body["status"] == "return_requested" and body["previous_status"] == "forwarded"
    body = post(api("officer"), f"{url}/approve_return/", {"occurred_at": at("2026-10-23")})
    assert body["status"] == "registered" and body["handling_unit"] is None
    running = [d for d in body["deadlines"] if d["running"]]
    assert [d["kind"] for d in running] == ["dispose"]
    assert running[0]["start"] == "2026-10-23" and running[0]["due"] == "2026-11-09"  # 11-07 Sat → 11-09
    body = post(api("officer"), f"{url}/forward/", {"unit": "D01", "occurred_at": at("2026-10-24")})
    assert body["handling_unit"] == "D01" and body["status"] == "forwarded"
    assert Matter.objects.get(pk=matter.pk).return_count == 1


def test_refuse_return_locks_the_unit(county, api):
    matter = register(county).matter
    url = f"/api/v1/matters/{matter.number}"
    post(api("officer"), f"{url}/assign/", {"unit": "T01", "report_due": (dt.date.today() + dt.timedelta(days=30)).isoformat()})
    post(api("handler"), f"{url}/object/", {"reason": "不同意"})
    body = post(api("officer"), f"{url}/refuse_return/", {"reason": "属地管理"})
    assert body["status"] == "assigned"
    assert "object" not in body["allowed_actions"] and "accept" in api("handler").get(f"{url}/").json()["allowed_actions"]
    err = api("handler").post(f"{url}/object/", {"reason": "再退"}, format="json")
    assert err.status_code == 409 and "不能再次退回" in err.json()["error"]["message"]


def test_assign_with_report_due_and_completion_report(county, api):
    matter = register(county, received_at=at("2026-10-01")).matter
    url = f"/api/v1/matters/{matter.number}"
    body = post(api("officer"), f"{url}/assign/", {"unit": "T01", "report_due": "2026-11-20", "occurred_at": at("2026-10-09")})
    report = [d for d in body["deadlines"] if d["kind"] == "report"][0]
    assert report["due"] == "2026-11-20" and "交办机关指定" in report["explanation"]
    post(api("handler"), f"{url}/accept/", {"occurred_at": at("2026-10-10")})
    body = post(api("handler"), f"{url}/reply/", {"outcome": "support", "opinion": "已解决", "legal_basis": "条例",
                                                  "report": "办结报告正文", "occurred_at": at("2026-11-01")})
    report = [d for d in body["deadlines"] if d["kind"] == "report"][0]
    assert report["met_at"] and report["overdue"] is False
    assert body["events"][-1]["params"]["notice_types"] == ["handling_opinion", "delivery_receipt", "completion_report"]


def test_assign_report_due_must_be_a_future_date(county, api):
    matter = register(county).matter
    response = api("officer").post(f"/api/v1/matters/{matter.number}/assign/", {"unit": "T01", "report_due": "2020-01-01"},
                                   format="json")
    assert response.status_code == 400 and "report_due" in response.json()["error"]["fields"]


def test_route_mediate_decline_answer(county, api):
    officer, handler = api("officer"), api("handler")
    routed = register(county).matter
    post(officer, f"/api/v1/matters/{routed.number}/forward/", {"unit": "T01"})
    post(handler, f"/api/v1/matters/{routed.number}/accept/")
    body = post(handler, f"/api/v1/matters/{routed.number}/route/", {"procedure": "litigation", "note": "请向人民法院起诉"})
    assert (body["status"], body["close_reason"]) == ("closed", "routed")
    handle = [d for d in body["deadlines"] if d["kind"] == "handle"][0]
    assert handle["cancelled_at"] and not handle["overdue"]  # the 60-day clock does not apply

    mediated = register(county).matter
    post(officer, f"/api/v1/matters/{mediated.number}/forward/", {"unit": "T01"})
    post(handler, f"/api/v1/matters/{mediated.number}/accept/")
    body = post(handler, f"/api/v1/matters/{mediated.number}/mediate/", {"agreement": "双方和解"})
    assert (body["status"], body["close_reason"]) == ("closed", "mediated")

    declined = register(county).matter
    body = post(officer, f"/api/v1/matters/{declined.number}/decline/", {"reason": "same_matter_in_progress"})
    assert (body["status"], body["close_reason"]) == ("closed", "not_accepted")
    assert body["events"][-1]["params"]["notice_type"] == "non_acceptance_notice"

    answered = register(county, purpose="consultation").matter
    body = post(api("registrar"), f"/api/v1/matters/{answered.number}/answer/", {"reply": "已当场解答政策"})
    assert (body["status"], body["close_reason"]) == ("closed", "answered")
    assert [d["met_at"] is not None for d in body["deadlines"] if d["kind"] == "dispose"] == [True]


def test_review_redo_sends_the_matter_back_with_the_period_set_by_the_review_body(county, api):
    m = register(county, received_at=at("2026-09-01")).matter
    for username, action, params in [
        ("officer", "forward", {"unit": "T01", "occurred_at": at("2026-09-02")}),
        ("handler", "accept", {"occurred_at": at("2026-09-03")}),
        ("handler", "reply", {"outcome": "not_support", "opinion": "不支持", "legal_basis": "条例", "occurred_at": at("2026-09-15")}),
        ("handler", "deliver", {"method": "mail", "occurred_at": at("2026-09-16")}),
        ("registrar", "request_review", {"reason": "不服", "occurred_at": at("2026-09-20")}),
    ]:
        act(county, username, m, action, **params)
    body = post(api("officer"), f"/api/v1/matters/{m.number}/review_decide/",
                {"outcome": "redo", "opinion": "责令重新办理", "redo_days": 30, "occurred_at": at("2026-10-12")})
    assert body["status"] == "accepted"
    handle = [d for d in body["deadlines"] if d["kind"] == "handle" and d["running"]]
    assert len(handle) == 1 and handle[0]["start"] == "2026-10-12" and handle[0]["due"] == "2026-11-11"
    body = post(api("handler"), f"/api/v1/matters/{m.number}/reply/",
                {"outcome": "support", "opinion": "重新办理后支持", "legal_basis": "条例"})
    assert body["status"] == "replied"


def test_recheck_cannot_redo(county, api):
    m = register(county).matter
    for username, action, params in [
        ("officer", "forward", {"unit": "T01"}), ("handler", "accept", {}),
        ("handler", "reply", {"outcome": "support", "opinion": "x", "legal_basis": "y"}),
        ("handler", "deliver", {"method": "mail"}), ("registrar", "request_review", {"reason": "r"}),
        ("officer", "review_decide", {"outcome": "revise", "opinion": "变更"}),
        ("officer", "deliver", {"method": "mail"}), ("registrar", "request_recheck", {"reason": "r"}),
    ]:
        act(county, username, m, action, **params)
    response = api("officer").post(f"/api/v1/matters/{m.number}/recheck_decide/", {"outcome": "redo", "opinion": "x"},
                                   format="json")
    assert response.status_code == 400 and "outcome" in response.json()["error"]["fields"]


def test_lapsed_review_window_closes_only_after_it_lapsed(county, api):
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=CST), tick=False):
        m = register(county, received_at=at("2026-09-01")).matter
        for username, action, params in [
            ("officer", "forward", {"unit": "T01", "occurred_at": at("2026-09-02")}),
            ("handler", "accept", {"occurred_at": at("2026-09-03")}),
            ("handler", "reply", {"outcome": "support", "opinion": "x", "legal_basis": "y", "occurred_at": at("2026-09-10")}),
            ("handler", "deliver", {"method": "in_person", "occurred_at": at("2026-09-11")}),
        ]:
            act(county, username, m, action, **params)
        window = Deadline.objects.get(matter=m, kind="review_request")
        assert window.due == dt.date(2026, 10, 12)  # 10-11 is a Sunday (make-up days are 09-20 and 10-10)
        early = api("officer").post(f"/api/v1/matters/{m.number}/close/", {"reason": "no_review"}, format="json")
        assert early.status_code == 409 and early.json()["error"]["code"] == "clock_violation"
    with time_machine.travel(dt.datetime(2026, 10, 13, 9, tzinfo=CST), tick=False):
        late = api("registrar").post(f"/api/v1/matters/{m.number}/request_review/", {"reason": "r"}, format="json")
        assert late.status_code == 409 and "届满" in late.json()["error"]["message"]
        body = post(api("officer"), f"/api/v1/matters/{m.number}/close/", {"reason": "no_review"})
        assert (body["status"], body["close_reason"]) == ("closed", "no_review")
        window = [d for d in body["deadlines"] if d["kind"] == "review_request"][0]
        assert window["overdue"] is False  # a petitioner's window lapses, it is never "overdue"


def test_system_may_close_lapsed_windows_but_not_confirm(county):
    from xinfang.core.errors import NotAllowed
    from xinfang.matters.services.actions import perform_action

    with time_machine.travel(dt.datetime(2026, 9, 20, 9, tzinfo=CST), tick=False):
        m = register(county, received_at=at("2026-09-01")).matter
        for username, action, params in [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {}),
                                          ("handler", "reply", {"outcome": "support", "opinion": "x", "legal_basis": "y"})]:
            act(county, username, m, action, **params)
    with pytest.raises(NotAllowed):
        perform_action(actor=None, via="system", number=m.number, action="close", params={"reason": "confirmed"})


def test_repeat_petition_does_not_restart_the_clocks(county, api):
    m = register(county, received_at=at("2026-10-01")).matter
    before = list(Deadline.objects.filter(matter=m).values_list("kind", "start", "due"))
    body = post(api("registrar"), f"/api/v1/matters/{m.number}/petitions/",
                {"channel": "phone", "content": "催问进度", "petitioners": [{"name": "张三", "id_number": valid_id(1)}]}, 201)
    assert body["flags"]["repeat"] is True and len(body["petitions"]) == 2
    assert body["events"][-1]["action"] == "add_petition"
    assert list(Deadline.objects.filter(matter=m).values_list("kind", "start", "due")) == before


def test_duplicates_are_offered_at_registration(county, api):
    first = post(api("registrar"), "/api/v1/matters/", petition_data(county, petitioners=[
        {"name": "王五", "id_number": valid_id(55), "phone": "13900001111"}]), 201)
    second = post(api("registrar"), "/api/v1/matters/", petition_data(county, petitioners=[
        {"name": "王五", "phone": "13900001111"}]), 201)
    assert [d["number"] for d in second["duplicates"]] == [first["number"]]
    assert second["duplicates"][0]["reason"] == "同一信访人"


def test_idempotency_key_creates_one_petition(county, api):
    client = api("registrar")
    data = petition_data(county)
    a = client.post("/api/v1/matters/", data, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    b = client.post("/api/v1/matters/", data, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert a.status_code == 201 and b.status_code == 200
    assert a.json()["number"] == b.json()["number"] and b.headers["Idempotent-Replayed"] == "true"
    assert Matter.objects.count() == 1
    m = Matter.objects.get()
    officer = api("officer")
    r1 = officer.post(f"/api/v1/matters/{m.number}/forward/", {"unit": "T01"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    r2 = officer.post(f"/api/v1/matters/{m.number}/forward/", {"unit": "T01"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r1.status_code == r2.status_code == 200 and m.events.count() == 2


def test_stale_expected_version_is_409(county, api):
    m = register(county).matter
    response = api("officer").post(f"/api/v1/matters/{m.number}/forward/", {"unit": "T01", "expected_version": m.version - 1},
                                   format="json")
    assert response.status_code == 409 and "已被他人处理" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=forwarded", {"b"}), ("status=open", {"a", "b"}), ("unit=T01", {"b"}), ("channel=letter", {"b"}),
        ("category=010000", {"a", "b"}), ("region=139999100000", {"a", "b"}), ("q=停车费", {"a"}),
        ("q=拆迁 补偿", {"b"}), ("q=补偿拆迁", {"b"}), ("q=不存在的词语", set()), ("overdue=true", {"a"}),
        ("received_after=2026-10-05", {"b"}), ("received_before=2026-10-04", {"a"}), ("collective=true", {"b"}),
    ],
)
def test_list_filters(county, api, query, expected):
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=CST), tick=False):
        a = register(county, received_at=at("2026-10-01"), content="小区物业违规收取停车费").matter
        b = register(county, received_at=at("2026-10-10"), channel="letter", headcount=8,
                     title="拆迁补偿款未到位", content="征地拆迁补偿款长期未发放").matter
        act(county, "officer", b, "forward", unit="T01")
        names = {a.number: "a", b.number: "b"}
        response = api("officer").get(f"/api/v1/matters/?{query}")
        assert response.status_code == 200, response.content
        assert {names[r["number"]] for r in response.json()["results"]} == expected


def test_bad_filter_values_are_400(county, api):
    for query in ["status=flying", "received_after=2026-02-30", "category=999999", "channel=x"]:
        response = api("officer").get(f"/api/v1/matters/?{query}")
        assert response.status_code == 400, query
