"""Reports: drafts written from the figures, edited, issued as numbered DOCX/PDF, then immutable."""

import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from xinfang.core.errors import InvalidInput, NotAllowed, StateConflict
from xinfang.documents.rendering import ensure_rendered
from xinfang.figures import reports
from xinfang.figures.models import Report, ReportKind
from xinfang.workdays.models import load_calendar

OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_monthly_draft_edit_issue(county, october):
    officer = county.users["officer"]
    report = reports.create_report(actor=officer, kind="monthly", date_from=OCT[0], date_to=OCT[1])
    assert report.title == "关于2026年10月全县信访形势的通报"
    first = report.body.splitlines()[0]
    assert "全县共收到信访件6件" in first and "来访3批14人次" in first and "集体访2批12人次" in first
    assert "[[表1]]" in report.body
    reports.update_report(actor=officer, pk=report.pk, body=report.body + "\n请各单位高度重视。")
    with pytest.raises(InvalidInput):
        reports.update_report(actor=officer, pk=report.pk, body="  ")
    report = reports.issue_report(actor=officer, pk=report.pk)
    doc = ensure_rendered(report.document)
    assert doc.doc_type == "situation_report" and doc.doc_number.endswith("〔2026〕1号") and "情" in doc.doc_number
    assert doc.source_type == "figures.Report" and doc.source_id == str(report.pk)
    assert "表1 信访总量（按信访形式）" in doc.rendered_text and "请各单位高度重视。" in doc.rendered_text
    text = pdf_text(bytes(doc.pdf_data))
    assert "表1 信访总量（按信访形式）" in text and "来访" in text
    word = Document(io.BytesIO(bytes(doc.docx_data)))
    assert len(word.tables) == 3
    assert [c.text for c in word.tables[0].rows[0].cells] == ["信访形式", "信访件", "信访事项", "批次", "人次"]
    assert [c.text for c in word.tables[0].rows[-1].cells] == ["合计", "6", "4", "6", "17"]
    assert len(word.inline_shapes) == 1  # the monthly chart
    with pytest.raises(StateConflict):
        reports.update_report(actor=officer, pk=report.pk, title="改")
    with pytest.raises(StateConflict):
        reports.issue_report(actor=officer, pk=report.pk)


def test_every_report_type_renders_to_artifacts(county, october):
    """PDF and DOCX of the four report types next to the other documents (test-artifacts/documents)."""
    from pathlib import Path

    from django.conf import settings

    from xinfang.figures import assessment, assessment_papers

    officer = county.users["officer"]
    docs = [reports.issue_report(actor=officer, pk=reports.create_report(
        actor=officer, kind=kind, date_from=OCT[0], date_to=OCT[1]).pk).document for kind in ("monthly", "briefing")]
    docs.append(reports.issue_annual(actor=officer, year=2026).document)
    scheme = assessment.create_scheme(actor=officer, data={"year": 2026, "indicators": [
        {"code": "a", "label": "及时受理率", "weight": 100, "measure": "timely_acceptance"}]})
    assessment.publish_scheme(actor=officer, pk=scheme.pk)
    docs.append(assessment_papers.issue_notice(actor=officer, pk=scheme.pk))
    out = Path(settings.BASE_DIR) / "test-artifacts" / "documents"
    out.mkdir(parents=True, exist_ok=True)
    for doc in [ensure_rendered(d) for d in docs]:
        (out / f"{doc.doc_type}.pdf").write_bytes(bytes(doc.pdf_data))
        (out / f"{doc.doc_type}.docx").write_bytes(bytes(doc.docx_data))
        assert doc.verify() and pdf_text(bytes(doc.pdf_data))
        if doc.doc_type == "assessment_notice":
            assert "表1 2026年度信访工作考核得分" in doc.rendered_text
    assert {d.doc_type for d in docs} == {"situation_report", "briefing", "annual_report", "assessment_notice"}


def test_unknown_block_mark_is_refused(county, october):
    officer = county.users["officer"]
    report = reports.create_report(actor=officer, kind="briefing", date_from=OCT[0], date_to=OCT[1])
    reports.update_report(actor=officer, pk=report.pk, body="正文。\n[[表9]]")
    with pytest.raises(InvalidInput) as exc:
        reports.issue_report(actor=officer, pk=report.pk)
    assert "[[表9]]" in exc.value.message


def test_annual_report_has_the_figures_of_article_41(county, october):
    report = reports.issue_annual(actor=county.users["bleader"], year=2026, work="全年开展领导接访12次。")
    doc = ensure_rendered(report.document)
    assert doc.doc_type == "annual_report" and report.title == "关于示范县2026年度信访工作情况的报告"
    text = doc.rendered_text
    for heading in ("一、信访事项的数据统计", "二、信访事项涉及的领域以及被投诉较多的机关、单位",
                    "三、转送、交办、督办情况", "四、提出改进工作、完善政策、追究责任建议及采纳情况", "五、本年度主要工作"):
        assert heading in text
    assert "全年开展领导接访12次。" in text and "表6 提出建议及采纳情况" in text
    assert doc.recipient == "中共示范县委、示范县人民政府"
    assert len(PdfReader(io.BytesIO(bytes(doc.pdf_data))).pages) >= 3


@pytest.mark.parametrize("kwargs", [
    {"date_from": dt.date(2026, 11, 1), "date_to": dt.date(2026, 11, 30)},
    {"date_from": dt.date(2026, 10, 31), "date_to": dt.date(2026, 10, 1)},
])
def test_bad_report_periods(county, kwargs):
    with pytest.raises(InvalidInput):
        reports.create_report(actor=county.users["officer"], kind="monthly", **kwargs)


@pytest.mark.parametrize("username, reads, writes", [
    ("officer", True, True), ("bleader", True, True), ("registrar", True, False), ("cleader", True, False),
    ("handler", False, False), ("nobody", False, False),
])
def test_permission_matrix(county, username, reads, writes):
    report = reports.create_report(actor=county.users["officer"], kind="briefing", date_from=OCT[0], date_to=OCT[1])
    user = county.users[username]
    if reads:
        assert reports.access_report(user, report.pk) == report
    else:
        with pytest.raises(NotAllowed):
            reports.access_report(user, report.pk)
    if writes:
        reports.update_report(actor=user, pk=report.pk, title="新标题")
    else:
        with pytest.raises(NotAllowed):
            reports.update_report(actor=user, pk=report.pk, title="新标题")


def test_engine_prepares_the_monthly_draft_once(county, october):
    calendar = load_calendar()
    # 2026-11-02 (Monday) is November's first working day; 11-01 is a Sunday
    assert reports.prepare_monthly_draft(dt.date(2026, 11, 1), calendar) is None
    draft = reports.prepare_monthly_draft(dt.date(2026, 11, 2), calendar)
    assert draft.kind == ReportKind.MONTHLY and (draft.period_from, draft.period_to) == OCT and draft.is_draft
    assert draft.prepared_by_engine and draft.created_by is None
    assert "全县共收到信访件6件" in draft.body
    assert reports.prepare_monthly_draft(dt.date(2026, 11, 2), calendar) is None
    assert reports.prepare_monthly_draft(dt.date(2026, 11, 20), calendar) is None
    assert Report.objects.count() == 1


def test_the_daily_engine_runs_the_step(county, october):
    from xinfang.supervision import engine

    result = engine.run(dt.date(2026, 11, 22))
    assert result.counts.get("report_drafts") == 1
    assert engine.run(dt.date(2026, 11, 22)).counts.get("report_drafts") is None
