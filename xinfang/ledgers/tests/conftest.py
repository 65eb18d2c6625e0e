import datetime as dt

import pytest
import time_machine

from xinfang.workbench.tests.conftest import BACKEND

from . import helpers


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def web(county):
    from django.test import Client

    def make(username=None):
        c = Client()
        if username:
            c.force_login(county.users[username], backend=BACKEND)
        return c

    return make


@pytest.fixture
def world(county):
    """One row in every ledger (fixed day 2026-03-10)."""
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        return helpers.make_world(county)
