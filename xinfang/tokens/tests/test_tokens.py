"""API tokens with a lifetime (issue 9 §4): a new token per login, expiry, logout, password change,
listing and revoking (API and workbench, owner and administrator), last use recorded and throttled."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from xinfang.tokens.models import ApiToken

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def web(county):
    def make(username=None):
        c = Client()
        if username:
            c.force_login(county.users[username], backend="django.contrib.auth.backends.ModelBackend")
        return c

    return make


def login(username="officer", password=PASSWORD):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def client_with(token):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c


def assert_401(response):
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["error"]["code"] == "authentication_failed" and body["error"]["message"]
    assert response["WWW-Authenticate"] == "Token"


def test_each_login_gets_a_new_token_and_only_its_digest_is_stored(county):
    first, second = login().json(), login().json()
    assert first["token"] != second["token"] and len(first["token"]) == 40
    assert ApiToken.objects.filter(user=county.users["officer"]).count() == 2
    stored = set(ApiToken.objects.values_list("digest", flat=True))
    assert first["token"] not in stored and all(len(d) == 64 for d in stored)
    assert client_with(first["token"]).get("/api/v1/matters/").status_code == 200
    assert client_with(second["token"]).get("/api/v1/matters/").status_code == 200


def test_token_expires_after_the_configured_lifetime(county, settings):
    settings.XINFANG_TOKEN_TTL_HOURS = 12
    with time_machine.travel(T0, tick=False):
        body = login().json()
        assert body["expires_at"] == "2026-03-03T05:00:00+08:00"  # 09:00 UTC + 12 h, in Asia/Shanghai
    token = body["token"]
    with time_machine.travel(T0 + dt.timedelta(hours=11, minutes=59), tick=False):
        assert client_with(token).get("/api/v1/matters/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(hours=12), tick=False):
        assert_401(client_with(token).get("/api/v1/matters/"))


def test_logout_revokes_only_the_calling_token(county):
    a, b = login().json()["token"], login().json()["token"]
    assert client_with(a).post("/api/v1/auth/logout/").status_code == 204
    assert_401(client_with(a).get("/api/v1/matters/"))
    assert client_with(b).get("/api/v1/matters/").status_code == 200
    assert ApiToken.objects.get(prefix=a[:8]).revoked_reason == "logout"


def test_password_change_revokes_every_token(county, api):
    a, b = login().json()["token"], login().json()["token"]
    other = login("handler").json()["token"]
    user = county.users["officer"]
    user.set_password("another-pass-5678")
    user.save()
    assert_401(client_with(a).get("/api/v1/matters/"))
    assert_401(client_with(b).get("/api/v1/matters/"))
    assert client_with(other).get("/api/v1/matters/").status_code == 200
    assert set(ApiToken.objects.filter(user=user).values_list("revoked_reason", flat=True)) == {"password_change"}
    # A save without a new password (e.g. the login stamp) revokes nothing.
    c = login(password="another-pass-5678").json()["token"]
    user.refresh_from_db()
    user.save()
    assert client_with(c).get("/api/v1/matters/").status_code == 200


def test_inactive_user_and_garbage_are_401(county):
    token = login().json()["token"]
    user = county.users["officer"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_401(client_with(token).get("/api/v1/matters/"))
    assert_401(client_with("0" * 40).get("/api/v1/matters/"))
    assert_401(client_with("x" * 500).get("/api/v1/matters/"))


def test_last_use_is_recorded_at_most_once_a_minute(county, django_assert_max_num_queries):
    with time_machine.travel(T0, tick=False):
        token = login().json()["token"]
        c = client_with(token)
        c.get("/api/v1/regions/")
        row = ApiToken.objects.get(prefix=token[:8])
        assert row.last_used_at == T0 and row.last_used_ip == "127.0.0.1"
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        c.get("/api/v1/regions/")
        assert ApiToken.objects.get(pk=row.pk).last_used_at == T0  # throttled: not rewritten
    with time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False):
        c.get("/api/v1/regions/")
        assert ApiToken.objects.get(pk=row.pk).last_used_at == T0 + dt.timedelta(seconds=61)


def test_user_lists_and_revokes_own_tokens_not_others(county):
    mine, other = login().json()["token"], login("handler").json()["token"]
    c = client_with(mine)
    listed = c.get("/api/v1/auth/tokens/").json()
    assert [t["prefix"] for t in listed] == [mine[:8]] and listed[0]["active"] is True
    assert "digest" not in listed[0]
    other_id = ApiToken.objects.get(prefix=other[:8]).pk
    assert c.delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 404
    assert c.get("/api/v1/auth/tokens/?all=true").status_code == 403
    assert c.get("/api/v1/auth/tokens/?all=maybe").status_code == 400
    own_id = ApiToken.objects.get(prefix=mine[:8]).pk
    second = login().json()["token"]
    assert client_with(second).delete(f"/api/v1/auth/tokens/{own_id}/").status_code == 204
    assert_401(c.get("/api/v1/auth/tokens/"))
    assert ApiToken.objects.get(pk=own_id).revoked_reason == "user"


def test_admin_lists_and_revokes_anyones_token(county):
    victim = login("handler").json()["token"]
    admin = client_with(login("admin").json()["token"])
    listed = admin.get("/api/v1/auth/tokens/?all=true").json()
    assert {t["username"] for t in listed} == {"handler", "admin"}
    victim_id = ApiToken.objects.get(prefix=victim[:8]).pk
    assert admin.delete(f"/api/v1/auth/tokens/{victim_id}/").status_code == 204
    assert_401(client_with(victim).get("/api/v1/matters/"))
    row = ApiToken.objects.get(pk=victim_id)
    assert row.revoked_reason == "admin" and row.revoked_by == county.users["admin"]


def test_anonymous_gets_401_on_token_endpoints(county):
    assert_401_like = APIClient().get("/api/v1/auth/tokens/")
    assert assert_401_like.status_code == 401
    assert APIClient().delete("/api/v1/auth/tokens/1/").status_code == 401


# ---- workbench pages: permission matrix ---------------------------------------------------------

@pytest.mark.parametrize(("username", "mine", "manage"), [
    ("officer", 200, 403), ("handler", 200, 403), ("auditor", 200, 403), ("admin", 200, 200), (None, 302, 302),
])
def test_pages_permission_matrix(county, web, username, mine, manage):
    c = web(username)
    assert c.get("/account/tokens/").status_code == mine
    assert c.get("/manage/tokens/").status_code == manage


def test_page_lists_and_revokes_own_token(county, web, django_assert_max_num_queries):
    token = login("handler").json()["token"]
    login("handler")
    login("officer")
    c = web("handler")
    with django_assert_max_num_queries(6):
        page = c.get("/account/tokens/")
    html = page.content.decode()
    assert html.count(token[:8]) == 1 and "有效期 12 小时" in html
    row = ApiToken.objects.get(prefix=token[:8])
    other = ApiToken.objects.filter(user=county.users["officer"]).get()
    assert c.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404  # another user's token
    assert c.get(f"/account/tokens/{row.pk}/revoke/").status_code == 405
    assert c.post(f"/account/tokens/{row.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.get(pk=row.pk).is_active
    assert ApiToken.objects.get(pk=other.pk).is_active


def test_admin_page_lists_everyones_live_tokens(county, web, django_assert_max_num_queries):
    for name in ("officer", "handler", "handler2", "auditor"):
        login(name)
    admin = web("admin")
    with django_assert_max_num_queries(6):
        html = admin.get("/manage/tokens/").content.decode()
    for name in ("officer", "handler", "handler2", "auditor"):
        assert f'<span class="muted small mono">{name}</span>' in html
    victim = ApiToken.objects.get(user=county.users["handler2"])
    r = web("admin").post(f"/account/tokens/{victim.pk}/revoke/", {"back": "manage"})
    assert r.status_code == 302 and r["Location"] == "/manage/tokens/"
    assert ApiToken.objects.get(pk=victim.pk).revoked_reason == "admin"


def test_workbench_logout_keeps_api_tokens_apart(county):
    """Signing out of the browser session is not an API logout (a script may hold a token)."""
    token = login().json()["token"]
    c = Client()
    c.login(username="officer", password=PASSWORD)
    c.post("/logout/")
    assert client_with(token).get("/api/v1/matters/").status_code == 200
