"""Hearings on a 复核 matter: notice, open/close through start_hearing/end_hearing (the clock excludes
the hearing days), conclusion with report and an execution task; bad orders refused."""

import datetime as dt

import pytest

from xinfang.documents.models import IssuedDocument
from xinfang.leaders.models import Task
from xinfang.matters.models import Deadline, Event

from .helpers import do, get, in_recheck, new_matter, post

pytestmark = pytest.mark.django_db


def schedule(api, m, day="2026-06-24", **over):
    body = {"matter": m.number, "scheduled_at": "2026-06-26T09:30:00+08:00", "place": "县信访局听证室",
            "host": "赵主任", "panel": ["钱律师", "孙代表", "李委员"], "public": True, **over}
    return post(api("officer"), "/api/v1/hearings/", body, day)


def test_hearing_on_a_recheck_matter(api, county):
    m = in_recheck(county)
    recheck = Deadline.objects.get(matter=m, kind="recheck")
    due_before = recheck.due
    r = schedule(api, m)
    assert r.status_code == 201, r.json()
    h = r.json()
    assert h["notice"]["type"] == "hearing_notice" and h["notice"]["doc_number"]
    notice = IssuedDocument.objects.get(doc_type="hearing_notice")
    assert notice.matter == m and "钱律师" in notice.rendered_text and "公开听证" in notice.rendered_text
    docs = get(api("officer"), f"/api/v1/matters/{m.number}/documents/").json()
    assert "hearing_notice" in [d["type"] for d in docs["results"]]
    # closing a hearing never opened
    bad = post(api("officer"), f"/api/v1/hearings/{h['id']}/close/", {}, "2026-06-26")
    assert bad.status_code == 409 and "尚未开始" in bad.json()["error"]["message"]
    conclude_early = post(api("officer"), f"/api/v1/hearings/{h['id']}/conclude/", {"minutes": "x", "conclusion": "y"}, "2026-06-26")
    assert conclude_early.status_code == 409
    assert post(api("handler2"), f"/api/v1/hearings/{h['id']}/open/", {}, "2026-06-26").status_code == 404
    opened = post(api("officer"), f"/api/v1/hearings/{h['id']}/open/", {"occurred_at": "2026-06-26T09:30:00+08:00"}, "2026-06-26")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert post(api("officer"), f"/api/v1/hearings/{h['id']}/open/", {}, "2026-06-26").status_code == 409
    closed = post(api("officer"), f"/api/v1/hearings/{h['id']}/close/", {"occurred_at": "2026-06-28T17:00:00+08:00"}, "2026-06-29")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    # one path: the core's events, and the recheck clock moved by the three hearing days
    actions = list(Event.objects.filter(matter=m).order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["start_hearing", "end_hearing"]
    end = Event.objects.get(matter=m, action="end_hearing")
    assert end.params["excluded_days"] == 3
    recheck.refresh_from_db()
    assert recheck.excluded_days == 3 and recheck.due >= due_before + dt.timedelta(days=3)
    # conclusion → report, execution task on the handling unit
    done = post(api("officer"), f"/api/v1/hearings/{h['id']}/conclude/",
                {"minutes": "信访人陈述……单位答辩……", "conclusion": "原处理意见认定事实清楚，建议维持并做好帮扶。"}, "2026-06-30")
    assert done.status_code == 200 and done.json()["report"]["type"] == "hearing_report"
    report = IssuedDocument.objects.get(doc_type="hearing_report")
    assert "建议维持" in report.rendered_text
    task = Task.objects.get(hearing_id=h["id"])
    assert task.source == "execution" and task.unit == county.town and task.basis == "hearing"
    assert post(api("officer"), f"/api/v1/hearings/{h['id']}/conclude/", {"minutes": "x", "conclusion": "y"}).status_code == 409
    from django.test import Client

    page = Client().get("/public/receptions/hearings/").content.decode()
    assert "建议维持" in page and m.title in page and "张三" not in page


def test_hearing_refused_when_not_under_review(api, county):
    m = new_matter(county, "2026-06-01")
    r = schedule(api, m)
    assert r.status_code == 409 and "复查、复核" in r.json()["error"]["message"]
    assert schedule(api, m, panel=[]).status_code == 400
    bad_time = schedule(api, m, scheduled_at="2026-02-30 09:00")
    assert bad_time.status_code == 400 and "scheduled_at" in bad_time.json()["error"]["fields"]


def test_second_hearing_refused_and_unit_hearing_on_own_matter(api, county):
    m = in_recheck(county)
    assert schedule(api, m).status_code == 201
    assert schedule(api, m).status_code == 409
    # a town hears its own accepted matter (§31(6)); another town may not
    own = new_matter(county, "2026-06-01")
    do(county, "officer", own, "forward", "2026-06-02", unit="T01")
    do(county, "handler", own, "accept", "2026-06-03")
    body = {"matter": own.number, "scheduled_at": "2026-06-20T09:00:00+08:00", "place": "城关镇会议室", "host": "镇长",
            "panel": ["甲", "乙", "丙"], "public": False}
    assert post(api("handler2"), "/api/v1/hearings/", body, "2026-06-10").status_code == 404
    r = post(api("handler"), "/api/v1/hearings/", body, "2026-06-10")
    assert r.status_code == 201 and r.json()["unit"] == "T01"


def test_hearing_papers_downloadable_by_the_petitioner_on_the_portal(api, county):
    """The 听证通知书 and 听证报告 are the petitioner's: listed on the portal's matter page and downloadable
    with the 查询码 session (and the public API); without it, a 404."""
    from django.test import Client
    from rest_framework.test import APIClient

    m = in_recheck(county)
    h = schedule(api, m).json()
    petition = m.petitions.order_by("id").first()
    anon = Client()
    notice = IssuedDocument.objects.get(doc_type="hearing_notice")
    assert anon.get(f"/public/matter/{m.number}/papers/{notice.pk}/").status_code in (302, 404)  # no session
    assert anon.post("/public/track/", {"number": m.number, "code": petition.query_code}).status_code == 302
    page = anon.get(f"/public/matter/{m.number}/").content.decode()
    assert "听证通知书" in page and f"/public/matter/{m.number}/papers/{notice.pk}/" in page
    pdf = anon.get(f"/public/matter/{m.number}/papers/{notice.pk}/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and "attachment" in pdf["Content-Disposition"]
    assert anon.get(f"/public/matter/{m.number}/papers/{notice.pk}/docx/").content.startswith(b"PK")
    post(api("officer"), f"/api/v1/hearings/{h['id']}/open/", {"occurred_at": "2026-06-26T09:30:00+08:00"}, "2026-06-26")
    post(api("officer"), f"/api/v1/hearings/{h['id']}/close/", {"occurred_at": "2026-06-26T17:00:00+08:00"}, "2026-06-27")
    post(api("officer"), f"/api/v1/hearings/{h['id']}/conclude/", {"minutes": "陈述", "conclusion": "建议维持。"}, "2026-06-28")
    report = IssuedDocument.objects.get(doc_type="hearing_report")
    assert anon.get(f"/public/matter/{m.number}/papers/{report.pk}/").status_code == 200
    other = new_matter(county, "2026-06-01")  # another matter's session never opens this matter's papers
    other_client = Client()
    other_petition = other.petitions.order_by("id").first()
    other_client.post("/public/track/", {"number": other.number, "code": other_petition.query_code})
    assert other_client.get(f"/public/matter/{other.number}/papers/{notice.pk}/").status_code == 404
    assert other_client.get(f"/public/matter/{m.number}/papers/{notice.pk}/").status_code in (302, 404)
    body = APIClient().get("/api/v1/public/track/", {"number": m.number, "code": petition.query_code}).json()
    papers = [n for n in body["notices"] if n["type"] in ("hearing_notice", "hearing_report")]
    assert [n["doc_id"] for n in papers] == [notice.pk, report.pk] and all(n["download_url"] for n in papers)
    got = APIClient().get("/api/v1/public/track/notice/", {"number": m.number, "code": petition.query_code,
                                                           "doc": report.pk})
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
