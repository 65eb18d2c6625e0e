"""Excel that is report-ready: title, unit and date, typed dates and percentages, autofilter, ledger dates."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.test import Client
from openpyxl import load_workbook

from xinfang.testing.factories import act, at, register
from xinfang.workbench.services.exports import export_create, export_run


def test_matter_ledger_has_title_meta_dates_and_filter(county, settings, tmp_path):
    settings.XINFANG_EXPORT_DIR = tmp_path
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        m = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", m, "forward", unit="T01")
    with time_machine.travel(at("2026-09-14", 9), tick=False):
        act(county, "handler", m, "accept")
        job = export_run(export_create(actor=county.users["officer"], query="status=accepted").pk)
    ws = load_workbook(job.file_path).active
    assert ws["A1"].value == f"{settings.XINFANG_COUNTY_NAME}信访事项台账" and "A1" in str(ws.merged_cells)
    meta = ws["A2"].value
    assert "导出单位：示范县信访局" in meta and "导出时间：2026-09-14" in meta and "状态：已受理" in meta
    header = [c.value for c in ws[3]]
    for title in ("收到时间", "转送/交办日期", "受理日期", "答复日期", "送达日期", "评价日期", "办结日期"):
        assert title in header, title
    row = {h: c for h, c in zip(header, ws[4], strict=True)}
    assert row["事项编号"].value == m.number
    assert isinstance(row["收到时间"].value, dt.datetime) and row["收到时间"].number_format == "yyyy-mm-dd hh:mm"
    assert row["转送/交办日期"].value.date() == dt.date(2026, 9, 10) and row["转送/交办日期"].number_format == "yyyy-mm-dd"
    assert row["受理日期"].value.date() == dt.date(2026, 9, 14)
    assert row["答复日期"].value is None
    assert ws.auto_filter.ref == f"A3:{ws.cell(3, len(header)).column_letter}4"
    assert ws.freeze_panes == "A4"


def test_rates_export_formats_percentages(county):
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        m = register(county, received_at=at("2026-09-01", 8)).matter
        act(county, "officer", m, "forward", unit="T01", occurred_at=at("2026-09-01", 9))
        act(county, "handler", m, "accept")
    c = Client()
    c.force_login(county.users["officer"])
    with time_machine.travel(at("2026-12-04", 9), tick=False):
        r = c.get("/supervision/rates/export.xlsx?from=2026-09-01&to=2026-12-04")
    ws = load_workbook(io.BytesIO(r.content))["三率"]
    assert ws["A1"].value.startswith("信访工作三率统计") and "统计期间：2026-09-01 至 2026-12-04" in ws["A2"].value
    rate = ws["D4"]
    assert ws["D3"].value == "比率" and rate.number_format == "0.0%" and isinstance(rate.value, (int, float))
    assert ws.auto_filter.ref.startswith("A3:")
