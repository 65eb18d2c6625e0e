import itertools

import pytest
from django.test import Client

from xinfang.testing.factories import petition_data, register

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.XINFANG_EXPORT_DIR = tmp_path / "exports"
    settings.XINFANG_EXPORT_INLINE = True


@pytest.fixture
def web(county):
    """web("officer") is a Django test client signed in as that demo user; web() is anonymous."""

    def make(username=None):
        c = Client()
        if username:
            c.force_login(county.users[username], backend=BACKEND)
        return c

    return make


@pytest.fixture
def registered(county):
    """A matter registered by the bureau (held by the bureau, status registered)."""
    return register(county).matter


@pytest.fixture
def forwarded(county):
    """A matter forwarded to the town T01 (handler/uleader's unit)."""
    from xinfang.testing.factories import act

    matter = register(county).matter
    return act(county, "officer", matter, "forward", unit="T01")


_phones = itertools.count(10000001)


def unique_phone() -> str:
    return f"139{next(_phones):08d}"


def form_data(county, **overrides):
    """POST data for the visit registration form (one petitioner row)."""
    data = petition_data(county)
    person = data["petitioners"][0]
    post = {
        "channel": "visit", "received_at": "", "purpose": "request", "category": data["category"],
        "region": data["region"], "title": data["title"], "content": data["content"], "public": "on",
        "idempotency_key": "k-" + data["title"], "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "200",
        "p-0-name": person["name"], "p-0-id_number": person["id_number"], "p-0-phone": unique_phone(),
        "p-0-address": person["address"],
    }
    post.update(overrides)
    return post
