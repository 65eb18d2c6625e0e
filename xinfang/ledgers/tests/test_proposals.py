import datetime as dt

import pytest
import time_machine

from xinfang.core.errors import InvalidInput, NotAllowed, NotVisible, StateConflict
from xinfang.ledgers.models import LedgerPolicy
from xinfang.ledgers.selectors.ledgers import filter_proposals, proposal_figures
from xinfang.ledgers.services import proposals as svc

pytestmark = pytest.mark.django_db
DAY = dt.datetime(2026, 6, 15, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def create(county, **extra):
    data = {"kind": "npc", "number": "101", "session": "十八届三次", "title": "关于规范物业收费的建议",
            "proposer": "王代表", "received_on": "2026-03-31", "unit": "T01", "content": "建议加强监管。", **extra}
    return svc.proposal_create(actor=county.users["officer"], data=data)


@time_machine.travel(DAY, tick=False)
def test_due_from_settings_three_months_or_urgent(county):
    assert create(county).due == dt.date(2026, 6, 30)  # 3 months after 31 March: end of June
    assert create(county, number="102", urgent="true").due == dt.date(2026, 4, 30)
    LedgerPolicy.objects.create(version=1, proposal_months=2, proposal_urgent_days=15)
    assert create(county, number="103").due == dt.date(2026, 5, 31)
    assert create(county, number="104", due="2026-07-01").due == dt.date(2026, 7, 1)


@time_machine.travel(DAY, tick=False)
def test_bad_input(county):
    with pytest.raises(StateConflict, match="已登记"):
        create(county), create(county)
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        create(county, number="9", received_on="2026-07-01")
    with pytest.raises(InvalidInput, match="类别"):
        create(county, number="9", kind="senate")
    with pytest.raises(InvalidInput, match="NUL"):
        create(county, number="9", title="a\x00b")
    with pytest.raises(NotAllowed):
        svc.proposal_create(actor=county.users["handler"], data={})


@time_machine.travel(DAY, tick=False)
def test_reply_by_the_unit_then_feedback_by_the_bureau(county):
    p = create(county, co_units=["D01"])
    with pytest.raises(NotVisible):  # another town: 404
        svc.proposal_reply(actor=county.users["handler2"], pk=p.pk, data={"text": "答复"})
    with pytest.raises(NotAllowed):  # the co-handler sees it but does not reply
        svc.proposal_reply(actor=county.users["dhandler"], pk=p.pk, data={"text": "答复"})
    with pytest.raises(StateConflict, match="尚未答复"):
        svc.proposal_feedback(actor=county.users["officer"], pk=p.pk, data={"rating": "satisfied"})
    with pytest.raises(InvalidInput, match="不能早于交办日期"):
        svc.proposal_reply(actor=county.users["handler"], pk=p.pk, data={"text": "答复", "occurred_at": "2026-03-01"})
    p = svc.proposal_reply(actor=county.users["handler"], pk=p.pk, data={"text": "已答复代表", "occurred_at": "2026-06-01"})
    assert p.state == "replied"
    with pytest.raises(StateConflict, match="已答复"):
        svc.proposal_reply(actor=county.users["handler"], pk=p.pk, data={"text": "再答复"})
    with pytest.raises(NotAllowed):
        svc.proposal_feedback(actor=county.users["handler"], pk=p.pk, data={"rating": "satisfied"})
    p = svc.proposal_feedback(actor=county.users["officer"], pk=p.pk, data={"rating": "basically_satisfied"})
    assert p.state == "closed" and p.rating == "basically_satisfied"


@time_machine.travel(DAY, tick=False)
def test_figures_and_filters_match_a_hand_count(county):
    # Hand count for 2026: 4 received; 2 replied (1 on time, 1 late); 1 open and overdue; 1 open not yet due.
    a = create(county, number="1", received_on="2026-01-05")                      # due 04-05
    b = create(county, number="2", received_on="2026-01-10")                      # due 04-10
    create(county, number="3", received_on="2026-02-01")                          # due 05-01: overdue
    create(county, number="4", received_on="2026-06-01", unit="T02")              # due 09-01
    create(county, number="5", received_on="2025-12-01")                          # other year
    svc.proposal_reply(actor=county.users["handler"], pk=a.pk, data={"text": "按期", "occurred_at": "2026-04-01"})
    svc.proposal_reply(actor=county.users["handler"], pk=b.pk, data={"text": "逾期", "occurred_at": "2026-05-20"})
    svc.proposal_feedback(actor=county.users["officer"], pk=a.pk, data={"rating": "satisfied"})
    figures = proposal_figures(county.users["officer"], 2026)
    assert (figures["total"], figures["replied"], figures["on_time"], figures["overdue"], figures["satisfied"]) == (4, 2, 1, 1, 1)
    officer = county.users["officer"]
    assert [p.number for p in filter_proposals(officer, {"overdue": "true"})] == ["5", "3"]  # by due day
    assert {p.number for p in filter_proposals(county.users["handler2"], {})} == {"4"}
    with pytest.raises(InvalidInput):
        filter_proposals(officer, {"overdue": "maybe"})


def _client(user):
    from django.test import Client

    from xinfang.workbench.tests.conftest import BACKEND

    c = Client()
    c.force_login(user, backend=BACKEND)
    return c


@time_machine.travel(DAY, tick=False)
def test_reply_issues_a_numbered_reply_letter_with_an_optional_scan(county, settings, tmp_path):
    """The reply produces a 建议提案答复函 through the documents app (issued by the handling unit, to the
    deputy, copied to the co-handlers); the signed scan is a checked upload. The co-handling unit the letter
    is copied to opens it (page, list, PDF); a unit it is not addressed or copied to does not."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from rest_framework.test import APIClient

    from xinfang.documents.rendering import ensure_rendered
    from xinfang.documents.selectors import document_for, may_see_unit_paper, visible_documents
    from xinfang.workbench.tests.conftest import BACKEND

    settings.MEDIA_ROOT = tmp_path
    p = create(county, co_units=["D01"])
    with pytest.raises(InvalidInput):  # an upload that is not what it claims: nothing saved
        svc.proposal_reply(actor=county.users["handler"], pk=p.pk, data={"text": "答复"},
                           files=[SimpleUploadedFile("答复.pdf", b"MZ\x90\x00 not a pdf")])
    p.refresh_from_db()
    assert p.state == "open" and p.reply_document_id is None
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    p = svc.proposal_reply(actor=county.users["handler"], pk=p.pk, data={"text": "已会同有关部门研究，物业收费将纳入监管。"},
                           files=[SimpleUploadedFile("签发件.pdf", pdf)])
    doc = ensure_rendered(document_for(county.users["handler"], p.reply_document_id, full=True))
    assert doc.doc_type == "proposal_reply" and doc.issuing_unit == county.town and doc.matter_id is None
    assert doc.recipient == "王代表" and doc.source_type == "ledgers.Proposal" and doc.source_id == str(p.pk)
    assert "建复" in doc.doc_number and "物业收费将纳入监管" in doc.rendered_text and "第二十九条" in doc.rendered_text
    assert bytes(doc.pdf_data).startswith(b"%PDF") and bytes(doc.docx_data).startswith(b"PK")
    assert p.reply_file_name == "签发件.pdf" and p.reply_file_mime == "application/pdf"
    c = Client()
    c.force_login(county.users["handler"], backend=BACKEND)
    page = c.get(f"/ledgers/proposals/{p.pk}/").content.decode()
    assert doc.doc_number in page and f"/documents/d/{doc.pk}/pdf/" in page
    assert c.get(f"/ledgers/proposals/{p.pk}/reply/file/").status_code == 200
    assert list(doc.copy_units.all()) == [county.department]
    co = Client()
    co.force_login(county.users["dhandler"], backend=BACKEND)  # the co-handler: copied, so it opens the letter
    page = co.get(f"/ledgers/proposals/{p.pk}/").content.decode()
    assert f"/documents/d/{doc.pk}/pdf/" in page and "已生成（由主办单位出具）" not in page
    letter = co.get(f"/documents/d/{doc.pk}/").content.decode()
    assert doc.doc_number in letter and county.department.name in letter  # 抄送 names the co-handler
    assert co.get(f"/documents/d/{doc.pk}/pdf/").status_code == 200
    assert doc.doc_number in co.get("/documents/").content.decode()  # in its documents list, once
    assert list(visible_documents(county.users["dhandler"]).filter(pk=doc.pk)) == [doc]
    other = county.users["handler2"]  # another town: neither addressed nor copied
    assert not may_see_unit_paper(other, doc) and not visible_documents(other).filter(pk=doc.pk).exists()
    with pytest.raises(NotVisible):
        document_for(other, doc.pk)
    assert _client(other).get(f"/documents/d/{doc.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(county.users["officer"])
    reply = api.get(f"/api/v1/proposals/{p.pk}/").json()["reply"]
    assert reply["document"]["doc_number"] == doc.doc_number and reply["file"] is True
