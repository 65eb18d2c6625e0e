"""督办单, 通报 and 建议书: issued with the record in one transaction, numbered, printable, reachable.

Each paper is checked in the text of its PDF (pypdf) and its DOCX (python-docx); numbering, the
record's 文号, the download permissions, and the refusal of the act when generation fails.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from xinfang.documents import services as doc_services
from xinfang.documents.context import day_text
from xinfang.documents.models import IssuedDocument
from xinfang.documents.rendering import ensure_rendered
from xinfang.documents.services import DocumentGenerationFailed
from xinfang.documents.tests.helpers import docx_text, flat, pdf_text
from xinfang.matters.models import Counter, Deadline
from xinfang.supervision.choices import RecordKind, RecordState
from xinfang.supervision.models import Recommendation, SupervisionRecord
from xinfang.supervision.services.recommendations import recommendation_create
from xinfang.supervision.services.records import record_create, record_escalate

from .helpers import accepted, do, new_matter, on, run_on

pytestmark = pytest.mark.django_db
OUT = Path(settings.BASE_DIR) / "test-artifacts" / "supervision"


def papers(source) -> list[IssuedDocument]:
    return list(IssuedDocument.objects.filter(source_type=source._meta.label, source_id=str(source.pk)).order_by("id"))


def the_paper(source) -> IssuedDocument:
    docs = papers(source)
    assert len(docs) == 1, docs
    return IssuedDocument.objects.defer(None).get(pk=docs[0].pk)


def assert_in_both(doc: IssuedDocument, *needles: str) -> None:
    pdf, docx = pdf_text(doc), docx_text(doc)
    for needle in needles:
        assert flat(needle) in pdf, f"PDF of {doc.doc_number} lacks {needle!r}"
        assert flat(needle) in docx, f"DOCX of {doc.doc_number} lacks {needle!r}"


def forwarded(c, received="2026-09-10", forward="2026-09-11", unit="T01", **kw):
    m = new_matter(c, received, **kw)
    return do(c, "officer", m, "forward", forward, unit=unit)


def order(c, matters, *, kind="order", user="officer", unit="T01", **data):
    numbers = ",".join(m.number for m in matters)
    payload = {"kind": kind, "method": "letter", "target_unit": unit, "title": "请尽快受理并告知信访人",
               "content": "立即书面告知信访人受理情况，并将办理结果报送县信访局。", "matters": numbers, **data}
    return record_create(actor=c.users[user], data=payload)


def recommend(c, matters=(), *, unit="D01", **data):
    payload = {"kind": "improve_policy", "title": "物业停车收费投诉集中", "recipient_unit": unit,
               "content": "建议制定物业停车服务收费指导标准，明确收费备案程序。",
               "matters": ",".join(m.number for m in matters), **data}
    return recommendation_create(actor=c.users["officer"], data=payload)


@pytest.fixture
def period(county):
    """September–October 2026: T01 accepted one matter on time and let one run over; T02 let one run over."""
    on_time = accepted(county, "2026-09-10", "2026-09-11", "2026-09-14")
    late = forwarded(county, title="村道硬化工程拖欠工资问题")
    other = forwarded(county, unit="T02", title="河西乡宅基地纠纷问题")
    return {"on_time": on_time, "late": late, "other": other}


def bulletin(c, unit="GOV", *, title="关于2026年9月至10月信访事项办理情况的通报", content=""):
    return record_create(actor=c.users["bleader"], data={
        "kind": "bulletin", "method": "letter", "target_unit": unit, "title": title, "content": content,
        "period_from": "2026-09-01", "period_to": "2026-10-31", "matters": ""})


# ---- 督办单 ----------------------------------------------------------------------------------


def test_supervision_order_is_issued_with_the_record(county):
    m = forwarded(county)
    with on("2026-10-09"):
        record = order(county, [m])
    doc = the_paper(record)
    assert doc.doc_type == "supervision_order" and doc.doc_number == "示信督〔2026〕1号"
    record.refresh_from_db()
    assert record.doc_number == doc.doc_number
    assert doc.source_type == "supervision.SupervisionRecord" and doc.source_id == str(record.pk)
    assert doc.issuing_unit == county.bureau and doc.recipient_unit == county.town and doc.matter is None
    assert doc.issued_by == county.users["officer"] and doc.issued_at == record.issued_at
    accept_due = Deadline.objects.get(matter=m, kind="accept").due
    assert_in_both(doc, "示范县信访局", "示信督〔2026〕1号", "信访事项督办单", "城关镇人民政府：",
                   f"存在以下情况：{m.number}“受理告知”期限已于{day_text(accept_due)}届满，尚未办理。",
                   f"督办事项：{m.number}“{m.title}”（已转送）",
                   "督办要求：立即书面告知信访人受理情况，并将办理结果报送县信访局。",
                   "《信访工作条例》第四十条", f"请于{day_text(record.response_due)}前将办理情况书面回复本机关",
                   "2026年10月9日")
    assert doc.verify()


def test_order_without_running_clocks_states_its_title(county):
    m = accepted(county, "2026-09-10", "2026-09-11", "2026-09-14")
    do(county, "handler", m, "reply", "2026-09-20", outcome="explain", opinion="已解释。", legal_basis="《物业管理条例》")
    with on("2026-10-09"):
        record = order(county, [m], title="督办单：答复内容与事实不符")
    assert_in_both(the_paper(record), "存在以下情况：答复内容与事实不符。")


def test_order_on_several_matters_lists_each_one(county):
    ms = [forwarded(county, title=f"物业问题{i}") for i in range(3)]
    with on("2026-10-09"):
        record = order(county, ms)
    doc = the_paper(record)
    assert_in_both(doc, "督办事项：共3件：", *[f"{i}．{m.number}“{m.title}”" for i, m in enumerate(sorted(ms, key=lambda x: x.number), 1)])


def test_listed_supervision_is_a_written_order_too(county):
    m = forwarded(county)
    with on("2026-10-09"):
        first = order(county, [m])
        listed = order(county, [m], kind="listed", user="bleader", content="限期十日内办结。")
    doc = the_paper(listed)
    assert doc.doc_type == "supervision_order" and doc.doc_number == "示信督〔2026〕2号"  # one 督 sequence
    assert the_paper(first).doc_number == "示信督〔2026〕1号"
    assert_in_both(doc, "本件为挂牌督办事项", "限期十日内办结。")


@pytest.mark.parametrize("kind, user", [("reminder", "officer"), ("urge", "officer"), ("talk", "bleader")])
def test_reminders_urges_and_talks_are_not_papers(county, kind, user):
    m = forwarded(county)
    with on("2026-10-09"):
        record = order(county, [m], kind=kind, user=user)
    assert papers(record) == [] and record.doc_number == ""


def test_escalation_to_an_order_issues_it(county):
    m = forwarded(county)
    with on("2026-10-09"):
        urge = order(county, [m], kind="urge")
        new = record_escalate(actor=county.users["officer"], record_id=urge.pk, reason="答复不实，未见受理告知。")
    assert new.kind == RecordKind.ORDER and papers(urge) == []
    doc = the_paper(new)
    assert new.doc_number == doc.doc_number == "示信督〔2026〕1号"
    assert_in_both(doc, f"（{urge.number}）", "依规升级为督办单", "督办要求：答复不实，未见受理告知。")


def test_the_engine_issues_the_papers_of_its_escalations(county):
    """An order not answered by its due day becomes 挂牌督办 overnight: issued by the bureau, no actor."""
    m = forwarded(county)
    with on("2026-10-09"):
        first = order(county, [m], response_due="2026-10-12")
    run_on("2026-10-13")
    listed = SupervisionRecord.objects.get(escalated_from=first)
    doc = the_paper(listed)
    assert listed.kind == RecordKind.LISTED and listed.doc_number == doc.doc_number == "示信督〔2026〕2号"
    assert doc.issuing_unit == county.bureau and doc.issued_by is None
    assert_in_both(doc, "本件为挂牌督办事项", f"（{first.number}）", "答复期限2026年10月12日已过")


def test_callback_that_finds_a_problem_issues_its_order(county):
    from xinfang.supervision.models import CallbackTask
    from xinfang.supervision.services.callbacks import callback_record

    m = accepted(county, "2026-09-10", "2026-09-11", "2026-09-14")
    do(county, "handler", m, "reply", "2026-09-20", outcome="explain", opinion="已解释。", legal_basis="《物业管理条例》")
    do(county, "registrar", m, "evaluate", "2026-09-22", target="unit", rating="dissatisfied", comment="问题没有解决")
    task = CallbackTask.objects.get(matter=m)
    with on("2026-09-25"):
        task = callback_record(actor=county.users["officer"], task_id=task.pk, data={
            "method": "phone", "reached": "true", "satisfied": "false", "problem_found": "true",
            "notes": "停车费仍未退还"})
    doc = the_paper(task.follow_up)
    assert task.follow_up.doc_number == doc.doc_number == "示信督〔2026〕1号"
    assert_in_both(doc, "存在以下情况：信访局回访发现办理中存在问题。", "督办要求：回访发现问题：停车费仍未退还")


def test_numbers_run_per_unit_and_year(county):
    m = forwarded(county)
    with on("2026-12-30"):
        numbers = [order(county, [m]).doc_number for _ in range(3)]
        rec = recommend(county)
    with on("2027-01-04"):
        numbers.append(order(county, [m]).doc_number)
        rec2 = recommend(county)
    assert numbers == ["示信督〔2026〕1号", "示信督〔2026〕2号", "示信督〔2026〕3号", "示信督〔2027〕1号"]
    assert (rec.doc_number, rec2.doc_number) == ("示信建〔2026〕1号", "示信建〔2027〕1号")
    # the same sequence as every other 督 paper of the bureau: issuing one by hand takes the next number
    with on("2027-01-04"):
        doc = doc_services.issue_document("supervision_order", issuing_unit=county.bureau, recipient="x", context={
            "被督办单位": "x", "督办事项": "x", "督办要求": "x", "督办依据": "x", "回复期限": "x"})
    assert doc.doc_number == "示信督〔2027〕2号"
    # another unit has its own sequence
    with on("2027-01-04"):
        town = doc_services.issue_document("supervision_order", issuing_unit=county.town, recipient="x", context={
            "被督办单位": "x", "督办事项": "x", "督办要求": "x", "督办依据": "x", "回复期限": "x"})
    assert town.doc_number == "城关督〔2027〕1号"


# ---- 通报 ------------------------------------------------------------------------------------


def test_bulletin_carries_the_figures_of_the_period(county, period):
    late_due = Deadline.objects.get(matter=period["late"], kind="accept").due
    with on("2026-11-02"):
        record = bulletin(county)
    doc = the_paper(record)
    assert doc.doc_type == "bulletin" and record.doc_number == doc.doc_number == "示信通〔2026〕1号"
    assert doc.recipient_unit == county.government and doc.issuing_unit == county.bureau
    assert_in_both(
        doc, "示信通〔2026〕1号", "关于2026年9月至10月信访事项办理的通报", "示范县人民政府：",
        "《信访工作条例》第三十八条、第四十条",
        "现将城关镇人民政府、河西乡人民政府2026年9月至10月信访事项办理的情况通报如下",
        "2026年9月1日至2026年10月31日，全县共有2个单位存在超期或办理不佳的情况：超期2项（其中至今未办理2项）",
        "全县及时受理率33.3%（1/3）",
        "城关镇人民政府：超期1项，不满意评价0件，回访发现问题0件；及时受理率50.0%（1/2）",
        f"超期事项：{period['late'].number}（受理告知期满{day_text(late_due)}，至今未办理）",
        "河西乡人民政府：超期1项", "及时受理率0.0%（0/1）", period["other"].number,
        "整改要求：请被通报单位对照通报的问题逐件查找原因",
    )


def test_bulletin_to_one_unit_covers_that_unit(county, period):
    with on("2026-11-02"):
        record = bulletin(county, "T01", title="信访事项超期未受理", content="十日内整改完毕，书面报告整改情况。")
    doc = the_paper(record)
    assert doc.recipient_unit == county.town
    assert_in_both(doc, "关于信访事项超期未受理的通报", "现将城关镇人民政府信访事项超期未受理的情况通报如下",
                   "2026年10月31日，城关镇人民政府存在超期或办理不佳的情况：超期1项（其中至今未办理1项）",
                   "城关镇人民政府及时受理率50.0%（1/2）", period["late"].number,
                   "整改要求：十日内整改完毕，书面报告整改情况。")
    assert "河西乡" not in pdf_text(doc) and period["other"].number not in docx_text(doc)


def test_bulletin_of_a_quiet_period_says_so(county):
    with on("2026-11-02"):
        record = bulletin(county)
    assert_in_both(the_paper(record), "全县未发现超期或办理不佳的信访事项")


# ---- 建议书 ----------------------------------------------------------------------------------


def test_recommendation_is_issued_with_its_paper(county, period):
    with on("2026-11-02"):
        rec = recommend(county, [period["late"], period["on_time"]], doc_number="手填文号〔2026〕9号")
    doc = the_paper(rec)
    rec.refresh_from_db()
    assert doc.doc_type == "recommendation" and rec.doc_number == doc.doc_number == "示信建〔2026〕1号"  # never typed in
    assert doc.source_type == "supervision.Recommendation" and doc.recipient_unit == county.department
    first, second = sorted([period["late"].number, period["on_time"].number])
    assert_in_both(doc, "示信建〔2026〕1号", "关于物业停车收费投诉集中的完善政策建议书", "示范县住房和城乡建设局：",
                   "本机关在信访工作中发现：物业停车收费投诉集中", "现提出完善政策的建议如下",
                   "建议制定物业停车服务收费指导标准，明确收费备案程序。", f"依据的信访事项：{first}、{second}。",
                   f"请你单位于{day_text(rec.feedback_due)}前将建议采纳情况书面反馈本机关", "示范县信访局")


def test_sanction_recommendation_names_its_subject(county):
    with on("2026-11-02"):
        rec = recommend(county, kind="sanction", title="关于某物业公司虚假承诺的建议", subject="某物业服务有限公司")
    assert_in_both(the_paper(rec), "关于某物业公司虚假承诺的处罚建议书", "涉及人员或单位：某物业服务有限公司")


# ---- generation failure refuses the act ------------------------------------------------------


@pytest.fixture
def break_renderer(monkeypatch):
    """Call it once the scenario is built: from then on composing a paper fails (files are rendered
    after commit and cannot fail the act; a template whose data is missing can)."""

    def fail(*args, **kwargs):
        raise KeyError("督办事项")

    return lambda: monkeypatch.setattr(doc_services, "compose", fail)


def test_failed_order_is_refused_and_nothing_is_kept(county, break_renderer):
    m = forwarded(county)
    break_renderer()
    with on("2026-10-09"), pytest.raises(DocumentGenerationFailed) as err:
        order(county, [m])
    assert "生成“督办单”失败" in err.value.message and "本次操作未执行" in err.value.message
    assert not SupervisionRecord.objects.exists() and not IssuedDocument.objects.filter(doc_type="supervision_order").exists()
    assert not Counter.objects.filter(key__in=["supervision", "doc:XFJ:示信督"]).exclude(value=0).exists()


def test_failed_bulletin_and_recommendation_are_refused(county, period, break_renderer):
    break_renderer()
    with on("2026-11-02"):
        with pytest.raises(DocumentGenerationFailed, match="生成“通报”失败"):
            bulletin(county)
        with pytest.raises(DocumentGenerationFailed, match="生成“建议书”失败"):
            recommend(county)
    assert not SupervisionRecord.objects.exists() and not Recommendation.objects.exists()
    assert not IssuedDocument.objects.filter(source_type__startswith="supervision.").exists()


def test_failed_paper_after_repair_takes_the_first_number(county, monkeypatch, break_renderer):
    m = forwarded(county)
    real = doc_services.compose
    break_renderer()
    with on("2026-10-09"), pytest.raises(DocumentGenerationFailed):
        order(county, [m])
    monkeypatch.setattr(doc_services, "compose", real)
    with on("2026-10-09"):
        record = order(county, [m])
    assert record.doc_number == "示信督〔2026〕1号" and record.number.endswith("-00001")  # gap-free


def test_issue_page_shows_the_refusal(county, break_renderer):
    m = forwarded(county)
    break_renderer()
    c = Client()
    c.force_login(county.users["officer"])
    with on("2026-10-09"):
        r = c.post("/supervision/records/new/", {"kind": "order", "method": "letter", "target_unit": "T01",
                                                 "title": "请尽快受理", "content": "立即受理。", "matters": m.number})
    assert r.status_code == 400 and "生成“督办单”失败" in r.content.decode()
    assert not SupervisionRecord.objects.exists()


def test_engine_goes_on_when_a_paper_fails(county, monkeypatch, break_renderer):
    """The failed escalation is rolled back and counted; the next run (renderer repaired) does it."""
    m = forwarded(county)
    with on("2026-10-09"):
        first = order(county, [m], response_due="2026-10-12")
    real = doc_services.compose
    break_renderer()
    result = run_on("2026-10-13")
    assert result.status == "finished" and result.counts.get("document_errors") == 1
    first.refresh_from_db()
    assert first.state == RecordState.OPEN and not SupervisionRecord.objects.filter(escalated_from=first).exists()
    monkeypatch.setattr(doc_services, "compose", real)
    assert run_on("2026-10-14").counts.get("records_escalated") == 1
    assert the_paper(SupervisionRecord.objects.get(escalated_from=first)).doc_number == "示信督〔2026〕2号"


# ---- reachable: detail pages and downloads ---------------------------------------------------


@pytest.fixture
def issued(county, period):
    with on("2026-11-02"):
        return {"order": order(county, [period["late"]]), "bulletin": bulletin(county, "T01"),
                "rec": recommend(county, [period["late"]], unit="T01")}


def client_for(county, username):
    c = Client()
    if username:
        c.force_login(county.users[username])
    return c


# recipient T01 and the county-wide readers may; another town or department: 404; no role: 403
DOWNLOAD_MATRIX = [("officer", 200), ("bleader", 200), ("auditor", 200), ("cleader", 200), ("handler", 200),
                   ("uleader", 200), ("handler2", 404), ("dhandler", 404), ("nobody", 403)]


@pytest.mark.parametrize("username, code", DOWNLOAD_MATRIX)
def test_download_permissions(county, issued, username, code):
    c = client_for(county, username)
    for source in issued.values():
        doc = the_paper(source)
        assert c.get(f"/documents/d/{doc.pk}/").status_code == code
        for fmt in ("pdf", "docx"):
            r = c.get(f"/documents/d/{doc.pk}/{fmt}/")
            assert r.status_code == code, (source, fmt)
            if code == 200:
                stored = IssuedDocument.objects.defer(None).get(pk=doc.pk)  # rendered by the first visit
                assert r.content == bytes(getattr(stored, f"{fmt}_data"))


def test_papers_never_reach_the_portal_or_the_matter_api(county, issued, api):
    doc = the_paper(issued["order"])
    assert Client().get(f"/documents/public/{doc.pk}/pdf/").status_code == 404
    number = issued["order"].matters.first().number
    assert api("officer").get(f"/api/v1/matters/{number}/documents/{doc.pk}/pdf/").status_code == 404


@pytest.mark.parametrize("username", ["officer", "handler"])
def test_detail_pages_show_the_number_and_the_downloads(county, issued, username):
    c = client_for(county, username)
    for source, url in ((issued["order"], f"/supervision/records/{issued['order'].pk}/"),
                        (issued["bulletin"], f"/supervision/records/{issued['bulletin'].pk}/"),
                        (issued["rec"], f"/supervision/recommendations/{issued['rec'].pk}/")):
        doc = the_paper(source)
        body = c.get(url).content.decode()
        assert doc.doc_number in body
        assert f"/documents/d/{doc.pk}/pdf/" in body and f"/documents/d/{doc.pk}/docx/" in body
        # and the document page links back to its record
        back = c.get(f"/documents/d/{doc.pk}/").content.decode()
        assert url in back


def test_other_units_do_not_see_the_record_or_its_paper(county, issued):
    c = client_for(county, "handler2")
    assert c.get(f"/supervision/records/{issued['order'].pk}/").status_code == 404
    assert c.get(f"/supervision/recommendations/{issued['rec'].pk}/").status_code == 404
    body = c.get("/documents/").content.decode()
    for source in issued.values():
        assert source.doc_number not in body


def test_record_detail_query_count(county, issued, django_assert_max_num_queries):
    c = client_for(county, "officer")
    c.get(f"/supervision/records/{issued['order'].pk}/")
    with django_assert_max_num_queries(25):
        assert c.get(f"/supervision/records/{issued['order'].pk}/").status_code == 200


# ---- for people to look at -------------------------------------------------------------------


def test_render_papers_to_artifacts(county, issued):
    """test-artifacts/supervision/: the three papers as PDF, DOCX and (with poppler) PNG."""
    OUT.mkdir(parents=True, exist_ok=True)
    with on("2026-11-02"):
        county_wide = bulletin(county)
    for name, source in (("doc-supervision-order", issued["order"]), ("doc-bulletin", county_wide),
                         ("doc-recommendation", issued["rec"])):
        doc = the_paper(source)
        doc = ensure_rendered(doc)
        (OUT / f"{name}.pdf").write_bytes(bytes(doc.pdf_data))
        (OUT / f"{name}.docx").write_bytes(bytes(doc.docx_data))
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(OUT / f"{name}.pdf"), str(OUT / name)], check=True)
        assert (OUT / f"{name}.pdf").stat().st_size > 10_000
