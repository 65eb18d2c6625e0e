"""The full statutory scenario through the API, with every deadline as domain §4 says."""

import datetime as dt

import pytest
import time_machine

from xinfang.testing.factories import at, petition_data, valid_id

pytestmark = pytest.mark.django_db


def post(client, url, data, expect=200):
    response = client.post(url, data, format="json")
    assert response.status_code == expect, response.content.decode()
    return response.json()


def deadline(body, kind, target=""):
    rows = [d for d in body["deadlines"] if d["kind"] == kind and d["target"] == target]
    assert rows, f"no {kind} deadline in {body['deadlines']}"
    return rows[-1]


@pytest.mark.with_documents
@time_machine.travel(dt.datetime(2026, 12, 15, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_full_lifecycle_through_api(county, api):
    registrar, officer, handler, uleader = api("registrar"), api("officer"), api("handler"), api("uleader")
    data = petition_data(county, received_at=at("2026-09-10"))
    body = post(registrar, "/api/v1/matters/", data, expect=201)
    number = body["number"]
    assert body["status"] == "registered"
    assert body["query_code"] and len(body["query_code"]) >= 8
    # 15 days from Thursday 2026-09-10 ends on 09-25, a holiday → 09-28 (domain §4 worked example).
    assert deadline(body, "dispose")["due"] == "2026-09-28"
    assert "顺延" in deadline(body, "dispose")["explanation"]
    assert body["petitioners"][0]["id_number"].count("*") >= 8  # masked by default

    url = f"/api/v1/matters/{number}"
    body = post(officer, f"{url}/forward/", {"unit": "T01", "occurred_at": at("2026-09-29")})
    assert body["status"] == "forwarded" and body["handling_unit"] == "T01"
    assert deadline(body, "dispose")["overdue"] is True  # met on 09-29, one day late
    assert deadline(body, "object")["due"] == "2026-10-12"  # 5 working days (domain §4 example)
    assert deadline(body, "accept")["due"] == "2026-10-14"

    body = post(handler, f"{url}/accept/", {"occurred_at": at("2026-10-09")})
    assert body["status"] == "accepted"
    handle = deadline(body, "handle")
    assert handle["due"] == "2026-12-08"  # 2026-10-09 + 60 days = 12-08 (Tuesday)
    assert deadline(body, "accept")["overdue"] is False

    body = post(handler, f"{url}/request_extension/", {"days": 30, "reason": "需多部门会商", "occurred_at": at("2026-11-01")})
    assert "approve_extension" not in body["allowed_actions"]  # handler is not the unit's head
    body = post(uleader, f"{url}/approve_extension/", {"occurred_at": at("2026-11-02")})
    handle = deadline(body, "handle")
    # 60 + 30 = 90 days from 10-09 → 2027-01-07; 2027 has no official calendar yet → provisional.
    assert handle["due"] == "2027-01-07" and handle["provisional"] is True
    assert "暂定" in handle["explanation"]

    body = post(handler, f"{url}/reply/", {"outcome": "explain", "opinion": "经核查，收费有据。", "legal_basis": "《物业管理条例》", "occurred_at": at("2026-11-20")})
    assert body["status"] == "replied"
    body = post(handler, f"{url}/deliver/", {"method": "in_person", "signed": True, "occurred_at": at("2026-11-21")})
    assert deadline(body, "review_request")["due"] == "2026-12-21"

    body = post(registrar, f"{url}/request_review/", {"reason": "不服处理意见", "occurred_at": at("2026-11-25")})
    assert body["status"] == "review_requested" and body["review_body"] == "GOV"
    assert deadline(body, "review")["due"] == "2026-12-25"
    body = post(officer, f"{url}/review_decide/", {"outcome": "uphold", "opinion": "维持原处理意见。", "occurred_at": at("2026-12-01")})
    assert body["status"] == "reviewed"
    body = post(officer, f"{url}/deliver/", {"method": "mail", "occurred_at": at("2026-12-02")})
    assert deadline(body, "recheck_request")["due"] == "2027-01-01"

    body = post(registrar, f"{url}/request_recheck/", {"reason": "仍不服", "occurred_at": at("2026-12-03")})
    assert body["status"] == "recheck_requested" and body["recheck_body"] == "CITYGOV"
    recheck = deadline(body, "recheck")
    # 12-03 + 30 = 2027-01-02, a Saturday → next working day 2027-01-04 (provisional).
    assert recheck["due"] == "2027-01-04"
    post(officer, f"{url}/start_hearing/", {"occurred_at": at("2026-12-05")})
    body = post(officer, f"{url}/end_hearing/", {"occurred_at": at("2026-12-07")})
    recheck = deadline(body, "recheck")
    assert recheck["excluded_days"] == 3
    assert recheck["due"] == "2027-01-05"  # 2027-01-02 + 3 days
    body = post(officer, f"{url}/recheck_decide/", {"outcome": "uphold", "opinion": "维持。", "occurred_at": at("2026-12-10")})
    assert body["status"] == "closed" and body["close_reason"] == "rechecked"
    actions = [e["action"] for e in body["events"]]
    assert actions == ["register", "forward", "accept", "request_extension", "approve_extension", "reply", "deliver",
                       "request_review", "review_decide", "deliver", "request_recheck", "start_hearing",
                       "end_hearing", "recheck_decide"]

    # §36: the same facts after 复核 are not accepted again: a repeat petition is declined.
    repeat = post(registrar, f"{url}/petitions/", {"channel": "letter", "content": "再次反映",
                                                   "petitioners": [{"name": "张三", "id_number": valid_id(7)}]}, expect=201)
    last = repeat["events"][-1]
    assert last["action"] == "decline" and last["params"]["notice_type"] == "no_further_acceptance_notice"
    # Every act that produces a notice produced it in its own transaction (issue 6 integration).
    documents = officer.get(f"{url}/documents/").json()
    rows = documents["results"] if isinstance(documents, dict) else documents
    types = {d["type"] for d in rows}
    assert {"registration_receipt", "forwarding_letter", "acceptance_notice", "extension_notice", "handling_opinion",
            "review_opinion", "recheck_opinion", "no_further_acceptance_notice"} <= types
