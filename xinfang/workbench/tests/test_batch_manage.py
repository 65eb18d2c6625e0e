"""Batch forward / accept with per-matter results, and the administration pages with their log."""

import pytest

from xinfang.matters.models import Event
from xinfang.org.models import Category, Unit, User
from xinfang.testing.factories import act, register
from xinfang.workbench.models import ChangeLog
from xinfang.workdays.models import CalendarOverride, CalendarYear, RuleSet

pytestmark = pytest.mark.django_db


def test_batch_forward_reports_each_matter(county, web):
    ms = [register(county).matter for _ in range(3)]
    act(county, "officer", ms[2], "forward", unit="T02")  # already forwarded: refused in the batch
    c = web("officer")
    page = c.get("/batch/forward/").content.decode()
    assert ms[0].number in page and ms[2].number not in page
    data = {"numbers": [m.number for m in ms], "unit": "T01"}
    data.update({f"v-{m.number}": m.version for m in ms[:2]})
    body = c.post("/batch/forward/", data).content.decode()
    assert "成功 2 件，未成功 1 件" in body
    assert "不能执行“转送”" in body
    for m in ms[:2]:
        m.refresh_from_db()
        assert m.status == "forwarded" and m.handling_unit.code == "T01"


def test_batch_forward_needs_a_unit_and_a_selection(web, county):
    register(county)
    c = web("officer")
    assert "请至少勾选一件事项" in c.post("/batch/forward/", {"unit": "T01"}).content.decode()
    m = register(county).matter
    assert "请选择主办单位" in c.post("/batch/forward/", {"numbers": [m.number]}).content.decode()


def test_batch_accept_signs_for_several(county, web):
    ms = [register(county).matter for _ in range(2)]
    for m in ms:
        act(county, "officer", m, "forward", unit="T01")
    other = register(county).matter
    act(county, "officer", other, "forward", unit="T02")
    c = web("handler")
    page = c.get("/batch/accept/").content.decode()
    assert all(m.number in page for m in ms) and other.number not in page
    body = c.post("/batch/accept/", {"numbers": [m.number for m in ms] + [other.number]}).content.decode()
    assert "成功 2 件，未成功 1 件" in body
    assert Event.objects.filter(action="accept").count() == 2
    other.refresh_from_db()
    assert other.status == "forwarded"  # another unit's matter is not touched (not visible)


def test_batch_stale_version_is_reported(county, web):
    m = register(county).matter
    stale = m.version
    act(county, "officer", m, "forward", unit="T01")
    body = web("handler").post("/batch/accept/", {"numbers": [m.number], f"v-{m.number}": stale}).content.decode()
    assert "已被他人处理" in body


@pytest.mark.parametrize(("username", "url", "code"), [
    ("handler", "/batch/forward/", 403), ("officer", "/batch/accept/", 403), ("registrar", "/batch/forward/", 403),
    ("auditor", "/batch/", 403), ("officer", "/batch/", 302), ("handler", "/batch/", 302),
])
def test_batch_permissions(web, username, url, code):
    assert web(username).get(url).status_code == code


# ---- administration ---------------------------------------------------------------------------


def test_admin_creates_and_edits_a_unit_with_log(county, web):
    c = web("admin")
    r = c.post("/manage/units/new/", {"code": "T03", "name": "南山镇人民政府", "kind": "town", "superior": "GOV",
                                      "region": "", "active": "on"})
    assert r.status_code == 302
    unit = Unit.objects.get(code="T03")
    assert unit.superior.code == "GOV"
    r = c.post("/manage/units/T03/", {"name": "南山镇人民政府", "short_name": "南山镇", "kind": "town",
                                      "superior": "XFJ", "active": "on"})
    assert r.status_code == 302
    log = ChangeLog.objects.filter(object_type="unit", object_ref="T03").order_by("at", "id")
    assert [entry.action for entry in log] == ["create", "update"]
    assert log.last().changes["superior"] == ["GOV", "XFJ"] and log.last().actor == county.users["admin"]


