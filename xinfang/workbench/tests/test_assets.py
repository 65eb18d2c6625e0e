"""Issue 3 §7: every asset of the staff pages is served locally (no CDN, no web fonts from outside)."""

import re

import pytest
from django.contrib.staticfiles import finders

from xinfang.testing.factories import register

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)="([^"]+)"', re.I)


def assets(body: str) -> list[str]:
    return ASSET.findall(body) + re.findall(r"url\(['\"]?([^'\")]+)", body)


def test_staff_pages_load_only_local_assets(county, web):
    m = register(county).matter
    c = web("officer")
    found = set()
    for url in ("/login/", "/", "/matters/", f"/matters/{m.number}/", f"/matters/{m.number}/print/",
                "/register/visit/", "/batch/forward/", "/exports/"):
        body = (web() if url == "/login/" else c).get(url).content.decode()
        found |= set(assets(body))
    assert found, "no assets found: the pattern is wrong"
    for src in found:
        assert src.startswith("/") and not src.startswith("//"), f"external asset {src}"
    # the stylesheets themselves import nothing from outside
    for name in ("workbench/app.css", "workbench/app.js", "workbench/register.js"):
        with open(finders.find(name), encoding="utf-8") as fh:
            code = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)  # comments may cite URLs
        assert not re.search(r"https?://|@import", code), name
