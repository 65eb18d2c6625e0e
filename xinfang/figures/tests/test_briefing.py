"""The 简报 page: the briefing of a period on screen (as the paper would read), printable, saved
as a draft and issued as the numbered 简 document (DOCX and PDF)."""

import datetime as dt

import pytest
from django.test import Client

from xinfang.documents.models import IssuedDocument
from xinfang.documents.rendering import ensure_rendered
from xinfang.figures import reports
from xinfang.figures.models import Report, ReportKind, ReportState

OCT = "from=2026-10-01&to=2026-10-31"


def login(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


@pytest.mark.parametrize("username, code", [("officer", 200), ("bleader", 200), ("cleader", 200), ("auditor", 200),
                                            ("handler", 403), ("nobody", 403)])
def test_who_reads_the_briefing(county, username, code):
    assert login(county, username).get("/figures/briefing/").status_code == code


def test_the_briefing_reads_like_the_paper(county, october, django_assert_max_num_queries):
    c = login(county, "cleader")
    with django_assert_max_num_queries(80):  # bounded by months and tables, not by rows
        r = c.get(f"/figures/briefing/?{OCT}")
    html = r.content.decode()
    assert r.status_code == 200
    assert "信访工作简报（2026年10月）" in html
    assert "2026年10月，全县共收到信访件6件" in html  # the text the paper carries (fixture: 6 petitions)
    assert "表1 信访总量（按信访形式）" in html and 'id="brief-chart-1"' in html and 'id="brief-data"' in html
    assert "<script>" not in html.replace('<script type="application/json"', "")  # CSP: data only, no inline code
    assert 'data-print' in html and 'data-testid="briefing-save"' not in html  # a county leader reads, not writes


def test_default_period_is_the_last_month(county):
    r = login(county, "officer").get("/figures/briefing/")
    assert r.context["period"].date_from.isoformat() == "2026-10-01" and r.context["period"].date_to.isoformat() == "2026-10-31"


def test_bad_period_is_a_400_with_a_chinese_message(county):
    c = login(county, "officer")
    r = c.get("/figures/briefing/?from=2026-10-31&to=2026-10-01")
    assert r.status_code == 400 and "开始日期" in r.content.decode()
    assert c.get("/figures/briefing/?from=2026-13-01&to=2026-10-01").status_code == 400
    assert c.post("/figures/briefing/", {"from": "2026-12-01", "to": "2026-12-31"}).status_code == 400  # the future


@pytest.mark.with_documents
def test_saved_as_draft_edited_and_issued_as_the_numbered_paper(county, october):
    c = login(county, "officer")
    r = c.post("/figures/briefing/", {"from": "2026-10-01", "to": "2026-10-31"})
    report = Report.objects.get(kind=ReportKind.BRIEFING)
    assert r.status_code == 302 and r["Location"] == f"/figures/reports/{report.pk}/"
    assert report.state == ReportState.DRAFT and report.title == "信访工作简报（2026年10月）"
    reports.update_report(actor=county.users["officer"], pk=report.pk, body=report.body + "\n本期编辑：信访局办公室。")
    issued = reports.issue_report(actor=county.users["officer"], pk=report.pk)
    doc = ensure_rendered(IssuedDocument.objects.defer(None).get(pk=issued.document_id))
    assert doc.doc_type == "briefing" and "简" in doc.doc_number and doc.pdf_data and doc.docx_data
    assert "本期编辑：信访局办公室。" in doc.rendered_text
    page = c.get(f"/figures/briefing/?{OCT}").content.decode()
    assert f"/documents/d/{doc.pk}/" in page, page[page.find("briefing-issued"):][:1500]
    assert doc.doc_number in page
    assert login(county, "cleader").post("/figures/briefing/", {"from": "2026-10-01", "to": "2026-10-31"}).status_code == 403


def test_the_benchmark_cases_run(county, october):
    """``figures.bench.cases`` (run at one million matters by the benchmark runner) works here too."""
    from xinfang.figures.bench import cases

    found = cases(county.users["officer"], dt.date(2026, 11, 22))
    for label in ("briefing_last_month", "assessment_scores_year", "volume_by_category_year", "alerts_today"):
        out = found[label]()
        assert getattr(out, "status_code", 200) == 200, label
