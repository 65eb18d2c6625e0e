"""Public information pages, the reception-day schedule and its staff maintenance, suggestions."""

import datetime as dt

import pytest
from django.utils import timezone

from xinfang.matters.models import Matter
from xinfang.portal.models import ReceptionDay

from .conftest import fill

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "text"), [
    ("/public/", "我要信访"),
    ("/public/guide/", "哪些事项应当走其他法定途径"),
    ("/public/contact/", "接待时间"),
    ("/public/privacy/", "敏感个人信息"),
    ("/public/reception/", "领导接访日安排"),
    ("/public/track/", "查询码"),
    ("/public/suggest/", "人民建议征集"),
])
def test_public_pages(client, county, url, text, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200 and text in response.content.decode()


def test_guide_covers_levels_time_limits_other_channels_rights_and_duties(client, county):
    html = client.get("/public/guide/").content.decode()
    for phrase in ("属地管理、分级负责", "15 日内", "60 日内", "延长不超过 30 日", "复查", "复核", "诉讼", "仲裁", "行政复议",
                   "不得打击报复信访人", "不得捏造、歪曲事实", "代表不超过 5 人"):
        assert phrase in html


def test_contact_uses_the_bureau_record(client, county):
    county.bureau.phone, county.bureau.address = "0311-12345678", "示范县人民路 1 号"
    county.bureau.save()
    html = client.get("/public/contact/").content.decode()
    assert "0311-12345678" in html and "示范县人民路 1 号" in html


def test_reception_lists_upcoming_published_days_only(client, county, django_assert_max_num_queries):
    today = timezone.localdate()
    ReceptionDay.objects.create(leader_name="李明", leader_title="县委书记", date=today + dt.timedelta(days=3),
                                place="县信访局接待大厅", topic="城乡建设")
    ReceptionDay.objects.create(leader_name="周红", leader_title="县长", date=today + dt.timedelta(days=9),
                                place="县信访局接待大厅", published=False)
    ReceptionDay.objects.create(leader_name="陈亮", leader_title="副县长", date=today - dt.timedelta(days=5),
                                place="城关镇政府")
    for i in range(10):
        ReceptionDay.objects.create(leader_name=f"领导{i}", leader_title="副县长", date=today + dt.timedelta(days=20 + i),
                                    place="信访局")
    with django_assert_max_num_queries(6):
        html = client.get("/public/reception/").content.decode()
    assert "李明" in html and "县委书记" in html and "城乡建设" in html
    assert "周红" not in html  # not published
    assert html.index("李明") < html.index("近两个月已举行") < html.index("陈亮")
    assert "李明" in client.get("/public/").content.decode()


@pytest.mark.parametrize(("username", "expected"), [
    (None, 302), ("handler", 403), ("uleader", 403), ("cleader", 403), ("nobody", 403),
    ("registrar", 200), ("officer", 200), ("bleader", 200), ("admin", 200),
])
def test_staff_reception_permission_matrix(client, county, username, expected):
    if username:
        client.force_login(county.users[username])
    response = client.get("/public/staff/reception/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/login/")
    create = client.post("/public/staff/reception/new/", {
        "leader_name": "李明", "leader_title": "县委书记", "date": "2026-12-01", "place": "接待大厅", "published": "on"})
    assert create.status_code == (302 if expected in (200, 302) else 403)
    assert ReceptionDay.objects.exists() is (expected == 200)


def test_staff_edit_validation_and_delete(client, county):
    client.force_login(county.users["registrar"])
    response = client.post("/public/staff/reception/new/", {
        "leader_name": "李明", "leader_title": "县委书记", "date": "2026-12-01", "start_time": "10:00",
        "end_time": "09:00", "place": "接待大厅"})
    assert "结束时间应晚于开始时间" in response.content.decode() and not ReceptionDay.objects.exists()
    client.post("/public/staff/reception/new/", {
        "leader_name": "李明", "leader_title": "县委书记", "date": "2026-12-01", "start_time": "09:00",
        "end_time": "11:30", "place": "接待大厅", "published": "on"})
    day = ReceptionDay.objects.get()
    assert day.created_by == county.users["registrar"]
    client.post(f"/public/staff/reception/{day.pk}/", {
        "leader_name": "李明", "leader_title": "县委书记", "date": "2026-12-02", "place": "城关镇", "published": "on"})
    day.refresh_from_db()
    assert (day.date.isoformat(), day.place) == ("2026-12-02", "城关镇")
    client.force_login(county.users["handler"])
    assert client.post(f"/public/staff/reception/{day.pk}/delete/").status_code == 403
    client.force_login(county.users["officer"])
    assert client.post(f"/public/staff/reception/{day.pk}/delete/").status_code == 302
    assert not ReceptionDay.objects.exists()


def test_suggestion_is_registered_with_the_suggestion_purpose(client, county, django_capture_on_commit_callbacks):
    data = fill(client, "/public/suggest/", {
        "name": "刘建国", "phone": "13600001234", "id_number": "", "address": "", "category_top": "010000",
        "category": "", "town": county.county.code, "village": "", "title": "增设公交站点",
        "content": "建议在东关村口增设一处公交站点，方便群众出行。", "consent": "on", "website": ""})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/public/suggest/", data)
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.purpose == "suggestion" and matter.handling_class == "suggestion"
    assert matter.region == county.county and matter.channel == "online" and matter.registered_by is None
    done = client.get(response["Location"]).content.decode()
    assert "建议已提交" in done and matter.number in done


def test_suggestion_errors_are_in_chinese(client, county):
    data = fill(client, "/public/suggest/", {"name": "", "phone": "", "title": "", "content": "", "consent": "on",
                                             "category_top": "", "town": ""})
    html = client.post("/public/suggest/", data).content.decode()
    for message in ("请填写姓名。", "请填写联系电话", "请填写建议标题。", "请填写建议内容。", "请选择问题类别。",
                    "请选择建议涉及的地方"):
        assert message in html


def test_portal_pages_load_only_local_assets(client, county):
    # No CDN and no outside web fonts: the portal must work on a phone without reaching anyone else.
    import re

    from django.contrib.staticfiles import finders

    pattern = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)="([^"]+)"', re.I)
    found = set()
    for url in ("/public/", "/public/submit/", "/public/track/", "/public/guide/", "/public/suggest/",
                "/public/reception/", "/public/contact/", "/public/privacy/"):
        body = client.get(url).content.decode()
        found |= set(pattern.findall(body)) | set(re.findall(r"url\(['\"]?([^'\")]+)", body))
    assert found
    assert all(src.startswith("/") and not src.startswith("//") for src in found), found
    for name in ("portal/portal.css", "portal/portal.js"):
        with open(finders.find(name), encoding="utf-8") as fh:
            code = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
        assert not re.search(r"https?://|@import", code), name
