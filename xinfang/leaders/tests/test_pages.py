"""Staff pages and portal pages: content, the permission matrix, forms, query counts."""

import pytest
from django.test import Client

from xinfang.leaders.models import Booking, Task

from .helpers import on, post

pytestmark = pytest.mark.django_db

DAY = {"kind": "reception_day", "leader": "cleader", "date": "2026-10-20", "start_time": "09:00", "place": "接待大厅",
       "capacity": 5, "published": True}


def browser(county, username=None):
    c = Client()
    if username:
        c.force_login(county.users[username])
    return c


def pages(w):
    return {
        "/leaders/bureau/": {"officer": 200, "cleader": 200, "auditor": 200, "handler": 403, "nobody": 403},
        "/leaders/day/?date=2026-10-20&leader=cleader": {"officer": 200, "cleader": 200, "handler": 403, "nobody": 403},
        "/leaders/backlog/": {"officer": 200, "cleader": 200, "handler": 403},
        f"/leaders/sessions/{w['s']['id']}/": {"officer": 200, "cleader": 200, "handler": 403, "nobody": 403},
        f"/leaders/sessions/{w['s']['id']}/register.pdf": {"officer": 200, "handler": 403},
        f"/leaders/meetings/{w['meeting']['id']}/": {"officer": 200, "cleader": 200, "handler": 403},
        f"/leaders/meetings/{w['meeting']['id']}/minutes.docx": {"officer": 200, "handler": 403},
        f"/leaders/cases/{w['case']['id']}/": {"officer": 200, "cleader": 200, "handler": 200, "handler2": 404, "nobody": 403},
        "/leaders/cases/": {"officer": 200, "handler": 200, "nobody": 403},
        f"/leaders/hearings/{w['hearing']['id']}/": {"officer": 200, "handler": 200, "handler2": 404},
        f"/leaders/campaigns/{w['campaign']['id']}/": {"officer": 200, "cleader": 200, "handler": 403},
        "/leaders/tasks/": {"officer": 200, "handler": 200, "handler2": 200, "nobody": 403},
        f"/leaders/tasks/{w['task']}/": {"officer": 200, "cleader": 200, "handler": 200, "handler2": 404, "dhandler": 404},
        "/leaders/sessions/new/": {"officer": 200, "registrar": 200, "cleader": 403, "handler": 403},
        "/leaders/meetings/new/": {"officer": 200, "registrar": 403, "cleader": 403, "handler": 403},
        "/leaders/campaigns/new/": {"officer": 200, "cleader": 403},
        "/leaders/": {"cleader": 200, "bleader": 200, "officer": 302, "handler": 302, "nobody": 403},
    }


def test_permission_matrix(world, county):
    with on("2026-10-21"):
        for url, expected in pages(world).items():
            for username, code in expected.items():
                got = browser(county, username).get(url).status_code
                assert got == code, f"{url} as {username}: {got} != {code}"
        assert browser(county).get("/leaders/bureau/").status_code == 302  # to the login page


def test_pages_show_what_they_should(world, county):
    with on("2026-10-21"):
        leader = browser(county, "cleader").get("/leaders/").content.decode()
        assert "请城关镇核查" in leader and "核查停车费" in leader
        day = browser(county, "cleader").get("/leaders/day/?date=2026-10-20&leader=cleader").content.decode()
        assert "王五" in day and world["m"].number in day
        home = browser(county, "handler").get("/").content.decode()
        assert 'data-testid="unit-tasks"' in home and "核查停车费" in home
        assert "核查备案" not in home  # D01's task
        matter_page = browser(county, "officer").get(f"/matters/{world['m'].number}/").content.decode()
        assert 'data-testid="matter-leaders"' in matter_page and "包案" in matter_page
        session = browser(county, "officer").get(f"/leaders/sessions/{world['s']['id']}/").content.decode()
        assert "13812345678" not in session and "138****5678" in session
        assert 'data-testid="record-form"' in session  # the session's day has come
        tasks = browser(county, "handler").get("/leaders/tasks/").content.decode()  # a unit's tabs: what it may open
        assert '<a href="/leaders/tasks/" class="active"' in tasks and '"/leaders/cases/"' in tasks
        assert '"/leaders/bureau/"' not in tasks and '"/leaders/backlog/"' not in tasks and '"/leaders/day/"' not in tasks
        bureau = browser(county, "officer").get("/leaders/bureau/").content.decode()
        assert '"/leaders/backlog/"' in bureau and '<a href="/leaders/">' not in bureau  # no leader's page for an officer
    with on("2026-10-19"):  # the day before: no form that could only answer 409, a note instead
        session = browser(county, "officer").get(f"/leaders/sessions/{world['s']['id']}/").content.decode()
        assert 'data-testid="record-form"' not in session and "10月20日）起可在此录入" in session


