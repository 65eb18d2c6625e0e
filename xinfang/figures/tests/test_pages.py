"""The figures pages: permission matrix, query counts, drill-down links, forms."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from xinfang.figures.models import AssessmentScheme, Report

OCT = "from=2026-10-01&to=2026-10-31"


def login(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


@pytest.mark.parametrize("username, staff, county_wide", [
    ("officer", 200, 200), ("bleader", 200, 200), ("cleader", 200, 200), ("auditor", 200, 200),
    ("handler", 200, 403), ("nobody", 403, 403),
])
def test_permission_matrix(county, username, staff, county_wide):
    c = login(county, username)
    assert c.get(f"/figures/?{OCT}").status_code == staff
    assert c.get(f"/figures/volume/?{OCT}&by=region").status_code == staff
    assert c.get(f"/figures/drill/?{OCT}&measure=petitions").status_code == staff
    assert c.get("/figures/assessments/").status_code == county_wide
    assert c.get("/figures/reports/").status_code == county_wide


def test_anonymous_is_sent_to_login(county):
    r = Client().get("/figures/")
    assert r.status_code == 302 and "login" in r["Location"]


def test_dashboard_shows_the_figures_and_links(county, october, django_assert_max_num_queries):
    c = login(county, "cleader")
    with django_assert_max_num_queries(60):  # bounded by the 12 months of the trend, not by rows
        r = c.get(f"/figures/?{OCT}")
    html = r.content.decode()
    assert 'data-testid="tile-petitions"' in html and "to=2026-10-31&measure=collective" in html
    assert r.context["headline"]["totals"]["persons"] == 17
    assert [x["label"] for x in r.context["heat"]["towns"]] == ["城关镇", "河西乡"]


def test_volume_page_and_drill(county, october):
    c = login(county, "officer")
    r = c.get(f"/figures/volume/?{OCT}&by=channel")
    assert "&measure=persons&by=channel&key=visit" in r.content.decode()
    r = c.get(f"/figures/drill/?{OCT}&measure=persons&by=channel&key=visit")
    assert r.context["page"].paginator.count == 3
    r = c.get(f"/figures/drill/?{OCT}&measure=petitions&category=020000&region=139999100000")
    assert r.context["page"].paginator.count == 1  # E
    r = c.get(f"/figures/drill/?{OCT}&measure=nonsense")
    assert r.status_code == 200 and r.context["measure"] == "petitions"


def test_bad_period_on_a_page_says_so(county):
    r = login(county, "officer").get("/figures/?from=2026-12-01&to=2026-12-31")
    assert r.status_code == 200
    assert "不能包含将来的日期" in r.content.decode()


def test_drill_query_count(county, october, django_assert_max_num_queries):
    c = login(county, "officer")
    with django_assert_max_num_queries(12):
        assert c.get(f"/figures/drill/?{OCT}&measure=petitions").status_code == 200


def test_assessment_pages(county, october):
    c = login(county, "officer")
    data = {"year": "2026", "name": "考核", "label_0": "及时受理率", "weight_0": "60", "measure_0": "timely_acceptance",
            "label_1": "人工", "weight_1": "40", "measure_1": "manual"}
    r = c.post("/figures/assessments/", data)
    scheme = AssessmentScheme.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/figures/assessments/{scheme.pk}/"
    r = c.post(f"/figures/assessments/{scheme.pk}/", {"action": "manual", "indicator": "k2", "unit": "T01",
                                                       "points": "30", "evidence": "台账"})
    assert r.status_code == 302
    assert c.post(f"/figures/assessments/{scheme.pk}/", {"action": "publish"}).status_code == 302
    assert c.post(f"/figures/assessments/{scheme.pk}/", {"action": "notice"}).status_code == 302
    scheme.refresh_from_db()
    assert scheme.notice_document.doc_type == "assessment_notice"
    r = c.get(f"/figures/assessments/{scheme.pk}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))  # a ReportSheet: title, unit and time, header, typed rows, autofilter
    scores, detail = wb["得分"], wb["明细"]
    assert "考核" in scores.cell(1, 1).value and "导出单位：" in scores.cell(2, 1).value
    assert scores.cell(3, 2).value == "单位" and scores.auto_filter.ref.startswith("A3:")
    rates = [row for row in detail.iter_rows(min_row=4) if row[4].value is not None]
    assert detail.cell(3, 5).value == "比率" and all(row[4].number_format == "0.0%" for row in rates)
    assert login(county, "cleader").post(f"/figures/assessments/{scheme.pk}/", {"action": "publish"}).status_code == 302
    r = c.post("/figures/assessments/", dict(data, weight_0="50"))
    assert "权重之和应为 100" in r.content.decode()
    assert login(county, "handler").get(f"/figures/assessments/{scheme.pk}/").status_code == 403


def test_report_pages(county, october):
    c = login(county, "officer")
    r = c.post("/figures/reports/", {"kind": "monthly", "from": "2026-10-01", "to": "2026-10-31"})
    report = Report.objects.get()
    assert r["Location"] == f"/figures/reports/{report.pk}/"
    preview = c.get(f"/figures/reports/{report.pk}/preview.pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    c.post(f"/figures/reports/{report.pk}/", {"action": "save", "title": "十月通报", "body": "正文。\n[[表1]]"})
    c.post(f"/figures/reports/{report.pk}/", {"action": "issue"})
    report.refresh_from_db()
    assert report.state == "issued" and report.title == "十月通报"
    assert "表1 信访总量（按信访形式）" in report.document.rendered_text
    r = c.get(f"/figures/reports/{report.pk}/")
    assert report.document.doc_number in r.content.decode()
    # a county leader reads but cannot write
    r = login(county, "cleader").post("/figures/reports/", {"kind": "monthly", "from": "2026-10-01", "to": "2026-10-31"})
    assert "只有信访局案件办理人员或局领导" in r.content.decode()
    assert login(county, "cleader").get(f"/documents/d/{report.document_id}/").status_code == 200
    assert login(county, "handler").get(f"/documents/d/{report.document_id}/").status_code == 404


def test_leaders_home_shows_all_the_figures_of_the_year(county, october, django_assert_max_num_queries):
    """Issue 13 §6: the home page of a county or bureau leader carries the 形势研判 of the year to date
    (the same figures as /figures/ for that period), the year's 三率, its assessment and the reports."""
    from django.utils import timezone

    today = timezone.localdate()
    scheme = AssessmentScheme.objects.create(year=today.year, name=f"{today.year}年度考核", created_by=county.users["officer"])
    Report.objects.create(kind="monthly", period_from="2026-10-01", period_to="2026-10-31", title="十月信访形势通报",
                          body="正文")
    c = login(county, "cleader")
    with django_assert_max_num_queries(90):  # the dashboard's (bounded by the 12 months) + the year's rates
        r = c.get("/")
    html = r.content.decode()
    home = r.context["sections"]["figures"]
    dashboard = c.get(f"/figures/?from={today.year}-01-01&to={today}").context
    assert home["headline"]["rows"] == dashboard["headline"]["rows"] and home["heat"] == dashboard["heat"]
    assert home["headline"]["totals"]["persons"] >= 17  # the October visitors are in the year
    for testid in ("figures-card", "headline", "tile-petitions", "alerts", "top-issues", "top-places", "home-rates",
                   "rate-timely_acceptance", "home-reports"):
        assert f'data-testid="{testid}"' in html, testid
    assert 'id="fig-trend"' in html and 'id="fig-heat"' in html and "dashboard.js" in html and "echarts.min.js" in html
    assert f"/figures/assessments/{scheme.pk}/" in html and "十月信访形势通报" in html
    assert f"to={today}&amp;measure=collective" in html or f"to={today}&measure=collective" in html
    assert 'data-testid="figures-card"' not in login(county, "officer").get("/").content.decode()
