"""Workbench forms and buttons: success, errors shown next to the fields (400/409), nothing half-saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from xinfang.core.models import AccessLog
from xinfang.ledgers.models import FundGrant, Proposal, Risk, RiskReport, SuggestionAdoption
from xinfang.ledgers.services import risk_import

from .helpers import second_leader

pytestmark = pytest.mark.django_db


def test_adoption_form_saves_and_shows_field_errors(county, web, world):
    number = world["matter"].number
    c = web("officer")
    bad = c.post(f"/ledgers/suggestions/{number}/adopt/", {"adoption": "", "note": ""})
    assert bad.status_code == 400 and "请选择采纳情况" in bad.content.decode()
    ok = c.post(f"/ledgers/suggestions/{number}/adopt/", {"adoption": "partly_adopted", "note": "部分采纳"})
    assert ok.status_code == 302 and SuggestionAdoption.objects.get(matter=world["matter"]).adoption == "partly_adopted"
    refused = c.post(f"/ledgers/suggestions/{number}/publish/", {"published": "true", "public_title": "t", "public_text": "x"})
    assert refused.status_code == 400 and "须经建议人同意" in refused.content.decode()
    assert web("handler").get(f"/ledgers/suggestions/{number}/adopt/").status_code == 403


def test_proposal_form_and_reply_button(county, web, world):
    c = web("officer")
    r = c.post("/ledgers/proposals/new/", {"kind": "cppcc", "number": "T-1", "title": "提案", "proposer": "委员",
                                           "received_on": "2026-01-01", "unit": "T01", "co_units": ["D01"], "content": "内容"})
    assert r.status_code == 302
    p = Proposal.objects.get(number="T-1")
    assert [u.code for u in p.co_units.all()] == ["D01"]
    dup = c.post("/ledgers/proposals/new/", {"kind": "cppcc", "number": "T-1", "title": "提案", "proposer": "委员",
                                             "received_on": "2026-01-01", "unit": "T01", "content": "内容"})
    assert dup.status_code == 409 and "已登记" in dup.content.decode()
    page = web("handler").get(f"/ledgers/proposals/{p.pk}/").content.decode()
    assert 'data-testid="reply-form"' in page
    assert 'data-testid="reply-form"' not in web("dhandler").get(f"/ledgers/proposals/{p.pk}/").content.decode()
    web("handler").post(f"/ledgers/proposals/{p.pk}/reply/", {"text": "已答复"})
    assert Proposal.objects.get(pk=p.pk).state == "replied"
    assert web("handler2").post(f"/ledgers/proposals/{p.pk}/reply/", {"text": "x"}).status_code == 404


def test_monthly_report_form(county, web, world):
    c = web("handler2")
    future = c.post("/ledgers/risks/reports/", {"month": "2999-01", "nil_report": "true"})
    assert future.status_code == 400 and "将来月份" in future.content.decode()
    ok = c.post("/ledgers/risks/reports/", {"month": "2026-03", "nil_report": "true"})
    assert ok.status_code == 302 and RiskReport.objects.get(unit=county.other_town).nil_report
    twice = c.post("/ledgers/risks/reports/", {"month": "2026-03", "nil_report": "true"})
    assert twice.status_code == 409
    html = web("officer").get("/ledgers/risks/reports/", {"month": "2026-03"}).content.decode()
    assert "未报送 2 个" in html
    assert web("officer").get("/ledgers/risks/reports/", {"month": "x"}).status_code == 400


def _sheet(rows):
    wb = Workbook()
    wb.active.append([c[0] for c in risk_import.COLUMNS])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def test_import_page_lists_bad_rows_and_saves_nothing(county, web, world):
    c = web("handler")
    template = c.get("/ledgers/risks/import/", {"template": "1"})
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.content)).active["A1"].value == "单位代码"
    before = Risk.objects.count()
    bad = c.post("/ledgers/risks/import/", {"file": _sheet([["", "2026-03-01", "纠纷", 3, "一般", "", ""],
                                                           ["", "2026-03-01", "纠纷", -1, "一般", "", ""]])})
    html = bad.content.decode()
    assert bad.status_code == 400 and "第 3 行" in html and "整份文件未导入" in html and Risk.objects.count() == before
    good = c.post("/ledgers/risks/import/", {"file": _sheet([["", "2026-03-01", "纠纷", 3, "一般", "", ""]])})
    assert good.status_code == 302 and Risk.objects.count() == before + 1
    assert c.post("/ledgers/risks/import/", {}).status_code == 400


def test_grant_buttons_and_the_requester_cannot_approve(county, web, world):
    pk = world["grant"].pk
    page = web("bleader").get(f"/ledgers/fund/grants/{pk}/").content.decode()
    assert 'data-testid="decide"' in page
    web("bleader").post(f"/ledgers/fund/grants/{pk}/approve/", {"note": "同意"})
    assert FundGrant.objects.get(pk=pk).status == "approved"
    # the leader's own request: no buttons, and a POST is refused
    c = web("bleader")
    c.post("/ledgers/fund/grants/new/", {"matter": world["matter"].number, "amount": "10.00", "reason": "困难", "year": "2026"})
    own = FundGrant.objects.get(requested_by=county.users["bleader"])
    page = c.get(f"/ledgers/fund/grants/{own.pk}/").content.decode()
    assert 'data-testid="decide"' not in page and "须由其他局领导审批" in page
    assert c.post(f"/ledgers/fund/grants/{own.pk}/approve/").status_code == 403
    second_leader(county)
    web("bleader2").post(f"/ledgers/fund/grants/{own.pk}/approve/")
    assert FundGrant.objects.get(pk=own.pk).status == "approved"


def test_money_reads_as_on_paper(county, web, world):
    """Yuan with thousands separated and two decimals on the pages (the Excel keeps the number)."""
    from decimal import Decimal

    from xinfang.ledgers.tables import money_text

    assert (money_text(Decimal("250000")), money_text(Decimal("1234.5")), money_text(None)) == ("250,000.00", "1,234.50", "")
    grant = world["grant"]
    page = web("bleader").get(f"/ledgers/fund/grants/{grant.pk}/").content.decode()
    assert f"补助申请 {money_text(grant.amount)} 元" in page
    listing = web("bleader").get("/ledgers/fund/").content.decode()
    assert money_text(grant.amount) in listing and money_text(grant.fund_year.allocated) in listing
    bad = web("officer").post("/ledgers/fund/grants/new/", {"matter": world["matter"].number, "amount": "1.234",
                                                             "reason": "x", "year": "2026"})
    assert bad.status_code == 400 and "两位小数" in bad.content.decode()


def test_exports_are_logged_and_formulas_stay_text(county, web, world):
    from xinfang.ledgers.services import risks

    risks.risk_create(actor=county.users["handler"], data={"found_on": "2026-03-01", "summary": "=HYPERLINK(\"x\")",
                                                          "people_count": 1, "level": "low"})
    response = web("handler").get("/ledgers/risks/", {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    summaries = [row[3].value for row in ws.iter_rows(min_row=4)]
    assert "=HYPERLINK(\"x\")" in summaries and ws.cell(4, 4).data_type == "s"
    assert ws.max_row == 5  # title, who/when, header, then the town's own two risks only
    assert AccessLog.objects.filter(kind="export", object_type="ledger_risks").exists()


def test_ledger_excel_is_a_report_sheet(county, web, world):
    """Title row, the exporting unit and time, typed dates and money, autofilter (core.excel.ReportSheet)."""
    import datetime as dt

    response = web("officer").get("/ledgers/fund/", {"export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert "特殊疑难信访问题补助资金台账" in ws.cell(1, 1).value
    assert "导出单位：" in ws.cell(2, 1).value and "导出时间：" in ws.cell(2, 1).value
    assert [c.value for c in ws[3]][:4] == ["编号", "年度", "事项编号", "申请金额（元）"]
    assert ws.auto_filter.ref.startswith("A3:")
    amount, requested = ws.cell(4, 4), ws.cell(4, 7)
    assert isinstance(amount.value, (int, float)) and amount.number_format == "#,##0.00"
    assert isinstance(requested.value, dt.datetime) and requested.number_format == "yyyy-mm-dd hh:mm"
    assert [s.title for s in wb.worksheets] == ["特殊疑难信访问题补助资金台账", "年度汇总", "资金安排"]
    assert wb["年度汇总"].cell(3, 1).value == "年度" and wb["年度汇总"].auto_filter.ref


def test_large_ledger_export_runs_in_the_background(county, web, world, settings):
    """Above the inline limit the export is a workbench job: progress page, download, access log."""
    from xinfang.ledgers.services import risks
    from xinfang.workbench.models import ExportJob

    for summary in ("村道修建纠纷", "拖欠工资"):
        risks.risk_create(actor=county.users["handler"], data={"found_on": "2026-03-01", "summary": summary,
                                                              "people_count": 2, "level": "low"})
    settings.XINFANG_LEDGER_INLINE_ROWS = 1
    settings.XINFANG_EXPORT_INLINE = True
    c = web("officer")
    response = c.get("/ledgers/risks/", {"export": "xlsx", "level": "low"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.kind == "ledger:risks" and job.status == "done" and job.query == "level=low"
    assert job.done_rows == job.total == 2
    page = c.get(f"/exports/{job.pk}/").content.decode()
    assert "苗头隐患排查化解台账" in page and "下载" in page
    assert "筛选条件：风险等级：一般。" in page and "level=low" not in page  # the filter in words
    assert "风险等级：一般" in c.get("/exports/").content.decode() and 'style="' not in page
    download = c.get(f"/exports/{job.pk}/download/")
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert ws.max_row == 3 + job.done_rows and {ws.cell(r, 6).value for r in range(4, ws.max_row + 1)} == {"一般"}
    log = AccessLog.objects.get(kind="export", object_type="ledger_risks")
    assert log.detail["background"] is True and log.detail["rows"] == job.done_rows
    assert web("handler").get(f"/exports/{job.pk}/").status_code == 404  # only its owner


def test_ledger_filters_in_words(county, world):
    """The export job's page and the Excel filter line name a ledger's filter as its list does: labels,
    unit names and choice labels, never the raw query string."""
    from xinfang.ledgers.filters import describe

    officer = county.users["officer"]
    words = describe("proposals", {"unit": "T01", "state": "open", "overdue": "true", "q": "物业"}, officer)
    assert words == f"主办单位：{county.town.name}；状态：办理中；逾期：逾期未答复；编号/标题/代表委员：物业"
    assert describe("risks", {"level": "high", "from": "2026-01-01"}, officer) == "风险等级：重大；发现日期起：2026-01-01"
    assert describe("fund", {}, officer) == "全部" and describe("trainings", {"year": "2026"}, officer) == "年度：2026"
    assert describe("library", {"zzz": "1"}, officer) == "zzz：1"  # unknown: shown as it came


def test_background_ledger_export_rechecks_access(county, world, settings):
    from xinfang.workbench.models import ExportJob
    from xinfang.workbench.services.exports import export_run

    job = ExportJob.objects.create(user=county.users["handler"], kind="ledger:fund", query="", file_name="x.xlsx")
    assert export_run(job.pk).status == "failed"  # a town's handler never sees the fund


def test_list_pages_query_counts_are_flat(county, web, world, django_assert_max_num_queries):
    from xinfang.ledgers.services import proposals, risks

    c = web("officer")
    urls = ["/ledgers/suggestions/", "/ledgers/proposals/", "/ledgers/risks/", "/ledgers/fund/", "/ledgers/library/",
            "/ledgers/publicity/", "/ledgers/trainings/", "/ledgers/risks/reports/"]
    for url in urls:
        c.get(url)  # warm the session
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as ctx:
            c.get(url)
        counts[url] = len(ctx.captured_queries)
    for i in range(12):
        proposals.proposal_create(actor=county.users["officer"], data={
            "kind": "npc", "number": f"Q{i}", "title": "建议", "proposer": "代表", "received_on": "2026-01-01",
            "unit": "T01", "co_units": ["D01"], "content": "内容"})
        risks.risk_create(actor=county.users["handler"], data={"found_on": "2026-01-01", "summary": f"隐患{i}",
                                                               "people_count": 2, "level": "low"})
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            c.get(url)


def test_a_form_submitted_twice_saves_once(county, web, world):
    from xinfang.ledgers.models import PublicityActivity

    c = web("officer")
    page = c.get("/ledgers/publicity/new/").content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {"form_token": token, "date": "2026-03-01", "title": "条例宣传进村", "place": "东关村", "audience_count": "50"}
    first = c.post("/ledgers/publicity/new/", data)
    second = c.post("/ledgers/publicity/new/", data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert PublicityActivity.objects.filter(title="条例宣传进村").count() == 1
    assert "重复提交已忽略" in c.get(second["Location"]).content.decode()
    bad = c.post("/ledgers/publicity/new/", {**data, "form_token": "other", "audience_count": "-1"})
    assert bad.status_code == 400 and 'value="other"' in bad.content.decode()  # the token survives the error
