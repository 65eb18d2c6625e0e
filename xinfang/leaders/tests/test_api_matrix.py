"""The permission matrix of every API endpoint of the leaders' side: allowed, denied, other unit."""

import pytest

from .helpers import on

pytestmark = pytest.mark.django_db


def reads(w):
    return {
        "/api/v1/receptions/": {"officer": 200, "cleader": 200, "auditor": 200, "handler": 403, "nobody": 403, None: 401},
        f"/api/v1/receptions/{w['s']['id']}/": {"officer": 200, "cleader": 200, "handler": 403, None: 401},
        "/api/v1/receptions/check/": {"officer": 200, "cleader": 200, "handler": 403},
        "/api/v1/public/receptions/": {None: 200, "handler": 200},
        "/api/v1/cases/": {"officer": 200, "handler": 200, "handler2": 200, "nobody": 403, None: 401},
        f"/api/v1/cases/{w['case']['id']}/": {"officer": 200, "cleader": 200, "handler": 200, "handler2": 404, None: 401},
        "/api/v1/backlog/": {"officer": 200, "cleader": 200, "handler": 403, None: 401},
        "/api/v1/campaigns/": {"officer": 200, "cleader": 200, "handler": 403},
        f"/api/v1/campaigns/{w['campaign']['id']}/": {"officer": 200, "auditor": 200, "handler": 403},
        "/api/v1/hearings/": {"officer": 200, "handler": 200, "handler2": 200},
        f"/api/v1/hearings/{w['hearing']['id']}/": {"officer": 200, "handler": 200, "handler2": 404, None: 401},
        "/api/v1/meetings/": {"officer": 200, "cleader": 200, "handler": 403, None: 401},
        f"/api/v1/meetings/{w['meeting']['id']}/": {"officer": 200, "handler": 403},
        "/api/v1/tasks/": {"officer": 200, "handler": 200, "handler2": 200, "nobody": 403, None: 401},
        f"/api/v1/tasks/{w['task']}/": {"officer": 200, "cleader": 200, "handler": 200, "handler2": 404, "dhandler": 404},
    }


def writes(w):
    s, case, hearing, meeting, task = w["s"]["id"], w["case"]["id"], w["hearing"]["id"], w["meeting"]["id"], w["task"]
    return {
        ("/api/v1/receptions/", "{}"): {"handler": 403, "cleader": 403, "auditor": 403, "officer": 400, None: 401},
        (f"/api/v1/receptions/{s}/records/", "{}"): {"handler": 403, "auditor": 403, "officer": 400},
        ("/api/v1/bookings/1/confirm/", "{}"): {"handler": 403, "cleader": 403},
        (f"/api/v1/matters/{w['m'].number}/ownership/", "{}"): {"handler": 403, "auditor": 403, "officer": 400},
        (f"/api/v1/cases/{case}/progress/", "{}"): {"handler2": 404, "auditor": 403, "handler": 403, "officer": 400},
        (f"/api/v1/cases/{case}/resolve/", '{"outcome": "resolved", "note": "x"}'): {"handler": 403, "handler2": 404, "auditor": 403},
        ("/api/v1/campaigns/", "{}"): {"handler": 403, "cleader": 403, "officer": 400},
        ("/api/v1/hearings/", "{}"): {"auditor": 403, "cleader": 403, "officer": 400, None: 401},
        (f"/api/v1/hearings/{hearing}/open/", "{}"): {"handler": 403, "handler2": 404, "auditor": 403},
        ("/api/v1/meetings/", "{}"): {"handler": 403, "cleader": 403, "officer": 400},
        (f"/api/v1/meetings/{meeting}/decisions/", "{}"): {"handler": 403, "officer": 400},
        (f"/api/v1/tasks/{task}/report/", "{}"): {"handler2": 404, "officer": 403, "cleader": 403, "handler": 400},
        (f"/api/v1/tasks/{task}/complete/", "{}"): {"handler": 403, "handler2": 403, "cleader": 403, "auditor": 403},
    }


def test_read_matrix(world, api):
    with on("2026-10-21"):
        for url, expected in reads(world).items():
            for username, code in expected.items():
                got = api(username).get(url).status_code
                assert got == code, f"GET {url} as {username}: {got} != {code}"


def test_write_matrix(world, api):
    with on("2026-10-21"):
        for (url, body), expected in writes(world).items():
            for username, code in expected.items():
                r = api(username).post(url, body, content_type="application/json")
                assert r.status_code == code, f"POST {url} as {username}: {r.status_code} != {code} {r.content[:200]!r}"
                if code >= 400 and r.status_code != 401:
                    assert set(r.json()["error"]) == {"code", "message", "fields"}
