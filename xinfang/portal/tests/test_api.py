"""GET /api/v1/public/track/: the dedicated public representation, the error shape, throttling."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from xinfang.matters.models import Attachment, Event
from xinfang.notices.models import StaffNotice
from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/track/"

TOP_KEYS = {"number", "petition_number", "limited", "limited_reason", "title", "status", "status_label",
            "close_reason", "received_on", "handling_unit_name", "review_body_name", "recheck_body_name",
            "timeline", "deadlines", "notices", "evaluation", "appeal", "reminder", "material"}
TIMELINE_KEYS = {"seq", "action", "label", "date", "unit_name", "detail"}
DEADLINE_KEYS = {"kind", "target", "label", "unit_name", "start", "due", "met_on", "state", "provisional", "explanation"}
NOTICE_KEYS = {"type", "label", "event_seq", "doc_id", "issued_on", "doc_number", "available", "download_url"}
STAFF_ONLY = {"petitioners", "id_number", "phone", "address", "actor", "note", "params", "events", "allowed_actions",
              "registered_by", "content", "version", "search_text", "query_code", "handling_unit", "accused_party"}


def all_keys(value) -> set:
    keys = set()
    if isinstance(value, dict):
        for k, v in value.items():
            keys.add(k)
            keys |= all_keys(v)
    elif isinstance(value, list):
        for item in value:
            keys |= all_keys(item)
    return keys


@pytest.fixture
def accepted(county):
    result = register(county)
    act(county, "officer", result.matter, "forward", unit="T01", note="内部备注")
    act(county, "handler", result.matter, "accept")
    return result


def test_public_view_has_exactly_the_public_fields(accepted):
    response = APIClient().get(URL, {"number": accepted.matter.number, "code": accepted.petition.query_code})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == TOP_KEYS
    assert all(set(e) == TIMELINE_KEYS for e in body["timeline"])
    assert all(set(d) == DEADLINE_KEYS for d in body["deadlines"])
    assert all(set(n) == NOTICE_KEYS for n in body["notices"])
    assert not (all_keys(body) & STAFF_ONLY)
    raw = json.dumps(body, ensure_ascii=False)
    person = accepted.petition.persons.get()
    for secret in (person.id_number, person.phone, person.name, "内部备注", "officer", "handler", accepted.petition.query_code):
        assert secret not in raw
    assert body["handling_unit_name"] == "城关镇人民政府" and body["status"] == "accepted"
    assert [e["action"] for e in body["timeline"]] == ["register", "forward", "accept"]
    assert body["evaluation"]["targets"][0]["can_evaluate"] is True
    assert {n["type"] for n in body["notices"]} == {"registration_receipt", "acceptance_notice"}


def test_staff_credentials_change_nothing(accepted, county):
    client = APIClient()
    client.force_authenticate(county.users["officer"])
    params = {"number": accepted.matter.number, "code": accepted.petition.query_code}
    assert client.get(URL, params).json() == APIClient().get(URL, params).json()
    assert client.get(URL, {"number": accepted.matter.number, "code": "WRONGWRONG"}).status_code == 404


def test_errors_use_the_single_error_shape(accepted):
    client = APIClient()
    missing = client.get(URL, {"number": accepted.matter.number})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid"
    assert "code" in missing.json()["error"]["fields"]
    wrong = client.get(URL, {"number": accepted.matter.number, "code": "WRONGWRONG"})
    assert wrong.status_code == 404
    assert wrong.json() == {"error": {"code": "not_found", "message": wrong.json()["error"]["message"],
                                      "fields": {"code": [wrong.json()["error"]["message"]]}}}
    assert "编号或查询码不正确" in wrong.json()["error"]["message"]
    unknown = client.get(URL, {"number": "XF2099-000001", "code": "WRONGWRONG"})
    assert unknown.status_code == 404 and unknown.json()["error"]["message"] == wrong.json()["error"]["message"]


def test_wrong_codes_are_throttled_with_429_and_wait_time(accepted, settings):
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 3
    client = APIClient()
    params = {"number": accepted.matter.number, "code": "WRONGWRONG"}
    assert [client.get(URL, params).status_code for _ in range(2)] == [404, 404]
    locked = client.get(URL, params)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "throttled"
    assert "查询码输入错误次数过多" in locked.json()["error"]["message"]
    assert 800 <= int(locked["Retry-After"]) <= 901
    right = client.get(URL, {"number": accepted.matter.number, "code": accepted.petition.query_code})
    assert right.status_code == 429  # this address waits for this number until the window ends …
    elsewhere = client.get(URL, {"number": accepted.matter.number, "code": accepted.petition.query_code},
                           REMOTE_ADDR="10.9.9.9")
    assert elsewhere.status_code == 200  # … the petitioner at another address does not (issue 9 §7)


def test_web_and_api_failures_share_one_counter(client, accepted, settings):
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 2
    client.post("/public/track/", {"number": accepted.matter.number, "code": "WRONGWRONG"})
    assert APIClient().get(URL, {"number": accepted.matter.number, "code": "WRONGWRONG"}).status_code == 429


def test_notice_download_is_guarded(accepted):
    client = APIClient()
    base = {"number": accepted.matter.number, "code": accepted.petition.query_code}
    notice = next(n for n in client.get(URL, base).json()["notices"] if n["type"] == "acceptance_notice")
    assert notice["available"] and notice["download_url"] == "/api/v1/public/track/notice/?seq=3&type=acceptance_notice"
    pdf = client.get(URL + "notice/", {**base, "seq": 3, "type": "acceptance_notice"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = client.get(URL + "notice/", {**base, "seq": 3, "type": "acceptance_notice", "fmt": "docx"})
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(URL + "notice/", {**base, "seq": 1, "type": "forwarding_letter"}).status_code == 404
    assert client.get(URL + "notice/", {"number": accepted.matter.number, "code": "WRONGWRONG", "seq": 3,
                                        "type": "acceptance_notice"}).status_code == 404


def test_schema_documents_the_public_endpoint(api):
    response = api("officer").get("/api/v1/schema/", {"format": "json"})
    paths = json.loads(response.content)["paths"]
    assert "/api/v1/public/track/" in paths and "/api/v1/public/track/notice/" in paths
    assert paths["/api/v1/public/track/"]["get"]["operationId"] == "public_track"


# ---- POST /api/v1/public/track/material/: the portal's 补充材料 --------------------------------

MATERIAL = URL + "material/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 100


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_material_by_number_and_code_is_the_portal_act(accepted, county, media, django_capture_on_commit_callbacks):
    base = {"number": accepted.matter.number, "code": accepted.petition.query_code}
    assert APIClient().get(URL, base).json()["material"] == {"can_add": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(MATERIAL, {**base, "content": "补充：收据两张。",
                                               "attachments": [SimpleUploadedFile("收据.pdf", PDF)]}, format="multipart")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert set(body) == TOP_KEYS and not (all_keys(body) & STAFF_ONLY)
    assert body["timeline"][-1]["action"] == "add_material"
    event = Event.objects.get(matter=accepted.matter, action="add_material")
    assert event.via == "portal" and event.actor is None and event.params["attachments"] == 1
    att = Attachment.objects.get(event=event)
    assert att.public and att.name == "补充材料-收据.pdf"
    assert StaffNotice.objects.filter(recipient=county.users["handler"], kind="material").exists()


def test_material_errors_are_the_portal_checks_in_the_one_shape(accepted, media, settings):
    client = APIClient()
    base = {"number": accepted.matter.number, "code": accepted.petition.query_code}
    empty = client.post(MATERIAL, {**base, "content": " "}, format="multipart")
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "invalid"
    assert "请填写补充内容或上传补充材料" in empty.json()["error"]["message"]
    hostile = client.post(MATERIAL, {**base, "content": "见附件",
                                     "attachments": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 50)]}, format="multipart")
    assert hostile.status_code == 400 and "内容与扩展名不符" in hostile.json()["error"]["message"]
    missing = client.post(MATERIAL, {"number": accepted.matter.number, "content": "补充"}, format="multipart")
    assert missing.status_code == 400 and "code" in missing.json()["error"]["fields"]
    assert not Event.objects.filter(action="add_material").exists() and not Attachment.objects.exists()
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 2  # wrong codes count with the track's (one counter)
    wrong = {**base, "code": "WRONGWRONG", "content": "补充"}
    assert client.post(MATERIAL, wrong, format="multipart").status_code == 404
    assert client.get(URL, {**base, "code": "WRONGWRONG"}).status_code == 429
    assert client.post(MATERIAL, {**base, "content": "补充"}, format="multipart").status_code == 429


def test_no_material_on_a_closed_matter(county, media):
    result = register(county)
    act(county, "registrar", result.matter, "answer", reply="已当场答复。")
    base = {"number": result.matter.number, "code": result.petition.query_code}
    assert APIClient().get(URL, base).json()["material"] == {"can_add": False}
    closed = APIClient().post(MATERIAL, {**base, "content": "补充"}, format="multipart")
    assert closed.status_code == 409 and closed.json()["error"]["message"]
    assert not Event.objects.filter(action="add_material").exists()
