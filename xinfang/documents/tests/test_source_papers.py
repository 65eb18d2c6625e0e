"""Documents without a matter (``source_type`` papers: 督办单, 通报, 建议书): who may see and download
them, how they are found from their source record, and multi-line values in the body."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from xinfang.core.errors import NotVisible
from xinfang.documents import placeholders, selectors
from xinfang.documents.services import issue_document
from xinfang.org.models import User
from xinfang.testing.factories import at

from .helpers import docx_text, pdf_text

ORDER = {"被督办单位": "城关镇人民政府", "督办事项": "XF2026-000001 小区物业违规收费问题",
         "督办要求": "立即书面告知信访人受理情况。", "督办依据": "受理告知期限已届满。", "回复期限": "2026年10月16日"}
BULLETIN = {"通报对象": "各乡镇", "通报事由": "信访事项超期", "通报内容": "9月共3件超期。", "整改要求": "10日内整改。"}


def _user(username, unit, roles):
    user = User(username=username, full_name=username, unit=unit, roles=roles)
    user.set_password("pass-1234-word")
    user.save()
    return user


@pytest.fixture
def papers(county):
    with time_machine.travel(at("2026-10-09", 10), tick=False):
        to_town = issue_document("supervision_order", issuing_unit=county.bureau, recipient="城关镇人民政府",
                                 recipient_unit=county.town, source=county.town, context=ORDER)
        to_all = issue_document("bulletin", issuing_unit=county.bureau, recipient="各乡镇人民政府、县直各部门",
                                context=BULLETIN)  # no recipient unit
    return {"to_town": to_town, "to_all": to_all}


# user → may see the paper addressed to T01, the one addressed to no unit
SEES = [("officer", True, True), ("auditor", True, True), ("cleader", True, True), ("handler", True, False),
        ("uleader", True, False), ("handler2", False, False), ("dhandler", False, False), ("nobody", False, False)]


@pytest.mark.parametrize("username, town_paper, unaddressed", SEES)
def test_who_sees_a_paper_without_a_matter(county, papers, username, town_paper, unaddressed):
    user = county.users[username]
    for doc, expected in ((papers["to_town"], town_paper), (papers["to_all"], unaddressed)):
        assert selectors.may_see_unit_paper(user, doc) is expected
        if expected:
            assert selectors.document_for(user, doc.pk).pk == doc.pk
        else:
            with pytest.raises(NotVisible):
                selectors.document_for(user, doc.pk)


def test_a_user_without_a_unit_never_matches_an_unaddressed_paper(county, papers):
    """``None in (issuing_unit_id, None)`` was true: a unit role without a unit saw every paper
    addressed to no unit, on its page and in the documents list."""
    stray = _user("stray", None, ["unit_handler"])
    with pytest.raises(NotVisible):
        selectors.document_for(stray, papers["to_all"].pk)
    assert list(selectors.recent_documents(stray)) == []
    c = Client()
    c.force_login(stray)
    assert c.get(f"/documents/d/{papers['to_all'].pk}/pdf/").status_code == 404
    assert papers["to_all"].doc_number not in c.get("/documents/").content.decode()


def test_inactive_users_see_nothing(county, papers):
    officer = county.users["officer"]
    officer.is_active = False
    assert not selectors.may_see_unit_paper(officer, papers["to_town"])


@pytest.mark.parametrize("username, code", [("officer", 200), ("handler", 200), ("handler2", 404), ("dhandler", 404),
                                            ("nobody", 403)])
def test_download_of_a_paper_without_a_matter(county, papers, username, code):
    c = Client()
    c.force_login(county.users[username])
    doc = papers["to_town"]
    for fmt in ("pdf", "docx"):
        assert c.get(f"/documents/d/{doc.pk}/{fmt}/").status_code == code


def test_source_documents_and_link(county, papers):
    doc = papers["to_town"]
    assert doc.source_type == "org.Unit" and doc.source_id == str(county.town.pk)
    assert [d.pk for d in selectors.source_documents(county.users["handler"], county.town)] == [doc.pk]
    assert selectors.source_documents(county.users["handler2"], county.town) == []
    assert selectors.source_documents(county.users["officer"], county.other_town) == []
    assert selectors.source_link(doc) is None  # no workbench page for that source type
    doc.source_type = "supervision.SupervisionRecord"
    assert selectors.source_link(doc) == ("督办记录", f"/supervision/records/{county.town.pk}/")


def test_multi_line_values_become_paragraphs(county):
    values = {"通报对象": "各乡镇", "通报事由": "超期", "通报内容": "第一行。\n\n  第二行。\n", "整改要求": "整改。"}
    lines = placeholders.fill_lines("现将{{通报对象}}情况通报如下：\n{{通报内容}}\n整改要求：{{整改要求}}", values)
    assert lines == ["现将各乡镇情况通报如下：", "第一行。", "第二行。", "整改要求：整改。"]
    with time_machine.travel(at("2026-10-09", 10), tick=False):
        doc = issue_document("bulletin", issuing_unit=county.bureau, recipient="各乡镇", context={
            **BULLETIN, "通报内容": "1．城关镇人民政府：超期2项。\n2．河西乡人民政府：超期1项。"})
    assert "\n1．城关镇人民政府：超期2项。\n2．河西乡人民政府：超期1项。\n" in doc.rendered_text
    for text in (pdf_text(doc), docx_text(doc)):
        assert "1．城关镇人民政府：超期2项。2．河西乡人民政府：超期1项。" in text
