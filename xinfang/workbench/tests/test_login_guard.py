"""Issue 9 §8: login lockout per (username, address) by axes, plus a per-username ceiling across
addresses that asks for an image challenge instead of locking the real user out."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from xinfang.workbench import login_guard

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.XINFANG_LOGIN_USERNAME_LIMIT = 4
    settings.XINFANG_LOGIN_USERNAME_WINDOW_HOURS = 24
    cache.clear()


def login(client, password, *, addr, **extra):
    return client.post("/login/", {"username": "handler", "password": password, **extra}, REMOTE_ADDR=addr)


def nonce_of(response) -> str:
    match = re.search(r'name="challenge" value="([^"]+)"', response.content.decode())
    assert match, "the challenge is shown"
    return match.group(1)


def answer_of(nonce: str) -> str:
    a, b, _ = cache.get(f"xf:login:ch:{nonce}")
    return str(a + b)


def spread_failures(n):
    """A stranger guessing from n different addresses (one try each: no pair lock anywhere)."""
    for i in range(n):
        login(Client(), "wrong-guess", addr=f"10.0.0.{i + 1}")


def test_below_the_ceiling_no_challenge(county):
    spread_failures(2)
    r = login(Client(), "wrong-again", addr="10.9.9.9")
    assert r.status_code == 200 and 'name="challenge"' not in r.content.decode()
    assert login(Client(), PASSWORD, addr="10.9.9.8").status_code == 302


def test_at_the_ceiling_the_right_password_alone_is_not_checked(county):
    spread_failures(4)
    c = Client()
    r = login(c, PASSWORD, addr="192.168.1.5")
    body = r.content.decode()
    assert r.status_code == 200 and "请同时填写验证图片中算式的结果" in body
    assert 'data-testid="login-challenge"' in body
    assert "_auth_user_id" not in c.session


def test_right_password_and_right_answer_get_in_and_clear_the_count(county):
    spread_failures(12)  # however many a stranger made
    c = Client()
    first = login(c, PASSWORD, addr="192.168.1.5")
    nonce = nonce_of(first)
    r = login(c, PASSWORD, addr="192.168.1.5", challenge=nonce, challenge_answer=answer_of(nonce))
    assert r.status_code == 302 and c.session["_auth_user_id"] == str(county.users["handler"].pk)
    assert login_guard.failures("handler") == 0
    assert 'name="challenge"' not in login(Client(), "wrong", addr="10.1.1.1").content.decode()


def test_wrong_answer_or_reused_challenge_is_refused(county):
    spread_failures(4)
    c = Client()
    nonce = nonce_of(login(c, PASSWORD, addr="192.168.1.5"))
    right = answer_of(nonce)
    wrong = login(c, PASSWORD, addr="192.168.1.5", challenge=nonce, challenge_answer=str(int(right) + 1))
    assert wrong.status_code == 200 and "_auth_user_id" not in c.session
    reused = login(c, PASSWORD, addr="192.168.1.5", challenge=nonce, challenge_answer=right)  # used up
    assert reused.status_code == 200 and "_auth_user_id" not in c.session
    assert nonce_of(reused) != nonce  # a fresh one each time


def test_wrong_password_with_right_answer_counts_and_keeps_the_challenge(county):
    spread_failures(4)
    c = Client()
    nonce = nonce_of(login(c, PASSWORD, addr="192.168.1.5"))
    r = login(c, "still-wrong", addr="192.168.1.5", challenge=nonce, challenge_answer=answer_of(nonce))
    assert r.status_code == 200 and "用户名或密码错误" in r.content.decode()
    assert nonce_of(r) and login_guard.failures("handler") >= 5


def test_the_challenge_lapses_after_a_quiet_window(county):
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        spread_failures(4)
        assert login_guard.challenge_required("handler")
        clock.shift(dt.timedelta(hours=23))
        c = Client()
        nonce = nonce_of(login(c, "no-answer", addr="10.2.2.1"))  # not checked, not counted
        login(c, "wrong", addr="10.2.2.1", challenge=nonce, challenge_answer=answer_of(nonce))
        # … a checked failure at the ceiling starts the window again (slower backoff)
        clock.shift(dt.timedelta(hours=23))
        assert login_guard.challenge_required("handler")
        clock.shift(dt.timedelta(hours=2))
        assert not login_guard.challenge_required("handler")
        assert login(Client(), PASSWORD, addr="10.2.2.2").status_code == 302


def test_unknown_usernames_count_alike(county):
    """No oracle: a name that does not exist gets the same challenge at the same count."""
    for i in range(4):
        Client().post("/login/", {"username": "nosuchuser", "password": "x"}, REMOTE_ADDR=f"10.3.0.{i}")
    r = Client().post("/login/", {"username": "nosuchuser", "password": "x"}, REMOTE_ADDR="10.3.1.1")
    assert 'data-testid="login-challenge"' in r.content.decode()


def test_challenge_image(county):
    nonce = login_guard.new_challenge()
    r = Client().get(f"/login/challenge/{nonce}.png")
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.content.startswith(b"\x89PNG")
    assert r["Cache-Control"] == "no-store"
    assert Client().get("/login/challenge/nope.png").status_code == 404


def test_api_token_at_the_ceiling_waits_for_a_web_login(county):
    spread_failures(4)
    api = APIClient()
    refused = api.post("/api/v1/auth/token/", {"username": "handler", "password": PASSWORD}, format="json")
    assert refused.status_code == 400 and "token" not in refused.json()
    c = Client()
    nonce = nonce_of(login(c, PASSWORD, addr="192.168.1.5"))
    assert login(c, PASSWORD, addr="192.168.1.5", challenge=nonce, challenge_answer=answer_of(nonce)).status_code == 302
    ok = api.post("/api/v1/auth/token/", {"username": "handler", "password": PASSWORD}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]


def test_api_failures_count_toward_the_ceiling(county):
    for i in range(4):
        APIClient().post("/api/v1/auth/token/", {"username": "handler", "password": "bad"}, format="json",
                         REMOTE_ADDR=f"10.4.0.{i}")
    assert login_guard.challenge_required("handler")


def test_axes_still_locks_the_pair_not_the_user(county, settings):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    settings.XINFANG_LOGIN_USERNAME_LIMIT = 100
    for _ in range(5):
        login(Client(), "wrong", addr="10.5.5.5")
    assert login(Client(), PASSWORD, addr="10.5.5.5").status_code == 429  # this address waits
    assert login(Client(), PASSWORD, addr="10.6.6.6").status_code == 302  # the real user elsewhere does not
    assert AccessAttempt.objects.filter(ip_address="10.5.5.5").exists()
