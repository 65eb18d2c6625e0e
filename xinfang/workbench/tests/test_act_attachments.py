"""Issue 15 §6: any act can carry files — same checks as registration, listed with who, which act and
when, 对信访人可见 per file, through the API as well; §30: never to a reader who may not see the reporter."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.core.errors import InvalidInput, NotAllowed, NotVisible
from xinfang.matters.models import Attachment, Event
from xinfang.matters.selectors import attachment_for, attachment_rows
from xinfang.matters.services.attachments import attachment_set_public
from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 100


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf(name="调查报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_an_act_from_the_matter_page_carries_files_with_who_which_act_and_when(county, web):
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    c = web("handler")
    page = c.get(f"/matters/{m.number}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="accept-attachments"' in page
    assert 'name="accept-attachments_public"' in page
    version = re.search(r'name="accept-expected_version" value="(\d+)"', page).group(1)
    r = c.post(f"/matters/{m.number}/act/accept/", {"accept-expected_version": version,
                                                    "accept-attachments": [_pdf("送达回证.pdf"), _pdf("现场照片说明.pdf")],
                                                    "accept-attachments_public": "on"})
    assert r.status_code == 302, r.content.decode()[:500]
    event = Event.objects.get(matter=m, action="accept")
    assert event.params["attachments"] == 2
    rows = list(Attachment.objects.filter(event=event))
    assert {a.name for a in rows} == {"送达回证.pdf", "现场照片说明.pdf"}
    assert all(a.public and a.uploaded_by == county.users["handler"] and a.via == "staff" for a in rows)
    page = c.get(f"/matters/{m.number}/").content.decode()
    listing = page[page.index('data-testid="attachments"'):]
    assert "送达回证.pdf" in listing and "受理" in listing and "handler（城关镇人民政府）" in listing
    assert c.get(f"/matters/{m.number}/attachments/{rows[0].pk}/").status_code == 200


def test_a_hostile_file_refuses_the_act_with_a_400_and_stores_nothing(county, web, tmp_path):
    m = register(county).matter
    c = web("officer")
    page = c.get(f"/matters/{m.number}/").content.decode()
    version = re.search(r'name="forward-expected_version" value="(\d+)"', page).group(1)
    r = c.post(f"/matters/{m.number}/act/forward/", {
        "forward-expected_version": version, "forward-unit": "T01",
        "forward-attachments": [SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" + b"\x00" * 200)]})
    assert r.status_code == 400 and "内容与扩展名不符" in r.content.decode()
    m.refresh_from_db()
    assert m.status == "registered" and not Attachment.objects.exists()
    with pytest.raises(InvalidInput) as exc:  # the service itself, for every caller
        act(county, "officer", m, "forward", unit="T01", attachments=[SimpleUploadedFile("a.exe", b"MZ" * 100)])
    assert "attachments" in exc.value.fields and not Event.objects.filter(action="forward").exists()


def test_visibility_is_set_by_the_handling_staff_only(county, web):
    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    act(county, "handler", m, "accept", attachments=[_pdf()])
    att = Attachment.objects.get()
    assert not att.public  # staff files are internal unless marked
    r = web("handler").post(f"/matters/{m.number}/attachments/{att.pk}/visibility/", {"public": "1"})
    assert r.status_code == 302
    att.refresh_from_db()
    assert att.public and att.public_set_by == county.users["handler"] and att.public_set_at is not None
    with pytest.raises(NotAllowed):
        attachment_set_public(actor=county.users["auditor"], number=m.number, pk=att.pk, public=False)
    with pytest.raises(NotVisible):  # another town does not even see the matter
        attachment_set_public(actor=county.users["handler2"], number=m.number, pk=att.pk, public=False)
    attachment_set_public(actor=county.users["officer"], number=m.number, pk=att.pk, public=False)
    att.refresh_from_db()
    assert not att.public


def test_the_accused_unit_never_gets_a_file_of_a_confidential_accusation(county, web):
    secret = register(county, purpose="accusation", confidential=True, accused_unit="T01",
                      accused_party="城关镇某干部").matter
    act(county, "officer", secret, "forward", unit="D01")
    act(county, "dhandler", secret, "accept", attachments=[_pdf("举报人李某的证明.pdf")])
    att = Attachment.objects.get()
    with pytest.raises(NotVisible):
        attachment_for(county.users["handler"], secret.number, att.pk)
    assert web("handler").get(f"/matters/{secret.number}/attachments/{att.pk}/").status_code == 404
    assert web("handler").get(f"/api/v1/matters/{secret.number}/attachments/{att.pk}/").status_code == 404
    assert attachment_for(county.users["dhandler"], secret.number, att.pk)[1] == att
    # whoever may not see the reporter gets no file at all (a file cannot be masked)
    no_unit = county.users["cleader"]
    no_unit.unit = None
    assert attachment_rows(no_unit, secret) == []


def test_the_api_takes_files_on_any_action_and_lists_them(county, api):
    m = register(county).matter
    client = api("officer")
    r = client.post(f"/api/v1/matters/{m.number}/forward/", {
        "unit": "T01", "attachments": [_pdf("转送函回执.pdf")], "attachments_public": "false"}, format="multipart")
    assert r.status_code == 200, r.content
    files = r.json()["attachments"]
    assert [(f["name"], f["action"], f["public"], f["uploaded_by"]) for f in files] == [
        ("转送函回执.pdf", "forward", False, "officer")]
    url = files[0]["url"]
    assert client.get(url).status_code == 200
    r = client.patch(url, {"public": True}, format="json")
    assert r.status_code == 200 and r.json() == {"id": files[0]["id"], "public": True}
    bad = client.post(f"/api/v1/matters/{m.number}/acknowledge/",
                      {"attachments": [SimpleUploadedFile("x.pdf", b"GIF89a" + b"\x00" * 50)]}, format="multipart")
    assert bad.status_code == 400 and "attachments" in bad.json()["error"]["fields"]
    assert "内容与扩展名不符" in bad.json()["error"]["message"]
    assert client.patch(url, {}, format="json").status_code == 400
