"""Templates: editable by the bureau, validated placeholders, preview, versions."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from xinfang.core.errors import InvalidInput, NotAllowed
from xinfang.documents import placeholders
from xinfang.documents.choices import REPORT_TYPES
from xinfang.documents.defaults import DEFAULT_TEMPLATES
from xinfang.documents.models import DocumentTemplate
from xinfang.documents.services import template_save

GOOD = {"title": "信访事项受理告知书", "letterhead": "{{发文机关}}", "number_prefix": "{{机关代字}}受",
        "body": "{{信访人}}：你反映的{{信访事项标题}}已于{{受理日期}}受理，{{办理期限}}内办结。"}


@pytest.mark.parametrize("doc_type", list(DEFAULT_TEMPLATES))
def test_seeded_templates_are_valid_and_cite_the_regulation(db, doc_type):
    t = DocumentTemplate.objects.get(doc_type=doc_type, active=True)
    assert t.version == 1
    assert not placeholders.problems(doc_type, title=t.title, letterhead=t.letterhead, number_prefix=t.number_prefix,
                                     body=t.body, notes=t.notes, copy_to=t.copy_to)
    if doc_type not in REPORT_TYPES:  # a report's text is written in its draft (the annual one cites §41 there)
        assert "《信访工作条例》第" in t.body


def test_unknown_placeholder_is_refused_and_named(county):
    with pytest.raises(InvalidInput) as info:
        template_save(actor=county.users["admin"], doc_type="acceptance_notice", data={**GOOD, "body": "你好{{申请人姓名}}"})
    assert "{{申请人姓名}}" in info.value.message
    assert info.value.fields["body"] == ["未知的占位符 {{申请人姓名}}。"]
    assert DocumentTemplate.objects.filter(doc_type="acceptance_notice").count() == 1


def test_placeholder_of_another_type_is_refused(county):
    with pytest.raises(InvalidInput) as info:
        template_save(actor=county.users["admin"], doc_type="acceptance_notice", data={**GOOD, "title": "{{复查机关}}"})
    assert "{{复查机关}}" in info.value.message and "不适用于受理告知书" in info.value.message


def test_broken_braces_and_empty_fields_are_refused(county):
    with pytest.raises(InvalidInput) as info:
        template_save(actor=county.users["admin"], doc_type="acceptance_notice", data={**GOOD, "body": "{{信访人", "title": ""})
    assert "title" in info.value.fields and "格式不完整" in info.value.fields["body"][0]


@pytest.mark.parametrize("username, allowed", [("admin", True), ("bleader", True), ("officer", False), ("handler", False)])
def test_who_may_edit_templates(county, username, allowed):
    if allowed:
        assert template_save(actor=county.users[username], doc_type="acceptance_notice", data=GOOD).version == 2
    else:
        with pytest.raises(NotAllowed):
            template_save(actor=county.users[username], doc_type="acceptance_notice", data=GOOD)


def _client(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


def test_template_page_save_preview_and_activate(county):
    admin = _client(county, "admin")
    r = admin.get("/documents/templates/")
    assert r.status_code == 200 and "信访处理意见书" in r.content.decode()
    r = admin.get("/documents/templates/handling_opinion/")
    assert r.status_code == 200 and "{{复查机关}}" in r.content.decode()
    # refused with the placeholder named; nothing saved
    r = admin.post("/documents/templates/acceptance_notice/", {**GOOD, "body": "{{不存在}}"})
    assert r.status_code == 200 and "未知的占位符 {{不存在}}" in r.content.decode()
    assert DocumentTemplate.objects.filter(doc_type="acceptance_notice").count() == 1
    # preview (HTML and a sample PDF) with sample data, nothing stored
    r = admin.post("/documents/templates/acceptance_notice/preview/", GOOD)
    assert r.status_code == 200 and "张三：你反映的小区物业违规收费问题已于2026年9月14日受理，60日内办结。" in r.content.decode()
    r = admin.post("/documents/templates/acceptance_notice/preview/?format=pdf", GOOD)
    assert r["Content-Type"] == "application/pdf"
    text = "".join(PdfReader(io.BytesIO(r.content)).pages[0].extract_text().split())
    assert "张三：你反映的小区物业违规收费问题" in text
    r = admin.post("/documents/templates/acceptance_notice/preview/", {**GOOD, "body": "{{x}}"})
    assert r.status_code == 400 and "未知的占位符 {{x}}" in r.content.decode()
    # save → version 2 active; re-activate version 1
    r = admin.post("/documents/templates/acceptance_notice/", {**GOOD, "change_note": "简化"})
    assert r.status_code == 302
    v2 = DocumentTemplate.objects.get(doc_type="acceptance_notice", active=True)
    assert v2.version == 2 and v2.created_by == county.users["admin"]
    v1 = DocumentTemplate.objects.get(doc_type="acceptance_notice", version=1)
    r = admin.post(f"/documents/templates/v/{v1.pk}/activate/")
    assert r.status_code == 302
    assert DocumentTemplate.objects.get(doc_type="acceptance_notice", active=True).version == 1


@pytest.mark.parametrize("username, code", [("officer", 200), ("handler", 200), ("nobody", 403)])
def test_template_pages_permission_matrix(county, username, code):
    c = _client(county, username)
    assert c.get("/documents/templates/acceptance_notice/").status_code == code
    r = c.post("/documents/templates/acceptance_notice/", GOOD)
    assert DocumentTemplate.objects.filter(doc_type="acceptance_notice").count() == 1  # nobody but admin/leader saves
    if code == 200:
        assert r.status_code == 302
    assert c.post(f"/documents/templates/v/{DocumentTemplate.objects.first().pk}/activate/").status_code == 403


def test_template_pages_need_login(county):
    assert Client().get("/documents/templates/").status_code == 302
    assert Client().get("/documents/templates/nonsense/").status_code == 302
    assert _client(county, "admin").get("/documents/templates/nonsense/").status_code == 404
