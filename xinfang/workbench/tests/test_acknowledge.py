"""签收 then 受理: a unit signs for what it received (no notice, no clock), then accepts, returns or declines."""

from __future__ import annotations

import pytest
from django.test import Client

from xinfang.core.errors import StateConflict
from xinfang.documents.models import IssuedDocument
from xinfang.matters.models import Matter
from xinfang.testing.factories import act, register


def login(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


@pytest.fixture
def forwarded(county):
    m = register(county).matter
    return act(county, "officer", m, "forward", unit="T01")


def test_acknowledge_records_receipt_once_and_issues_nothing(county, forwarded):
    before = IssuedDocument.objects.count()
    m = act(county, "handler", forwarded, "acknowledge")
    assert m.status == "forwarded" and m.acknowledged_at is not None
    assert IssuedDocument.objects.count() == before  # no 受理告知书
    assert [e.action for e in m.events.order_by("seq")][-1] == "acknowledge"
    with pytest.raises(StateConflict, match="已签收"):
        act(county, "handler", m, "acknowledge")
    with pytest.raises(Exception):  # noqa: B017 - another town may not sign for it
        act(county, "handler2", m, "acknowledge")


def test_rerouting_needs_a_new_acknowledgement(county, forwarded):
    m = act(county, "handler", forwarded, "acknowledge")
    m = act(county, "handler", m, "object", reason="不属于本镇职责")
    m = act(county, "officer", m, "approve_return")
    m = act(county, "officer", m, "forward", unit="T02")
    assert m.acknowledged_at is None


def test_unit_home_shows_unseen_and_the_list_it_links_to(county, forwarded):
    c = login(county, "handler")
    home = c.get("/").content.decode()
    assert 'data-testid="unseen-count">1<' in home
    listed = c.get("/matters/", {"status": "forwarded,assigned", "unit": "T01", "acknowledged": "false"})
    assert listed.context["result"].total == 1
    act(county, "handler", forwarded, "acknowledge")
    assert 'data-testid="unseen-count">0<' in c.get("/").content.decode()


def test_batch_acknowledge_issues_no_acceptance_notice(county):
    ms = [act(county, "officer", register(county).matter, "forward", unit="T01") for _ in range(2)]
    before = IssuedDocument.objects.filter(doc_type="acceptance_notice").count()
    body = login(county, "handler").post("/batch/accept/", {"numbers": [m.number for m in ms],
                                                            "action": "acknowledge"}).content.decode()
    assert "成功 2 件" in body
    assert all(Matter.objects.get(pk=m.pk).acknowledged_at for m in ms)
    assert all(Matter.objects.get(pk=m.pk).status == "forwarded" for m in ms)
    assert IssuedDocument.objects.filter(doc_type="acceptance_notice").count() == before


def test_api_exposes_the_declared_act(county, forwarded, api):
    r = api("handler").post(f"/api/v1/matters/{forwarded.number}/acknowledge/", {}, format="json")
    assert r.status_code == 200, r.content
    again = api("handler").post(f"/api/v1/matters/{forwarded.number}/acknowledge/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["message"]