def test_unit_superior_cycle_is_refused_on_its_field(county, web):
    r = web("admin").post("/manage/units/GOV/", {"name": "示范县人民政府", "kind": "government", "superior": "XFJ",
                                                 "active": "on"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "上级机关不能是本单位或其下级单位" in body or "上级机关形成循环" in body
    assert not ChangeLog.objects.exists()


def test_admin_creates_user_and_resets_password(county, web):
    c = web("admin")
    r = c.post("/manage/users/new/", {"username": "t3handler", "full_name": "王五", "unit": "T01",
                                      "roles": ["unit_handler"], "password": "long-enough-pass", "is_active": "on"})
    assert r.status_code == 302
    user = User.objects.get(username="t3handler")
    assert user.roles == ["unit_handler"] and user.check_password("long-enough-pass")
    r = c.post(f"/manage/users/{user.pk}/", {"full_name": "王五", "unit": "T01", "roles": ["unit_handler", "unit_leader"],
                                             "password": "another-long-pass", "is_active": "on"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.has_role("unit_leader") and user.check_password("another-long-pass")
    entry = ChangeLog.objects.filter(object_ref="t3handler", action="update").get()
    assert "password" in entry.changes and "another-long-pass" not in str(entry.changes)


def test_user_form_errors_are_shown(county, web):
    r = web("admin").post("/manage/users/new/", {"username": "weak", "roles": ["registrar"], "password": "12345678"})
    assert r.status_code == 400 and "密码" in r.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_admin_cannot_remove_own_admin_role(county, web):
    admin = county.users["admin"]
    r = web("admin").post(f"/manage/users/{admin.pk}/", {"full_name": "admin", "unit": "XFJ", "roles": ["auditor"],
                                                         "is_active": "on"})
    assert r.status_code == 400
    admin.refresh_from_db()
    assert admin.has_role("admin")


def test_admin_manages_categories(county, web):
    c = web("admin")
    assert c.post("/manage/categories/new/", {"code": "020000", "name": "农村农业", "version": "2026",
                                              "active": "on"}).status_code == 302
    assert c.post("/manage/categories/new/", {"code": "020100", "name": "土地承包", "version": "2026",
                                              "active": "on"}).status_code == 302
    child = Category.objects.get(code="020100")
    assert child.level == 2 and child.parent.code == "020000"
    r = c.post("/manage/categories/new/", {"code": "030101", "name": "无上级", "version": "1", "active": "on"})
    assert r.status_code == 400 and "上级分类" in r.content.decode()
    assert c.post("/manage/categories/020100/", {"name": "土地承包经营", "version": "2026"}).status_code == 302
    child.refresh_from_db()
    assert child.name == "土地承包经营" and not child.active
    assert ChangeLog.objects.filter(object_type="category").count() == 3


def test_admin_calendar_overrides_and_year(county, web):
    c = web("admin")
    r = c.post("/manage/calendar/", {"o-date": "2027-01-01", "o-is_workday": "0", "o-note": "元旦"})
    assert r.status_code == 302
    assert CalendarOverride.objects.get(date="2027-01-01").is_workday is False
    assert "元旦" in c.get("/manage/calendar/?year=2027").content.decode()
    r = c.post("/manage/calendar/", {"y-year": "2027", "y-confirmed": "on", "y-note": "国办发明电"})
    assert r.status_code == 302 and CalendarYear.objects.get(year=2027).confirmed
    assert c.post("/manage/calendar/2027-01-01/delete/").status_code == 302
    assert not CalendarOverride.objects.exists()
    assert c.post("/manage/calendar/2027-01-02/delete/").status_code == 404
    kinds = list(ChangeLog.objects.order_by("id").values_list("object_type", "action"))
    assert kinds == [("calendar_override", "create"), ("calendar_year", "create"), ("calendar_override", "delete")]


def _rules_post(**overrides):
    data = {f"period_{k}": v for k, v in {"dispose": 15, "accept": 15, "object": 5, "handle": 60, "review_request": 30,
                                          "review": 30, "recheck_request": 30, "recheck": 30, "evaluate": 30}.items()}
    data.update({"due_soon_workdays": 3, "max_extension_days": 30, "collective_threshold": 5, "ranking_min_sample": 15,
                 "roll_over_to_workday": "on", "note": "按省厅通知调整"})
    data.update(overrides)
    return data


def test_clock_settings_add_a_version_and_never_edit_old_ones(county, web, forwarded):
    before = list(RuleSet.objects.values_list("version", "due_soon_workdays", "periods"))
    old_due = forwarded.deadlines.get(kind="accept").due
    r = web("admin").post("/manage/rules/", _rules_post(due_soon_workdays=5, period_accept=10))
    assert r.status_code == 302
    latest = RuleSet.objects.order_by("-version").first()
    assert latest.due_soon_workdays == 5 and latest.periods["accept"] == 10
    assert list(RuleSet.objects.exclude(pk=latest.pk).values_list("version", "due_soon_workdays", "periods")) == before
    assert forwarded.deadlines.get(kind="accept").due == old_due  # existing deadlines do not move
    entry = ChangeLog.objects.get(object_type="ruleset")
    assert entry.changes["due_soon_workdays"] == [3, 5] and entry.changes["periods"]["accept"] == [15, 10]


def test_clock_settings_refuse_long_extension(web):
    r = web("admin").post("/manage/rules/", _rules_post(max_extension_days=45))
    assert r.status_code == 400
    assert RuleSet.objects.count() <= 1


def test_change_log_page(county, web):
    web("admin").post("/manage/calendar/", {"o-date": "2027-02-01", "o-is_workday": "1", "o-note": "调休"})
    body = web("admin").get("/manage/changes/").content.decode()
    assert "calendar_override" in body and "2027-02-01" in body
    assert "calendar_override" in web("admin").get("/manage/").content.decode()