def test_forms_report_complete_and_errors(world, county):
    tid = world["task"]
    with on("2026-10-22"):
        r = browser(county, "handler").post(f"/leaders/tasks/{tid}/", {"act": "report", "text": "", "done": "true", "done_marker": "1"})
        assert r.status_code == 400 and "请填写办理情况" in r.content.decode()
        r = browser(county, "handler").post(f"/leaders/tasks/{tid}/", {"act": "report", "text": "已核查", "done": "true", "done_marker": "1"})
        assert r.status_code == 302 and Task.objects.get(pk=tid).status == "reported"
        assert browser(county, "handler2").post(f"/leaders/tasks/{tid}/", {"act": "report", "text": "x"}).status_code == 404
        r = browser(county, "officer").post(f"/leaders/tasks/{tid}/", {"act": "complete"})
        assert r.status_code == 302 and Task.objects.get(pk=tid).status == "done"
        again = browser(county, "officer").post(f"/leaders/tasks/{tid}/", {"act": "complete"})
        assert again.status_code == 409
        bad = browser(county, "officer").post(f"/leaders/meetings/{world['meeting']['id']}/",
                                              {"text": "x", "task_unit_0": "T01", "task_due_0": "2026-10-01", "task_text_0": "x"})
        assert bad.status_code == 400 and "早于会议日期" in bad.content.decode()
        nul = browser(county, "officer").post(f"/leaders/meetings/{world['meeting']['id']}/", {"text": "x\x00"})
        assert nul.status_code == 400
        new = browser(county, "officer").post("/leaders/sessions/new/", {"kind": "appointment", "leader": "cleader",
                                                                         "date": "2026-10-25", "start_time": "10:00",
                                                                         "place": "县委", "published": "true"})
        assert new.status_code == 400 and "只有领导接访日" in new.content.decode()


def test_print_register_and_minutes(world, county):
    from xinfang.core.models import AccessLog

    with on("2026-10-21"):
        pdf = browser(county, "officer").get(f"/leaders/sessions/{world['s']['id']}/register.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
        docx = browser(county, "officer").get(f"/leaders/meetings/{world['meeting']['id']}/minutes.docx")
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
        assert browser(county, "officer").get(f"/leaders/meetings/{world['meeting']['id']}/minutes.txt").status_code == 404
    assert AccessLog.objects.filter(kind="export", object_type__in=["reception_session", "meeting"]).count() == 2
    from xinfang.leaders.models import Meeting, ReceptionSession
    from xinfang.leaders.printing import minutes_content, register_content

    text = register_content(ReceptionSession.objects.get(pk=world["s"]["id"])).plain_text()
    assert "请城关镇核查" in text and "核查停车费" in text
    assert "核查备案" in minutes_content(Meeting.objects.get(pk=world["meeting"]["id"])).plain_text()


def test_portal_booking_on_the_web(api, county):
    s = post(api("officer"), "/api/v1/receptions/", DAY, "2026-10-12").json()
    c = Client()
    with on("2026-10-13"):
        listing = c.get("/public/receptions/").content.decode()
        assert "剩余" in listing and f"/public/receptions/{s['id']}/book/" in listing
        bad = c.post(f"/public/receptions/{s['id']}/book/", {"name": "王五", "phone": "123", "summary": "x"})
        assert bad.status_code == 400 and "王五" in bad.content.decode()
        ok = c.post(f"/public/receptions/{s['id']}/book/", {"name": "王五", "phone": "13812345678", "summary": "停车"})
        assert ok.status_code == 302
        done = c.get(ok["Location"]).content.decode()
        code = Booking.objects.get().booking_code
        assert code in done
        bot = c.post(f"/public/receptions/{s['id']}/book/", {"name": "x", "phone": "13900000000", "summary": "x", "website": "http://spam"})
        assert bot.status_code == 400 and Booking.objects.count() == 1
    with on("2026-10-21"):
        assert c.get(f"/public/receptions/{s['id']}/book/").status_code == 404


def test_query_counts_of_lists(world, county, api, django_assert_max_num_queries):
    for i in range(5):
        post(api("officer"), f"/api/v1/meetings/{world['meeting']['id']}/decisions/",
             {"text": f"决定{i}", "tasks": [{"unit": "T01", "due": "2026-11-20", "text": f"任务{i}"},
                                           {"unit": "D01", "due": "2026-11-20", "text": f"任务{i}"}]}, "2026-10-21")
    with on("2026-10-22"):
        with django_assert_max_num_queries(8):
            assert api("officer").get("/api/v1/tasks/").json()["count"] == 12
        with django_assert_max_num_queries(8):
            api("handler").get("/api/v1/tasks/")
        with django_assert_max_num_queries(8):
            api("officer").get("/api/v1/receptions/")
        with django_assert_max_num_queries(10):
            api("officer").get("/api/v1/cases/")
        with django_assert_max_num_queries(8):
            api("officer").get("/api/v1/hearings/")
        with django_assert_max_num_queries(12):
            api("officer").get(f"/api/v1/meetings/{world['meeting']['id']}/")
        officer = browser(county, "officer")
        officer.get("/leaders/tasks/")
        with django_assert_max_num_queries(8):
            officer.get("/leaders/tasks/")
        with django_assert_max_num_queries(24):
            officer.get("/leaders/bureau/")
        handler = browser(county, "handler")
        handler.get("/")
        with django_assert_max_num_queries(40):
            handler.get("/")
