"""Clock settings apply only to clocks started after a change; calendar overrides; attachments."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.matters.models import Attachment, Deadline
from xinfang.testing.factories import act, at, petition_data, register
from xinfang.workdays.models import CalendarOverride, CalendarYear, RuleSet

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def test_new_rules_apply_only_to_clocks_started_afterwards(county):
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=CST), tick=False):
        old = register(county, received_at=at("2026-10-09")).matter
        act(county, "officer", old, "forward", unit="T01", occurred_at=at("2026-10-10"))
        act(county, "handler", old, "accept", occurred_at=at("2026-10-12"))
        before = Deadline.objects.get(matter=old, kind="handle")
        assert (before.due, before.rule_version) == (dt.date(2026, 12, 11), 1)
        # a province counts 90 days for handling and counts the start day
        RuleSet.objects.create(version=2, periods={"handle": 90}, start_day_counted=True, note="某省规定")
        new = register(county, received_at=at("2026-10-20")).matter
        act(county, "officer", new, "forward", unit="T01", occurred_at=at("2026-10-21"))
        act(county, "handler", new, "accept", occurred_at=at("2026-10-22"))
    after = Deadline.objects.get(matter=new, kind="handle")
    assert after.rule_version == 2 and after.period == 90
    assert after.due == dt.date(2027, 1, 19)  # 10-22 counted + 90 days - 1 = 2027-01-19 (provisional year)
    before.refresh_from_db()
    assert (before.due, before.rule_version) == (dt.date(2026, 12, 11), 1)  # unchanged


def test_calendar_overrides_for_a_year_the_library_lacks(county):
    CalendarYear.objects.create(year=2027, confirmed=True, note="国办发明电〔2026〕X号")
    CalendarOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    with time_machine.travel(dt.datetime(2026, 12, 20, 9, tzinfo=CST), tick=False):
        m = register(county, received_at=at("2026-12-17")).matter
    dispose = Deadline.objects.get(matter=m, kind="dispose")
    # 12-17 + 15 = 2027-01-01: declared a holiday by the administrator → 2027-01-04 (Mon); official, not provisional
    assert dispose.due == dt.date(2027, 1, 4)
    assert dispose.provisional is False
    assert "法定节假日" in dispose.explanation


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 100


def test_attachments_are_sniffed_and_stored_with_a_hash(county, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api("registrar")
    data = petition_data(county)
    data["petitioners"] = '[{"name": "张三", "phone": "13812345678"}]'
    data["attachments"] = [SimpleUploadedFile("来信扫描件.pdf", pdf_bytes(), content_type="application/pdf")]
    response = client.post("/api/v1/matters/", data, format="multipart")
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.mime == "application/pdf" and len(attachment.sha256) == 64
    assert response.json()["attachments"][0]["name"] == "来信扫描件.pdf"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 200, "不符"),  # an executable disguised as a PDF
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 200, "不允许"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_disguised_or_forbidden_uploads_are_refused_before_storing(county, api, settings, tmp_path, name, content, words):
    settings.MEDIA_ROOT = tmp_path
    data = petition_data(county)
    data["petitioners"] = '[{"name": "张三"}]'
    data["attachments"] = [SimpleUploadedFile(name, content)]
    response = api("registrar").post("/api/v1/matters/", data, format="multipart")
    assert response.status_code == 400 and words in response.json()["error"]["message"]
    assert "attachments" in response.json()["error"]["fields"]
    assert not Attachment.objects.exists() and not list(tmp_path.rglob("*"))


def test_oversized_upload_is_refused(county, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.XINFANG_UPLOAD_MAX_BYTES = 1024
    data = petition_data(county)
    data["petitioners"] = '[{"name": "张三"}]'
    data["attachments"] = [SimpleUploadedFile("big.pdf", pdf_bytes() + b" " * 2048)]
    response = api("registrar").post("/api/v1/matters/", data, format="multipart")
    assert response.status_code == 400 and "超过大小限制" in response.json()["error"]["message"]
    assert not list(tmp_path.rglob("*"))


def test_html_in_fields_is_stored_as_text_and_returned_as_json_text(county, api):
    response = api("registrar").post("/api/v1/matters/", petition_data(county, title="<script>alert(1)</script>"),
                                     format="json")
    assert response.status_code == 201
    assert response.json()["title"] == "<script>alert(1)</script>"
    assert response["Content-Type"].startswith("application/json")
    assert io.BytesIO(response.content).read().count(b"<script>") == 1
