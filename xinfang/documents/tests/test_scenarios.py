"""Every document type, generated from scenario matters built through the services; the text of
the PDF (pypdf) and the DOCX (python-docx) states the fields, the legal basis and the deadlines."""

from __future__ import annotations

import time_machine

from xinfang.documents.models import IssuedDocument
from xinfang.documents.services import issue_document
from xinfang.matters.services.numbering import format_query_code
from xinfang.matters.services.registration import add_petition
from xinfang.testing.factories import act, at, petition_data, register

from .helpers import doc_of, docx_text, flat, full_lifecycle, pdf_text


def both(doc) -> list[str]:
    return [pdf_text(doc), docx_text(doc)]


def assert_in_both(doc, *needles):
    for text in both(doc):
        for needle in needles:
            assert flat(needle) in text, f"{doc.doc_type}: {needle!r} missing"


def test_full_lifecycle_documents(county):
    matter = full_lifecycle(county)
    with time_machine.travel(at("2026-12-20", 10), tick=False):
        act(county, "officer", matter, "recheck_decide", outcome="uphold", opinion="复查意见正确，予以维持。")
    petition = matter.petitions.get()

    receipt = doc_of(matter, "registration_receipt")
    assert receipt.issuing_unit == county.bureau and receipt.doc_number == "示信登〔2026〕1号"
    assert receipt.event.action == "register"
    assert_in_both(receipt, "示范县信访局", "信访事项登记回执", "张三：", petition.number, format_query_code(petition.query_code),
                   matter.number, "2026年9月10日", "《信访工作条例》第二十二条")

    letter = doc_of(matter, "forwarding_letter")
    assert letter.recipient_unit == county.town and letter.doc_number == "示信转〔2026〕1号"
    assert_in_both(letter, "城关镇人民政府：", "15日内", "2026年9月28日前", "5个工作日内", "第二十三条第三款",
                   "张三（联系电话：13812345678", "违规收取停车费")

    notice = doc_of(matter, "acceptance_notice")
    assert notice.issuing_unit == county.town and notice.doc_number.startswith("城关受〔2026〕")
    assert_in_both(notice, "城关镇人民政府", "受理日期为2026年9月14日", "60日内", "2026年11月13日前", "第三十四条",
                   "2026年9月14日")

    ext = doc_of(matter, "extension_notice")
    assert_in_both(ext, "延长20日", "需要调取物业公司近三年收费账目", "2026年11月13日届满", "2026年12月3日届满", "第三十四条")

    opinion = doc_of(matter, "handling_opinion")
    assert_in_both(opinion, "信访处理意见书", "责令其于30日内退还多收费用", "《物业管理条例》第四十一条", "支持",
                   "自收到本意见书之日起30日内，向示范县人民政府书面请求复查", "第三十二条", "第三十五条")
    assert opinion.context["复查机关"] == "示范县人民政府"

    review = doc_of(matter, "review_opinion")
    assert review.issuing_unit == county.government and review.doc_number.startswith("示政复查〔2026〕")
    assert_in_both(review, "示范县人民政府", "复查意见书", "2026年11月25日", "予以维持", "维持",
                   "30日内，向示范市人民政府书面请求复核", "第三十六条")

    recheck = doc_of(matter, "recheck_opinion")
    assert recheck.issuing_unit == county.city_government
    assert_in_both(recheck, "示范市人民政府", "复核意见书", "最终处理意见", "不再受理", "同一事实和理由", "2026年12月15日")

    # delivery of the opinions is the core ``deliver`` act, recorded on the document
    assert [(d.method, d.outcome) for d in opinion.deliveries.all()] == [("in_person", "signed")]
    assert [(d.method, d.outcome) for d in review.deliveries.all()] == [("mail", "signed")]
    assert opinion.deliveries.get().event.action == "deliver"

    # 不再受理: a repeat petition on a matter closed by 复核
    with time_machine.travel(at("2026-12-28", 10), tick=False):
        add_petition(actor=county.users["registrar"], matter=matter, data=petition_data(county, received_at=at("2026-12-28", 9)))
    refused = doc_of(matter, "no_further_acceptance_notice")
    assert_in_both(refused, "不再受理告知书", "第三十六条第三款", "不再受理")
    # every document is tied to the event that produced it, numbered per unit
    assert IssuedDocument.objects.filter(matter=matter, event__isnull=True).count() == 0


def test_non_acceptance_notice(county):
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", matter, "decline", reason="same_matter_in_progress", note="该事项正由城关镇人民政府办理（事项XF2026-000001）。")
    doc = doc_of(matter, "non_acceptance_notice")
    assert doc.issuing_unit == county.bureau
    assert_in_both(doc, "不予受理告知书", "同一事项已受理或正在办理", "正由城关镇人民政府办理", "《信访工作条例》第十九条", "不予受理")


def test_decline_after_recheck_is_no_further_acceptance(county):
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", matter, "decline", reason="same_facts_after_recheck", note="已经复核终结。")
    assert doc_of(matter, "non_acceptance_notice") is None
    assert_in_both(doc_of(matter, "no_further_acceptance_notice"), "不再受理告知书", "已经复核终结", "第三十六条")


