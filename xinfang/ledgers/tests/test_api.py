"""The API of api-v1.md "The bureau's ledgers": shapes, errors and the permission matrix."""

import pytest

from xinfang.ledgers.models import FundGrant, Risk

pytestmark = pytest.mark.django_db


def test_adopt_and_stats(county, api, world):
    number = world["matter"].number
    r = api("officer").post(f"/api/v1/matters/{number}/adopt/", {"adoption": "partly_adopted", "note": "部分吸收"},
                            format="json")
    assert r.status_code == 201 and r.json()["adoption"] == "partly_adopted"
    assert api("officer").get(f"/api/v1/matters/{number}/adopt/").json()["adoption"] == "partly_adopted"
    stats = api("officer").get("/api/v1/stats/suggestions/", {"from": "2026-01-01"}).json()
    assert set(stats) == {"received", "answered", "adopted", "partly_adopted", "not_adopted", "rewarded"}
    assert stats["partly_adopted"] == 1
    bad = api("officer").post(f"/api/v1/matters/{number}/adopt/", {"adoption": "maybe"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["adoption"]
    assert api("handler2").post(f"/api/v1/matters/{number}/adopt/", {"adoption": "adopted"}, format="json").status_code == 403
    assert api("officer").post("/api/v1/matters/NOPE/adopt/", {"adoption": "adopted", "note": "x"},
                               format="json").status_code == 404
    assert api("officer").post(f"/api/v1/matters/{number}/adopt/", ["x"], format="json").status_code == 400
    assert api("officer").get("/api/v1/stats/suggestions/", {"from": "2026-02-30"}).status_code == 400


def test_proposals_api(county, api, world):
    pk = world["proposal"].pk
    listed = api("handler").get("/api/v1/proposals/").json()
    assert listed["count"] == 1 and listed["results"][0]["number"] == "101"
    assert api("handler2").get("/api/v1/proposals/").json()["count"] == 0
    assert api("handler2").post(f"/api/v1/proposals/{pk}/reply/", {"text": "x"}, format="json").status_code == 404
    r = api("handler").post(f"/api/v1/proposals/{pk}/reply/", {"text": "已答复"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "replied"
    assert api("handler").post(f"/api/v1/proposals/{pk}/reply/", {"text": "x"}, format="json").status_code == 409
    r = api("officer").post(f"/api/v1/proposals/{pk}/feedback/", {"rating": "satisfied"}, format="json")
    assert r.json()["rating"] == "satisfied"
    created = api("officer").post("/api/v1/proposals/", {
        "kind": "cppcc", "number": "P-9", "title": "提案", "proposer": "李委员", "received_on": "2026-01-10",
        "unit": "XFJ", "content": "内容"}, format="json")
    assert created.status_code == 201 and created.json()["due"] == "2026-04-10"
    assert api("handler").post("/api/v1/proposals/", {}, format="json").status_code == 403


def test_risks_api(county, api, world):
    assert api("handler").get("/api/v1/risks/").json()["count"] == 1
    assert api("handler2").get("/api/v1/risks/").json()["count"] == 0
    assert api("handler2").get(f"/api/v1/risks/{world['risk'].pk}/").status_code == 404
    assert api("auditor").get("/api/v1/risks/").json()["count"] == 1  # county-wide readers see every unit
    r = api("handler2").post("/api/v1/risks/", {"unit": "T02", "found_on": "2026-03-01", "summary": "纠纷",
                                                "people_count": 3, "level": "low"}, format="json")
    assert r.status_code == 201
    assert api("handler2").post("/api/v1/risks/", {"unit": "T01", "found_on": "2026-03-01", "summary": "纠纷",
                                                   "people_count": 3, "level": "low"}, format="json").status_code == 403
    report = api("handler2").post("/api/v1/risks/reports/", {"month": "2026-03", "nil_report": False}, format="json")
    assert report.status_code == 201
    again = api("handler2").post("/api/v1/risks/reports/", {"month": "2026-03", "nil_report": False}, format="json")
    assert again.status_code == 409
    status = api("officer").get("/api/v1/risks/reports/", {"month": "2026-03"}).json()
    assert {r["unit"]: r["reported"] for r in status["results"]} == {"T01": False, "T02": True, "D01": False}
    assert api("officer").get("/api/v1/risks/reports/", {"month": "March"}).status_code == 400
    resolved = api("handler").post(f"/api/v1/risks/{world['risk'].pk}/resolve/",
                                   {"measures": "补偿到位", "resolved_on": "2026-03-15"}, format="json")
    assert resolved.json()["status"] == "resolved"
    assert api("handler").get("/api/v1/risks/import/").status_code == 200
    assert Risk.objects.count() == 2


def test_fund_api(county, api, world):
    balance = api("auditor").get("/api/v1/fund/balance/", {"year": 2026}).json()
    assert balance == {"year": 2026, "allocated": "100000.00", "granted": "0.00", "pending": "5000.00",
                       "balance": "100000.00"}
    pk = world["grant"].pk
    assert api("officer").post(f"/api/v1/fund/grants/{pk}/approve/", {}, format="json").status_code == 403
    r = api("bleader").post(f"/api/v1/fund/grants/{pk}/approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert api("bleader").post(f"/api/v1/fund/grants/{pk}/approve/", {}, format="json").status_code == 409
    created = api("officer").post("/api/v1/fund/grants/", {"matter": world["matter"].number, "amount": "100.00",
                                                           "reason": "困难", "year": 2026}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    too_much = api("officer").post("/api/v1/fund/grants/", {"matter": world["matter"].number, "amount": "99999.99",
                                                            "reason": "困难", "year": 2026}, format="json")
    assert too_much.status_code == 409
    assert api("officer").post("/api/v1/fund/grants/", {"matter": world["matter"].number, "amount": "1.001",
                                                        "reason": "x", "year": 2026}, format="json").status_code == 400
    for user in ("handler", "cleader", "admin"):
        assert api(user).get("/api/v1/fund/balance/").status_code == 403
        assert api(user).get("/api/v1/fund/grants/").status_code == 403
    assert api("auditor").get("/api/v1/fund/grants/").json()["count"] == 2
    assert api("bleader").post("/api/v1/fund/allocations/", {"year": 2026, "amount": "1.00", "source": "x"},
                               format="json").status_code == 201
    assert FundGrant.objects.count() == 2


def test_library_publicity_training_api(county, api, world):
    found = api("handler").get("/api/v1/library/", {"q": "全面领导"}).json()
    assert [x["title"] for x in found["results"]] == ["信访工作条例"]
    created = api("officer").post("/api/v1/library/", {"kind": "case", "title": "典型案例一", "text": "案例正文",
                                                       "effective": True, "issued_on": "2025-01-01"}, format="json")
    assert created.status_code == 201
    assert api("handler").post("/api/v1/library/", {"kind": "case", "title": "x", "text": "y"}, format="json").status_code == 403
    assert api("handler").post(f"/api/v1/library/{world['draft'].pk}/comments/", {"text": "意见"},
                               format="json").status_code == 201
    assert api("officer").get("/api/v1/publicity/").json()["count"] == 1
    assert sorted(api("officer").get("/api/v1/trainings/").json()["results"][0]["attendees"]) == ["handler", "officer"]
    hours = api("handler").get("/api/v1/trainings/hours/", {"year": 2026}).json()
    assert [r["username"] for r in hours["results"]] == ["handler"]
    assert api("officer").post("/api/v1/trainings/", {"date": "2026-01-01", "title": "t", "hours": "2",
                                                      "attendees": ["ghost"]}, format="json").status_code == 400


def test_anonymous_and_roleless_are_refused(county, api, world):
    for url in ("/api/v1/proposals/", "/api/v1/risks/", "/api/v1/fund/balance/", "/api/v1/library/",
                "/api/v1/stats/suggestions/"):
        assert api().get(url).status_code in (401, 403)
        assert api("nobody").get(url).status_code == 403


def test_list_query_counts_are_flat(county, api, world, django_assert_max_num_queries):
    from xinfang.ledgers.services import proposals, risks

    for i in range(15):
        proposals.proposal_create(actor=county.users["officer"], data={
            "kind": "npc", "number": f"X{i}", "title": "建议", "proposer": "代表", "received_on": "2026-01-01",
            "unit": "T01", "co_units": ["D01", "T02"], "content": "内容"})
        risks.risk_create(actor=county.users["handler"], data={"found_on": "2026-01-01", "summary": f"隐患{i}",
                                                               "people_count": 2, "level": "low"})
    for url in ("/api/v1/proposals/", "/api/v1/risks/", "/api/v1/library/", "/api/v1/fund/grants/",
                "/api/v1/trainings/", "/api/v1/publicity/"):
        with django_assert_max_num_queries(8):
            assert api("officer").get(url).status_code == 200
