"""The routing help panel on the matter page: shown to who may see the matter, 404 otherwise."""

from __future__ import annotations

import pytest

from xinfang.testing.factories import register


@pytest.fixture
def matter(county):
    return register(county, title="不服法院判决要求再审", content="东关村村民反映").matter


@pytest.mark.parametrize("username, status", [("officer", 200), ("registrar", 200), ("handler2", 404)])
def test_panel_follows_matter_visibility(client, county, matter, username, status):
    client.force_login(county.users[username])
    r = client.get(f"/matters/{matter.number}/suggest/")
    assert r.status_code == status
    if status == 200:
        html = r.content.decode()
        assert 'data-pick-unit="ZFW"' in html and "第二十二条" in html
        assert "尚未训练模型" in html


def test_matter_page_loads_the_panel_in_the_forward_form(client, county, matter):
    client.force_login(county.users["officer"])
    html = client.get(f"/matters/{matter.number}/").content.decode()
    assert f'hx-get="/matters/{matter.number}/suggest/"' in html


def test_anonymous_is_sent_to_login(client, matter):
    r = client.get(f"/matters/{matter.number}/suggest/")
    assert r.status_code in (302, 401, 403)