def test_assignment_sheet_and_completion_report(county):
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8)).matter
    with time_machine.travel(at("2026-09-11", 10), tick=False):
        act(county, "officer", matter, "assign", unit="D01", co_units=["T01"], report_due="2026-11-30")
    with time_machine.travel(at("2026-09-12", 10), tick=False):
        act(county, "dhandler", matter, "accept")
    with time_machine.travel(at("2026-10-12", 10), tick=False):
        act(county, "dhandler", matter, "reply", outcome="explain", opinion="停车费标准已经备案，向信访人作出解释说明。",
            legal_basis="《物业管理条例》第四十一条", report="经实地调查，物业公司收费标准已于2025年备案；已当面解释。")
    sheet = doc_of(matter, "assignment_sheet")
    assert sheet.recipient_unit == county.department
    assert_in_both(sheet, "信访事项交办单", "示范县住房和城乡建设局：", "协办单位：城关镇人民政府", "2026年11月30日前",
                   "办结报告", "第二十二条第一款第三项")
    report = doc_of(matter, "completion_report")
    assert report.recipient_unit == county.bureau and report.issuing_unit == county.department
    assert report.event == doc_of(matter, "handling_opinion").event  # one act, two documents
    assert_in_both(report, "办结报告", "示范县信访局：", "2026年9月11日交办", "物业公司收费标准已于2025年备案", "解释说明")
    # the review body of a county department is the county government
    assert_in_both(doc_of(matter, "handling_opinion"), "向示范县人民政府书面请求复查")


def test_direct_registration_by_a_unit_issues_its_own_receipt(county):
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, user=county.users["handler"], received_at=at("2026-09-10", 8)).matter
        act(county, "handler", matter, "accept")
    receipt = doc_of(matter, "registration_receipt")
    assert receipt.issuing_unit == county.town and receipt.doc_number == "城关登〔2026〕1号"
    assert doc_of(matter, "acceptance_notice").issuing_unit == county.town


def test_supervision_papers_from_plain_contexts(county):
    """督办单, 通报, 三项建议书: built by the supervision app through ``issue_document``."""
    with time_machine.travel(at("2026-10-09", 10), tick=False):
        order = issue_document("supervision_order", issuing_unit=county.bureau, recipient="城关镇人民政府",
                               recipient_unit=county.town, context={
                                   "被督办单位": "城关镇人民政府", "督办事项": "XF2026-000001 小区物业违规收费问题",
                                   "督办要求": "立即书面告知信访人受理情况。", "督办依据": "受理告知期限已于2026年9月28日届满。",
                                   "回复期限": "2026年10月16日"})
        bulletin = issue_document("bulletin", issuing_unit=county.bureau, recipient="各乡镇人民政府、县直各部门", context={
            "通报对象": "城关镇人民政府", "通报事由": "信访事项超期未受理", "通报内容": "9月共有3件信访事项超期未告知。",
            "整改要求": "10日内整改完毕。"})
        advice = issue_document("recommendation", issuing_unit=county.bureau, recipient="示范县住房和城乡建设局",
                                recipient_unit=county.department, context={
                                    "建议对象": "示范县住房和城乡建设局", "建议类型": "完善政策", "建议事由": "物业停车收费投诉集中",
                                    "建议内容": "建议制定物业停车服务收费指导标准。", "反馈期限": "2026年11月9日"})
    assert_in_both(order, "信访事项督办单", "城关镇人民政府：", "第四十条", "2026年10月16日前", "受理告知期限已于2026年9月28日届满")
    assert_in_both(bulletin, "关于信访事项超期未受理的通报", "第三十八条", "10日内整改完毕")
    assert_in_both(advice, "完善政策建议书", "物业停车收费投诉集中", "第四十条第四款", "2026年11月9日前")
    assert [order.doc_number, bulletin.doc_number, advice.doc_number] == ["示信督〔2026〕1号", "示信通〔2026〕1号", "示信建〔2026〕1号"]
    assert order.matter is None and order.event is None


def test_review_ordering_the_case_redone_states_no_recheck_right(county):
    """复查 with 责令重新办理: the case goes back to the unit, which will issue a new opinion
    (with its own 复查 right); the review opinion must not offer 复核."""
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", matter, "forward", unit="T01")
        act(county, "handler", matter, "accept")
        act(county, "handler", matter, "reply", outcome="not_support", opinion="不予支持。", legal_basis="《物业管理条例》")
        act(county, "handler", matter, "deliver", method="in_person", signed=True)
    with time_machine.travel(at("2026-09-15", 9), tick=False):
        act(county, "officer", matter, "request_review", reason="事实不清")
    with time_machine.travel(at("2026-09-20", 9), tick=False):
        act(county, "officer", matter, "review_decide", outcome="redo", opinion="原处理意见认定事实不清。", redo_days=45)
    review = doc_of(matter, "review_opinion")
    assert_in_both(review, "责令重新办理", "本机关责令城关镇人民政府自收到本意见书之日起45日内重新办理")
    for text in both(review):
        assert "请求复核" not in text and "示范市人民政府" not in text
    assert review.context["复核机关"] is None
