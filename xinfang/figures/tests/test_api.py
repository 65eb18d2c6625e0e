"""The API of api-v1.md "Figures, assessment and reports": shapes, errors, permissions, query counts."""

import pytest
from rest_framework.test import APIClient


def client(county, username=None):
    c = APIClient()
    if username:
        c.force_authenticate(county.users[username])
    return c


def test_volume_exact_shape(county, october):
    r = client(county, "officer").get("/api/v1/stats/volume/", {"from": "2026-10-01", "to": "2026-10-31", "by": "region"})
    assert r.status_code == 200
    body = r.json()
    assert [{k: row[k] for k in ("key", "label", "petitions", "matters", "batches", "persons")} for row in body["rows"]] == [
        {"key": "139999100000", "label": "城关镇", "petitions": 3, "matters": 2, "batches": 3, "persons": 13},
        {"key": "139999101000", "label": "河西乡", "petitions": 3, "matters": 2, "batches": 3, "persons": 4},
    ]
    assert {k: body["total"][k] for k in ("petitions", "matters", "batches", "persons")} == {
        "petitions": 6, "matters": 4, "batches": 6, "persons": 17}


def test_volume_drill(county, october):
    r = client(county, "officer").get("/api/v1/stats/volume/drill/", {"from": "2026-10-01", "to": "2026-10-31",
                                                                      "measure": "collective"})
    assert r.json()["count"] == 2
    assert sorted(x["headcount"] for x in r.json()["results"]) == [5, 7]


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-10-31", "to": "2026-10-01"}, "from"),
    ({"from": "2026-10-01", "to": "2026-12-31"}, "to"),
    ({"from": "2010-01-01", "to": "2026-10-31"}, "from"),
    ({"by": "colour"}, "by"),
    ({"by": "category", "level": "7"}, "level"),
    ({"from": "not-a-date"}, "from"),
])
def test_volume_bad_input(county, params, field):
    r = client(county, "officer").get("/api/v1/stats/volume/", params)
    assert r.status_code == 400
    assert field in r.json()["error"]["fields"]
    assert r.json()["error"]["message"]


def test_volume_query_count(county, october, django_assert_max_num_queries):
    c = client(county, "officer")
    for by in ("channel", "category", "region", "unit", "month"):
        with django_assert_max_num_queries(8):
            assert c.get("/api/v1/stats/volume/", {"from": "2026-10-01", "to": "2026-10-31", "by": by}).status_code == 200


def test_alerts_endpoint(county):
    r = client(county, "officer").get("/api/v1/stats/alerts/", {"date": "2026-11-20"})
    assert r.status_code == 200 and r.json() == []
    assert client(county, "officer").get("/api/v1/stats/alerts/", {"date": "2026-11-23"}).status_code == 400
    assert client(county, "officer").get("/api/v1/stats/alerts/", {"date": "2026-13-01"}).status_code == 400


SCHEME = {"year": 2026, "name": "考核", "indicators": [
    {"code": "a", "label": "及时受理率", "weight": 60, "measure": "timely_acceptance"},
    {"code": "b", "label": "人工", "weight": 40, "measure": "manual"},
]}


def test_assessment_flow(county):
    c = client(county, "officer")
    r = c.post("/api/v1/assessments/", SCHEME, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert c.post(f"/api/v1/assessments/{pk}/manual-scores/",
                  {"indicator": "b", "unit": "T01", "points": 35, "evidence": "台账齐全"}, format="json").status_code == 201
    scores = c.get(f"/api/v1/assessments/{pk}/scores/").json()
    t01 = next(s for s in scores if s["unit"] == "T01")
    assert t01["parts"][1] == {"code": "b", "value": 35.0, "points": 35.0, "numerator": None, "denominator": None, "note": "",
                               "drill": None}
    assert t01["parts"][0]["drill"].startswith("http://testserver/supervision/rates/drill/?measure=timely_acceptance")
    assert t01["rank"] is None and t01["small_sample"] is True
    assert c.post(f"/api/v1/assessments/{pk}/publish/").status_code == 200
    r = c.patch(f"/api/v1/assessments/{pk}/", {"name": "改"}, format="json")
    assert r.status_code == 409 and "已发布" in r.json()["error"]["message"]
    bad = dict(SCHEME, indicators=[dict(SCHEME["indicators"][0], weight=50), SCHEME["indicators"][1]])
    r = c.post("/api/v1/assessments/", bad, format="json")
    assert r.status_code == 400 and "权重之和应为 100" in r.json()["error"]["message"]
    assert c.post("/api/v1/assessments/", ["x"], format="json").status_code == 400


def test_annual_report_api(county, october):
    c = client(county, "bleader")
    r = c.post("/api/v1/reports/annual/", {"year": 2026}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["type"] == "annual_report" and body["doc_number"].endswith("〔2026〕1号")
    listed = c.get("/api/v1/reports/").json()
    assert listed["count"] == 1 and listed["results"][0]["pdf_url"].endswith(f"/api/v1/reports/{body['id']}/pdf/")
    pdf = c.get(f"/api/v1/reports/{body['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert c.post("/api/v1/reports/annual/", {"year": 2027}, format="json").status_code == 400
    assert c.post("/api/v1/reports/annual/", {"year": "x"}, format="json").status_code == 400


@pytest.mark.parametrize("username, volume, assess_read, assess_write, report_read, report_write", [
    (None, 401, 401, 401, 401, 401),
    ("officer", 200, 200, 201, 200, 201),
    ("bleader", 200, 200, 201, 200, 201),
    ("cleader", 200, 200, 403, 200, 403),
    ("auditor", 200, 200, 403, 200, 403),
    ("handler", 200, 403, 403, 403, 403),
    ("nobody", 403, 403, 403, 403, 403),
])
def test_permission_matrix(county, username, volume, assess_read, assess_write, report_read, report_write):
    c = client(county, username)
    assert c.get("/api/v1/stats/volume/").status_code == volume
    assert c.get("/api/v1/stats/alerts/").status_code == volume
    assert c.get("/api/v1/assessments/").status_code == assess_read
    assert c.post("/api/v1/assessments/", SCHEME, format="json").status_code == assess_write
    assert c.get("/api/v1/reports/").status_code == report_read
    r = c.post("/api/v1/reports/annual/", {"year": 2026}, format="json")
    assert r.status_code == report_write


def test_other_units_matters_stay_out_of_their_figures(county):
    from xinfang.supervision.tests.helpers import accepted

    accepted(county, "2026-10-08", "2026-10-09", "2026-10-12")  # T01's matter
    own = client(county, "handler").get("/api/v1/stats/volume/", {"from": "2026-10-01", "to": "2026-10-31"}).json()
    other = client(county, "handler2").get("/api/v1/stats/volume/", {"from": "2026-10-01", "to": "2026-10-31"}).json()
    assert own["total"]["petitions"] == 1 and other["total"]["petitions"] == 0
    drill = client(county, "handler2").get("/api/v1/stats/volume/drill/", {"from": "2026-10-01", "to": "2026-10-31"})
    assert drill.json()["count"] == 0
