"""The auditor's screen: filters, Excel export (itself logged), unusual-volume notice, who may open it."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.test.utils import override_settings
from openpyxl import load_workbook

from xinfang.core.models import AccessLog, log_access


def client(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


@pytest.fixture
def logs(county):
    u = county.users
    log_access(user=u["officer"], kind="reveal", object_type="matter", object_ref="XF2026-000001", ip="10.0.0.5")
    log_access(user=u["handler"], kind="view", object_type="matter", object_ref="XF2026-000002", ip="10.0.0.6")
    log_access(user=u["officer"], kind="export", object_type="matter_list", object_ref="x", detail={"rows": 3})
    log_access(user=u["handler"], kind="view", object_type="attachment", object_ref="XF2026-000001/7")
    return u


@pytest.mark.parametrize("username, status", [("auditor", 200), ("admin", 403), ("officer", 403), ("bleader", 403),
                                              ("handler", 403)])
def test_only_the_auditor_reads_the_log(county, logs, username, status):
    assert client(county, username).get("/audit/").status_code == status


def test_filters(county, logs):
    c = client(county, "auditor")

    def refs(**params):
        return [(log.kind, log.object_ref) for log in c.get("/audit/", params).context["logs"]]

    assert len(refs()) == 4
    assert refs(user="officer") == [("export", "x"), ("reveal", "XF2026-000001")]
    assert set(refs(matter="XF2026-000001")) == {("reveal", "XF2026-000001"), ("view", "XF2026-000001/7")}
    assert {r[1] for r in refs(unit="T01")} == {"XF2026-000002", "XF2026-000001/7"}
    assert refs(kind="reveal") == [("reveal", "XF2026-000001")]
    html = c.get("/audit/", {"date_from": "2026-12-05", "date_to": "2026-12-01"}).content.decode()
    assert "结束日期不能早于开始日期" in html


def test_export_is_report_ready_and_logged(county, logs):
    r = client(county, "auditor").get("/audit/", {"user": "officer", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "个人信息访问日志" and "人员（用户名）：officer" in ws["A2"].value
    assert [c.value for c in ws[3]][:5] == ["时间", "人员", "用户名", "所在单位", "行为"]
    assert ws.max_row == 5  # title, meta, header and the officer's two rows
    export = AccessLog.objects.filter(kind="export", object_type="access_log").get()
    assert export.user == county.users["auditor"] and export.detail["rows"] == 2


@override_settings(XINFANG_AUDIT_REVEAL_ALERT=3)
def test_unusual_volume_notice(county, logs):
    for n in range(3):
        log_access(user=county.users["handler"], kind="reveal", object_type="matter", object_ref=f"XF2026-00001{n}")
    c = client(county, "auditor")
    page = c.get("/audit/").content.decode()
    assert 'data-testid="audit-alerts"' in page and "handler" in page and "<strong>3</strong>" in page
    assert "officer" not in page.split('data-testid="audit-alerts"')[1].split("</div>")[0]  # one reveal only
    home = c.get("/").content.decode()
    assert 'data-testid="audit-home"' in home and "请核实" in home


def test_list_query_count_is_flat(county, logs, django_assert_max_num_queries):
    c = client(county, "auditor")
    c.get("/audit/")
    for n in range(30):
        log_access(user=county.users["officer"], kind="view", object_type="matter", object_ref=f"XF{n}")
    with django_assert_max_num_queries(10):
        assert c.get("/audit/").status_code == 200
