"""Keyboard: one list of shortcuts shown by `?`, no key bound twice on a page, an exact number opens its matter."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from xinfang.testing.factories import register
from xinfang.workbench.shortcuts import SHORTCUTS

PAGES = ["/", "/register/visit/", "/register/letter/", "/matters/", "/documents/", "/supervision/", "/exports/"]


def login(county, username):
    c = Client()
    c.force_login(county.users[username])
    return c


@pytest.mark.parametrize("username", ["registrar", "officer", "bleader", "handler"])
def test_no_access_key_is_bound_twice_and_every_one_is_listed(county, username):
    c = login(county, username)
    listed = {k.split("+", 1)[1].lower() for k, _, _ in SHORTCUTS if k.startswith("Alt+")}
    for url in PAGES:
        html = c.get(url).content.decode()
        if 'accesskey="' not in html:
            continue
        keys = [k.lower() for k in re.findall(r'accesskey="([^"]+)"', html)]
        assert len(keys) == len(set(keys)), (url, keys)
        assert set(keys) <= listed, (url, set(keys) - listed)
        assert 'data-testid="shortcut-help"' in html and "键盘快捷键" in html


def test_an_exact_matter_number_opens_the_matter(county):
    m = register(county).matter
    c = login(county, "officer")
    r = c.get("/matters/", {"q": m.number.lower()})
    assert r.status_code == 302 and r["Location"] == f"/matters/{m.number}/"
    assert c.get("/matters/", {"q": m.number, "status": "open"}).status_code == 200  # with filters: the list
    other = login(county, "handler2").get("/matters/", {"q": m.number})  # not visible: an empty list, no hint
    assert other.status_code == 200 and other.context["result"].total == 0
