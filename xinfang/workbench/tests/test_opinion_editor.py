"""Writing the opinion (issue 15 item 7): the full-width editor, its aids and the preview of the
意见书 from the unsaved form; the act itself still goes through the one act URL."""

from __future__ import annotations

import pytest

from xinfang.documents.models import IssuedDocument, LegalBasis, OpinionPhrase, OpinionTemplate
from xinfang.testing.factories import act

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(county, forwarded):
    return act(county, "handler", forwarded, "accept")


def test_editor_offers_phrases_category_templates_and_bases(county, web, accepted):
    OpinionTemplate.objects.create(name="本分类专用", category_code=county.category.code[:2] + "0000", action="reply",
                                   body="{{信访人}}反映的“{{信访事项标题}}”……", legal_basis="《物业管理条例》第四十一条")
    OpinionTemplate.objects.create(name="别的分类", category_code="990000", body="不应出现")
    OpinionTemplate.objects.create(name="只用于复核", action="recheck_decide", body="不应出现")
    r = web("handler").get(f"/matters/{accepted.number}/write/reply/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "撰写信访处理意见书" in html and 'data-opinion-editor' in html
    assert "本分类专用" in html and f"张三反映的“{accepted.title}”" in html  # filled from the matter
    assert "别的分类" not in html and "只用于复核" not in html
    assert html.index("本分类专用") < html.index("通用：支持")  # the category's own template first
    assert OpinionPhrase.objects.filter(active=True).first().text in html  # seeded stock phrases
    assert LegalBasis.objects.get(title="《信访工作条例》第三十二条").title in html
    assert "workbench/opinion.js" in html and "<script>" not in html  # strict CSP: no inline script
    page = web("handler").get(f"/matters/{accepted.number}/").content.decode()
    assert f"/matters/{accepted.number}/write/reply/" in page  # linked from the action panel


def test_editor_refused_when_the_act_is_not_allowed(county, web, accepted, forwarded):
    assert web("handler2").get(f"/matters/{accepted.number}/write/reply/").status_code == 404  # other town
    assert web("handler").get(f"/matters/{accepted.number}/write/review_decide/").status_code == 404  # wrong state
    assert web("handler").get(f"/matters/{accepted.number}/write/forward/").status_code == 404  # not an opinion
    assert web("officer").post(f"/matters/{accepted.number}/write/reply/preview/", {}).status_code == 404


@pytest.mark.with_documents
def test_preview_is_the_document_from_the_unsaved_form_and_issues_nothing(county, web, accepted):
    before = IssuedDocument.objects.count()
    data = {"reply-outcome": "support", "reply-opinion": "责令物业公司退还多收的停车费。",
            "reply-legal_basis": "《物业管理条例》第四十一条"}
    r = web("handler").post(f"/matters/{accepted.number}/write/reply/preview/", data, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "信访处理意见书" in html and "责令物业公司退还多收的停车费。" in html
    assert "处理结果：支持" in html and "《物业管理条例》第四十一条" in html and "（预览，出具时编号）" in html
    assert "城关镇人民政府" in html and "示范县人民政府" in html  # issuing unit; the 复查 body named in the wording
    empty = web("handler").post(f"/matters/{accepted.number}/write/reply/preview/", {}).content.decode()
    assert "〔未选择〕" in empty and "〔尚未填写〕" in empty  # nothing typed yet: still a preview, never a 500
    pdf = web("handler").post(f"/matters/{accepted.number}/write/reply/preview/?format=pdf", data)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert IssuedDocument.objects.count() == before  # nothing numbered, nothing stored


def test_failed_issue_from_the_editor_returns_to_the_editor(county, web, accepted):
    r = web("handler").post(f"/matters/{accepted.number}/act/reply/",
                            {"editor": "1", "reply-expected_version": accepted.version, "reply-opinion": "只写了意见"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "data-opinion-editor" in html and "只写了意见" in html  # the text typed is kept


def test_template_validation_names_the_placeholder():
    from django.core.exceptions import ValidationError

    t = OpinionTemplate(name="x", body="{{复查机关}}认为", category_code="08")
    with pytest.raises(ValidationError) as exc:
        t.full_clean()
    assert "category_code" in exc.value.message_dict and "{{复查机关}}" in exc.value.message_dict["body"][0]
