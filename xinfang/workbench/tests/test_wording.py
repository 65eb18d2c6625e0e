"""Staff pages speak Chinese: no URL parameters, count keys or action codes shown to people."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from xinfang.supervision.models import EngineRun
from xinfang.workbench.forms.filters import describe_filters
from xinfang.workbench.models import ExportJob


def login(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


def test_filters_in_words(county):
    words = describe_filters("received_after=2026-12-04&sort=-received&status=open&per_page=50")
    assert words == "状态：全部在办；收到自：2026-12-04；排序：收到时间（新→旧）"
    assert describe_filters("") == ""


def test_export_pages_show_filters_in_words(county):
    job = ExportJob.objects.create(user=county.users["officer"], query="received_after=2026-12-04&sort=-received",
                                   total=0, file_name="x.xlsx")
    c = login(county, "officer")
    for url in ("/exports/", f"/exports/{job.pk}/"):
        html = c.get(url).content.decode()
        assert "收到自：2026-12-04" in html and "sort=-received" not in html and "received_after" not in html


def test_engine_runs_are_labelled(county):
    EngineRun.objects.create(day=timezone.localdate(), started_at=timezone.now(), status="finished",
                             counts={"overdue_marked": 70, "something_new": 2}, via="command")
    html = login(county, "bleader").get("/supervision/engine/").content.decode()
    assert "超期提醒 70" in html and "overdue_marked" not in html and "定时命令" in html
    assert "something_new 2" in html  # a count without a label still shows
