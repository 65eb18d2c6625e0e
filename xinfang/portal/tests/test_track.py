"""Tracking with number + 查询码 (portal pages): throttled, logged, session-bound, nothing leaked."""

import datetime as dt

import pytest
import time_machine

from xinfang.core.models import AccessLog
from xinfang.matters.services.registration import add_petition
from xinfang.testing.factories import act, at, register, valid_id

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def track(client, number, code, **extra):
    return client.post("/public/track/", {"number": number, "code": code}, **extra)


@pytest.fixture
def handled(county):
    """A matter forwarded to the town and accepted (staff acts through the services)."""
    result = register(county)
    act(county, "officer", result.matter, "forward", unit="T01", note="内部备注：注意稳控")
    act(county, "handler", result.matter, "accept")
    return result


def test_correct_code_opens_the_matter_and_is_logged(client, county, handled):
    number, code = handled.matter.number, handled.petition.query_code
    response = track(client, number, f" {code.lower()[:5]} {code.lower()[5:]} ")  # spaces and case forgiven
    assert response.status_code == 302 and response["Location"] == f"/public/matter/{number}/"
    log = AccessLog.objects.get(kind="public_track")
    assert log.object_ref == number and log.detail["petition"] == handled.petition.number and log.user is None
    html = client.get(response["Location"]).content.decode()
    assert "城关镇人民政府" in html and "已受理，正在办理" in html
    assert "转送" in html and "受理" in html and "出具信访处理意见" in html  # timeline and the handle deadline


def test_petition_number_with_its_code_also_works(client, handled):
    assert track(client, handled.petition.number, handled.petition.query_code).status_code == 302


def test_nothing_personal_or_internal_on_the_page(client, county, handled):
    track(client, handled.matter.number, handled.petition.query_code)
    html = client.get(f"/public/matter/{handled.matter.number}/").content.decode()
    person = handled.petition.persons.get()
    for secret in (person.id_number, person.phone, person.id_number[-6:], "13812345678", "内部备注", "稳控",
                   "officer", "handler", "registrar"):
        assert secret not in html
    assert handled.petition.query_code not in html  # the code is never echoed on the page


def test_wrong_codes_are_refused_logged_and_throttled(client, county, handled, settings):
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 3
    number = handled.matter.number
    for _ in range(2):
        response = track(client, number, "WRONGCODE1")
        assert response.status_code == 200 and "编号或查询码不正确" in response.content.decode()
    response = track(client, number, "WRONGCODE2")
    assert response.status_code == 429
    html = response.content.decode()
    assert "查询码输入错误次数过多" in html and "15 分钟后再试" in html
    # even the right code waits now, from this address
    assert track(client, number, handled.petition.query_code).status_code == 429
    assert AccessLog.objects.filter(kind="public_track_failed").count() == 4
    assert not AccessLog.objects.filter(kind="public_track").exists()


def test_a_stranger_cannot_lock_the_petitioner_out(client, county, handled, settings):
    """Issue 9 §7: wrong codes from address X never lock the number for address Y."""
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 3
    number = handled.matter.number
    for i in range(6):
        track(client, number, f"WRONGCODE{i}", REMOTE_ADDR="10.6.6.6")
    assert track(client, number, handled.petition.query_code, REMOTE_ADDR="10.6.6.6").status_code == 429
    assert track(client, number, handled.petition.query_code, REMOTE_ADDR="10.1.1.1").status_code == 302
    # the API shares the counters and the rule
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.get("/api/v1/public/track/", {"number": number, "code": "WRONGCODE9"},
                   REMOTE_ADDR="10.6.6.6").status_code == 429
    ok = api.get("/api/v1/public/track/", {"number": number, "code": handled.petition.query_code},
                 REMOTE_ADDR="10.2.2.2")
    assert ok.status_code == 200, ok.content


def test_one_address_guessing_many_numbers_is_stopped(client, county, handled, settings):
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 3
    settings.XINFANG_PORTAL_TRACK_IP_FAILURE_LIMIT = 4
    others = [register(county).matter.number for _ in range(4)]
    for number in others:  # one wrong code each: no pair reaches its limit, the address does
        track(client, number, "WRONGCODE1", REMOTE_ADDR="10.7.7.7")
    blocked = track(client, handled.matter.number, handled.petition.query_code, REMOTE_ADDR="10.7.7.7")
    assert blocked.status_code == 429
    assert track(client, handled.matter.number, handled.petition.query_code, REMOTE_ADDR="10.8.8.8").status_code == 302


def test_lockout_ends_after_the_wait(client, county, handled, settings):
    settings.XINFANG_PORTAL_TRACK_FAILURE_LIMIT = 2
    with time_machine.travel(dt.datetime.now(tz=CST), tick=False) as clock:
        track(client, handled.matter.number, "BADBADBAD1")
        track(client, handled.matter.number, "BADBADBAD2")
        assert track(client, handled.matter.number, handled.petition.query_code).status_code == 429
        clock.shift(dt.timedelta(minutes=16))
        assert track(client, handled.matter.number, handled.petition.query_code).status_code == 302


def test_unknown_number_answers_like_a_wrong_code(client, handled):
    unknown = track(client, "XF2099-999999", "ABCDEFGH23").content.decode()
    wrong = track(client, handled.matter.number, "ABCDEFGH23").content.decode()
    assert "编号或查询码不正确" in unknown and "编号或查询码不正确" in wrong


