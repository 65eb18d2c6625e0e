"""Sign-in with lockout, and the role-specific home pages."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from xinfang.testing.factories import act, at, register

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"
TZ = dt.timezone(dt.timedelta(hours=8))


def test_login_page_and_sign_in(county):
    c = Client()
    r = c.get("/login/")
    assert r.status_code == 200 and "工作人员登录" in r.content.decode()
    r = c.post("/login/", {"username": "officer", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    assert "待处置事项" in c.get("/").content.decode()


def test_wrong_password_is_refused_in_chinese(county):
    r = Client().post("/login/", {"username": "officer", "password": "wrong-password"})
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()


def test_lockout_after_repeated_failures(county, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    c = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(2):
        assert c.post("/login/", {"username": "officer", "password": "nope-nope"}).status_code == 200
    r = c.post("/login/", {"username": "officer", "password": "nope-nope"})
    assert r.status_code == 429
    assert "登录失败次数过多" in r.content.decode()
    # Even the right password is refused while locked.
    r = c.post("/login/", {"username": "officer", "password": PASSWORD})
    assert r.status_code == 429
    assert "_auth_user_id" not in c.session
    # Another user from the same address is not locked (username + address pair).
    r = c.post("/login/", {"username": "registrar", "password": PASSWORD})
    assert r.status_code == 302


def test_logout_is_post_only(web):
    c = web("officer")
    assert c.get("/logout/").status_code == 405
    r = c.post("/logout/")
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert c.get("/").status_code == 302


def test_anonymous_is_sent_to_login(web):
    r = web().get("/matters/")
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=/matters/")


def test_account_without_roles_sees_an_explanation(web):
    r = web("nobody").get("/")
    assert r.status_code == 403
    assert "尚未分配角色" in r.content.decode()


def test_registrar_home_counts_today_and_repeats(county, web):
    c = web("registrar")
    body = c.get("/").content.decode()
    assert "快速登记" in body and 'data-testid="today-count">0<' in body
    m = register(county).matter
    from xinfang.matters.services.registration import add_petition

    add_petition(actor=county.users["registrar"], matter=m, data={"channel": "visit", "petitioners": []})
    body = c.get("/").content.decode()
    assert 'data-testid="today-count">2<' in body
    assert m.title[:10] in body


def test_officer_home_lists_matters_to_dispose_by_due(county, web, django_assert_max_num_queries):
    m1 = register(county).matter
    m2 = register(county).matter
    c = web("officer")
    # 15: the 14 of the home page plus the unread-notice badge's one COUNT (notices context processor).
    with django_assert_max_num_queries(15):
        body = c.get("/").content.decode()
    assert 'data-testid="dispose-count">2<' in body
    assert m1.number in body and m2.number in body
    act(county, "officer", m1, "forward", unit="T01")
    body = c.get("/").content.decode()
    assert 'data-testid="dispose-count">1<' in body
    assert "城关镇人民政府" in body  # due-by-unit table


@time_machine.travel(dt.datetime(2026, 9, 30, 9, tzinfo=TZ), tick=False)
def test_unit_inbox_sorted_by_due_with_colours(county, web):
    # Forwarded 09-10: accept clock 15 days → 09-25 holiday → 09-28: overdue on 09-30.
    late = register(county, received_at=at("2026-09-09")).matter
    act(county, "officer", late, "forward", unit="T01", occurred_at=at("2026-09-10"))
    # Forwarded 09-29: object clock 5 working days → 10-12; accept → 10-14: not due soon.
    fresh = register(county, received_at=at("2026-09-28")).matter
    act(county, "officer", fresh, "forward", unit="T01", occurred_at=at("2026-09-29"))
    other = register(county).matter
    act(county, "officer", other, "forward", unit="T02")
    body = web("handler").get("/").content.decode()
    assert 'data-testid="to-accept-count">2<' in body
    assert other.number not in body  # another unit's matter
    assert body.index(late.number) < body.index(fresh.number)  # nearest due first
    row = body[body.index(late.number) - 200: body.index(late.number)]
    assert "row--overdue" in row


@time_machine.travel(dt.datetime(2026, 10, 9, 9, tzinfo=TZ), tick=False)
def test_due_soon_uses_working_days_setting(county, web):
    # Forwarded 09-27 → accept clock 15 days → 10-12 (Mon). On Fri 10-09, 10-10 (Sat) is a make-up
    # working day, so 10-12 is 2 working days away: due soon with the default 3. (The 5-working-day
    # objection window is a right that lapses, not an obligation, so it never colours a row.)
    m = register(county, received_at=at("2026-09-26")).matter
    act(county, "officer", m, "forward", unit="T01", occurred_at=at("2026-09-27"))
    body = web("handler").get("/").content.decode()
    row = body[body.index(m.number) - 200: body.index(m.number)]
    assert "row--due-soon" in row
    from xinfang.workdays.models import RuleSet

    current = RuleSet.objects.order_by("-version").first()
    RuleSet.objects.create(version=current.version + 1, periods=current.periods, due_soon_workdays=1)
    body = web("handler").get("/").content.decode()
    row = body[body.index(m.number) - 200: body.index(m.number)]
    assert "row--due-soon" not in row and "row--overdue" not in row


def test_leader_and_auditor_see_read_only_counts(county, web, forwarded):
    for username in ("bleader", "cleader", "auditor"):
        body = web(username).get("/").content.decode()
        assert "全县信访事项概况" in body
        assert "/matters/?status=forwarded%2Cassigned" in body
        assert "可办理操作" not in body


def test_unit_leader_sees_extension_to_approve(county, web, forwarded):
    act(county, "handler", forwarded, "accept")
    act(county, "handler", forwarded, "request_extension", days=10, reason="需会商")
    body = web("uleader").get("/").content.decode()
    assert 'data-testid="extension-count">1<' in body
    assert "延期待批准" in body


def _tiles(body):
    """(label, value, href or None) of every count tile on a home page."""
    import html
    import re

    found = re.findall(r'<(a|div) class="tile[^"]*"(?: href="([^"]*)")?><div class="tile__label">([^<]+)</div>'
                       r'<div class="tile__value"[^>]*>(\d+)<', body)
    return [(label, int(value), html.unescape(href) if tag == "a" else None) for tag, href, label, value in found]


def test_every_count_that_links_to_a_list_matches_that_list(county, web):
    # More rows than the home lists show (10), so a count taken from the shown rows would be wrong.
    from xinfang.matters.models import Matter

    matters = [register(county).matter for _ in range(14)]
    for m in matters[:12]:
        act(county, "officer", m, "forward", unit="T01")
    Matter.objects.filter(pk__in=[m.pk for m in matters[:11]]).update(status="return_requested")
    Matter.objects.filter(pk__in=[m.pk for m in matters[11:12]]).update(status="review_requested")
    checked = 0
    for username in ("registrar", "officer", "handler", "uleader", "bleader", "cleader", "auditor"):
        c = web(username)
        for label, value, href in _tiles(c.get("/").content.decode()):
            if not href or not href.startswith("/matters/"):
                continue
            listed = c.get(href).context["result"].total
            assert listed == value, f"{username}: {label} shows {value}, its list {href} has {listed}"
            checked += 1
    assert checked >= 20
    body = web("officer").get("/").content.decode()
    assert 'data-testid="returns-count">11<' in body
    # The town's matter under 复查 is the review body's work, not the town's to-do.
    inbox = web("handler").get("/").content.decode()
    assert "复查中" in inbox and "复查待办" not in inbox


def test_admin_home_puts_the_administration_first(web):
    body = web("admin").get("/").content.decode()
    assert 'data-testid="admin-links"' in body and "/manage/units/" in body
    assert body.index('data-testid="admin-links"') < body.index("各单位在办、临期与超期")
    assert 'data-testid="admin-links"' not in web("bleader").get("/").content.decode()


def test_unit_home_shows_supervision_waiting_for_its_answer(county, web):
    """督办 addressed to the unit appear on its home with the count of its own list."""
    from xinfang.org.models import User
    from xinfang.supervision.services.records import record_create

    m = register(county).matter
    act(county, "officer", m, "forward", unit="T01")
    officer = User.objects.get(username="officer")
    for kind in ("urge", "reminder"):
        record_create(actor=officer, data={"kind": kind, "method": "online", "target_unit": "T01",
                                           "title": "请尽快签收", "content": "请于三日内签收受理。",
                                           "matters": [m.number]})
    c = web("handler")
    body = c.get("/").content.decode()
    assert 'data-testid="supervision-count">2<' in body
    listed = c.get("/supervision/records/?state=open").content.decode()
    assert listed.count("请尽快签收") >= 2
    assert 'data-testid="supervision-count">0<' in web("handler2").get("/").content.decode()


def test_unit_inbox_does_not_colour_another_bodys_review_clock(county, web):
    """A town's matter under the government's 复查: the 30-day clock is the government's, not the town's."""
    m = register(county, received_at=at("2026-06-01")).matter
    act(county, "officer", m, "forward", unit="T01", occurred_at=at("2026-06-02"))
    act(county, "handler", m, "accept", occurred_at=at("2026-06-03"))
    act(county, "handler", m, "reply", outcome="explain", opinion="已作说明。", legal_basis="《信访工作条例》第三十二条",
        occurred_at=at("2026-06-10"))
    act(county, "handler", m, "deliver", method="in_person", occurred_at=at("2026-06-11"))
    m = act(county, "officer", m, "request_review", reason="不服处理意见", occurred_at=at("2026-06-20"))
    assert m.status == "review_requested" and m.review_body.code != "T01"
    body = web("handler").get("/").content.decode()  # months later: the review clock is long overdue
    row = body[body.index(m.number) - 200: body.index(m.number) + 600]
    assert "row--overdue" not in row and "复查/复核机关办理中" in row
