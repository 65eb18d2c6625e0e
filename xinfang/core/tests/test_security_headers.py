"""Security headers (issue 9 §5): CSP, no-store on everything personal, HSTS with secure cookies,
Referrer-Policy and Permissions-Policy."""

import os
import subprocess
import sys

import pytest
from django.test import Client
from rest_framework.test import APIClient

from xinfang.testing.factories import register

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(county, username):
    c = Client()
    c.force_login(county.users[username], backend=BACKEND)
    return c


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")


def test_every_page_has_the_strict_policy(county):
    matter = register(county).matter
    pages = [
        signed_in(county, "officer").get("/"),
        signed_in(county, "officer").get(f"/matters/{matter.number}/"),
        signed_in(county, "bleader").get("/supervision/"),
        Client().get("/login/"),
        Client().get("/public/"),
        Client().get("/public/track/"),
    ]
    for response in pages:
        assert response.status_code == 200
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
        assert policy["style-src-elem"] == "'self'" and policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
        html = response.content.decode()
        assert "<script>" not in html and " onclick=" not in html and "javascript:" not in html


def test_personal_data_is_never_cached(county):
    matter = register(county).matter
    officer = signed_in(county, "officer")
    for response in (officer.get("/"), officer.get(f"/matters/{matter.number}/"), officer.get("/matters/")):
        assert_no_store(response)
    api = APIClient()
    api.force_authenticate(county.users["officer"])
    assert_no_store(api.get("/api/v1/matters/"))
    assert_no_store(api.get(f"/api/v1/matters/{matter.number}/"))
    token = APIClient().post("/api/v1/auth/token/", {"username": "officer", "password": "pass-1234-word"},
                             format="json")
    assert_no_store(token)
    # The portal's tracking answers (HTML and API), even when the code is wrong.
    assert_no_store(Client().get("/public/track/"))
    assert_no_store(APIClient().get("/api/v1/public/track/", {"number": matter.number, "code": "WRONG"}))
    assert_no_store(Client().post("/public/track/", {"number": matter.number, "code": "WRONG"}))


def test_static_files_keep_their_cache(county):
    response = Client().get("/static/workbench/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_hsts_only_with_secure_cookies(county, settings):
    assert settings.SECURE_HSTS_SECONDS == 0  # the test (and demo) run is plain HTTP
    assert "Strict-Transport-Security" not in Client().get("/login/", secure=True)
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in Client().get("/login/")  # never on plain HTTP


@pytest.mark.parametrize(("secure", "expected"), [("1", "31536000"), ("0", "0")])
def test_hsts_follows_the_secure_cookie_setting(secure, expected):
    env = {**os.environ, "XINFANG_SECURE_COOKIES": secure, "DJANGO_SETTINGS_MODULE": "xinfang.settings"}
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS, "
                               "settings.SESSION_COOKIE_SECURE)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert out == [expected, str(secure == "1")]


def test_api_docs_run_no_inline_script(county):
    html = Client().get("/api/v1/docs/").content.decode()
    assert "<script>" not in html and "?script=" in html
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