def test_one_matters_code_never_opens_another(client, county, handled):
    other = register(county)
    assert track(client, other.matter.number, handled.petition.query_code).status_code == 200  # refused
    assert client.get(f"/public/matter/{other.matter.number}/").status_code == 302
    track(client, handled.matter.number, handled.petition.query_code)
    assert client.get(f"/public/matter/{other.matter.number}/").status_code == 302  # still not granted


def test_matter_page_requires_the_session_grant_and_it_lapses(client, handled, settings):
    url = f"/public/matter/{handled.matter.number}/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/public/track/?number=")
    with time_machine.travel(dt.datetime.now(tz=CST), tick=False) as clock:
        track(client, handled.matter.number, handled.petition.query_code)
        assert client.get(url).status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(url).status_code == 200  # activity keeps it alive
        clock.shift(dt.timedelta(minutes=31))
        assert client.get(url).status_code == 302


def test_sign_out_removes_the_grant(client, handled):
    track(client, handled.matter.number, handled.petition.query_code)
    client.post(f"/public/matter/{handled.matter.number}/signout/")
    assert client.get(f"/public/matter/{handled.matter.number}/").status_code == 302


def test_a_repeat_petitioner_sees_no_one_elses_receipt(client, county, handled):
    repeat = add_petition(actor=county.users["registrar"], matter=handled.matter, data={
        "channel": "phone", "petitioners": [{"name": "赵六", "id_number": valid_id(77), "phone": "13700001111"}]})
    track(client, handled.matter.number, repeat.petition.query_code)
    response = client.get(f"/public/matter/{handled.matter.number}/")
    view = response.context["view"]
    receipts = [n for n in view["notices"] if n["type"] == "registration_receipt"]
    assert len(receipts) == 1 and receipts[0]["event_seq"] != 1  # only the repeat's own receipt
    assert all(not n["available"] for n in view["notices"])  # two parties: no download of shared notices
    html = response.content.decode()
    assert "张三" not in html and "赵六" not in html


def test_non_public_matter_shows_only_a_notice(client, county):
    result = register(county, public=False)
    track(client, result.matter.number, result.petition.query_code)
    response = client.get(f"/public/matter/{result.matter.number}/")
    html = response.content.decode()
    assert "不在网上公开办理过程" in html and result.matter.title not in html


def test_matter_page_query_count_is_bounded(client, county, handled, django_assert_max_num_queries):
    for _ in range(3):
        act(county, "handler", handled.matter, "start_hearing")
        act(county, "handler", handled.matter, "end_hearing")
    track(client, handled.matter.number, handled.petition.query_code)
    with django_assert_max_num_queries(16):
        assert client.get(f"/public/matter/{handled.matter.number}/").status_code == 200


@time_machine.travel(dt.datetime(2026, 12, 15, 9, tzinfo=CST), tick=False)
def test_timeline_shows_each_step_with_dates_and_unit_names(client, county):
    result = register(county, received_at=at("2026-09-10"))
    m = result.matter
    act(county, "officer", m, "forward", unit="T01", occurred_at=at("2026-09-11"))
    act(county, "handler", m, "accept", occurred_at=at("2026-09-14"))
    act(county, "handler", m, "request_extension", days=10, reason="需现场核查", occurred_at=at("2026-10-01"))
    act(county, "uleader", m, "approve_extension", occurred_at=at("2026-10-02"))
    act(county, "handler", m, "reply", outcome="support", opinion="予以支持，责令退还。", legal_basis="《价格法》",
        report="内部办结报告", occurred_at=at("2026-10-20"))
    track(client, m.number, result.petition.query_code)
    view = client.get(f"/public/matter/{m.number}/").context["view"]
    steps = [(e["label"], e["date"].isoformat(), e["unit_name"]) for e in view["timeline"]]
    assert steps == [
        ("登记", "2026-09-10", "示范县信访局"), ("转送", "2026-09-11", "示范县信访局"),
        ("受理", "2026-09-14", "城关镇人民政府"), ("延长办理期限", "2026-10-02", "城关镇人民政府"),
        ("出具信访处理意见书", "2026-10-20", "城关镇人民政府"),
    ]
    assert "转送城关镇人民政府办理" in view["timeline"][1]["detail"]
    assert "需现场核查" in view["timeline"][3]["detail"]
    assert "内部办结报告" not in str(view)
    handle = next(d for d in view["deadlines"] if d["kind"] == "handle")
    assert handle["state"] == "met" and handle["due"].isoformat() == "2026-11-23"  # 60 + 10 days
    assert [n["type"] for n in view["notices"]] == [
        "registration_receipt", "acceptance_notice", "extension_notice", "handling_opinion"]
    assert view["appeal"]["message"].startswith("信访处理意见书送达后")


def test_the_acceptance_notice_downloads_from_the_matter_page(client, handled):
    track(client, handled.matter.number, handled.petition.query_code)
    html = client.get(f"/public/matter/{handled.matter.number}/").content.decode()
    url = f"/public/matter/{handled.matter.number}/notices/3/acceptance_notice/"
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
    # internal documents and other matters' documents are never served
    assert client.get(f"/public/matter/{handled.matter.number}/notices/2/forwarding_letter/").status_code == 404
    assert client.get(f"/public/matter/{handled.matter.number}/notices/3/acceptance_notice/exe/").status_code == 404
