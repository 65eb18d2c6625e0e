"""Issue 9 §6: an Idempotency-Key sent again with a different body is a 409, not the first answer."""

import pytest

from xinfang.matters.models import Matter, Petition
from xinfang.testing.factories import petition_data, register

pytestmark = pytest.mark.django_db


def _conflict(response):
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["message"] and "原样重发" in error["message"]
    assert "Idempotency-Key" in error["fields"]


def test_registration_same_key_other_body_is_refused(county, api):
    client = api("registrar")
    data = petition_data(county, title="第一份登记")
    first = client.post("/api/v1/matters/", data, format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert first.status_code == 201
    _conflict(client.post("/api/v1/matters/", {**data, "title": "另一份登记"}, format="json",
                          HTTP_IDEMPOTENCY_KEY="reg-1"))
    replay = client.post("/api/v1/matters/", data, format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert replay.status_code == 200 and replay.json()["number"] == first.json()["number"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    # the same key of another user is that user's own key
    other = api("officer").post("/api/v1/matters/", {**data, "title": "另一份登记"}, format="json",
                                HTTP_IDEMPOTENCY_KEY="reg-1")
    assert other.status_code == 201
    assert Matter.objects.count() == 2


def test_repeat_petition_same_key_other_body_is_refused(county, api):
    matter = register(county).matter
    client = api("registrar")
    url = f"/api/v1/matters/{matter.number}/petitions/"
    body = {"channel": "letter", "content": "再次来信", "petitioners": [{"name": "张三"}]}
    assert client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="rep-1").status_code == 201
    _conflict(client.post(url, {**body, "content": "内容不同"}, format="json", HTTP_IDEMPOTENCY_KEY="rep-1"))
    assert client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="rep-1").status_code == 200
    assert Petition.objects.filter(matter=matter).count() == 2


def test_action_same_key_other_body_is_refused(county, api):
    matter = register(county).matter
    officer = api("officer")
    url = f"/api/v1/matters/{matter.number}/forward/"
    first = officer.post(url, {"unit": "T01"}, format="json", HTTP_IDEMPOTENCY_KEY="fwd-1")
    assert first.status_code == 200
    _conflict(officer.post(url, {"unit": "T02"}, format="json", HTTP_IDEMPOTENCY_KEY="fwd-1"))
    again = officer.post(url, {"unit": "T01"}, format="json", HTTP_IDEMPOTENCY_KEY="fwd-1")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    matter.refresh_from_db()
    assert matter.handling_unit.code == "T01" and matter.events.count() == 2


def test_legacy_rows_without_a_fingerprint_still_replay(county, api):
    client = api("registrar")
    data = petition_data(county)
    first = client.post("/api/v1/matters/", data, format="json", HTTP_IDEMPOTENCY_KEY="old-1")
    Petition.objects.update(request_hash="")  # registered before fingerprints were kept
    replay = client.post("/api/v1/matters/", {**data, "title": "改了"}, format="json", HTTP_IDEMPOTENCY_KEY="old-1")
    assert replay.status_code == 200 and replay.json()["number"] == first.json()["number"]
