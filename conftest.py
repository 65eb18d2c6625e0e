import pytest

pytest_plugins = ["xinfang.testing.browser"]


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Reference data is cached per process (xinfang.core.refcache); each test has its own rows."""
    from xinfang.core import refcache

    refcache.clear_local()
    yield
    refcache.clear_local()


@pytest.fixture
def county(db):
    from xinfang.testing.factories import make_county

    return make_county()


@pytest.fixture
def api(county):
    """An API client factory: api("officer") is logged in as that demo user."""
    from rest_framework.test import APIClient

    def make(username=None):
        client = APIClient()
        if username:
            client.force_authenticate(county.users[username])
        return client

    return make


def pytest_configure(config):
    from django.conf import settings

    # Fast hashing in tests only (the demo and production keep Django's default PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    # Documents are rendered after commit; in tests that commit, render in the callback itself
    # (no background thread outliving the test). The thread runner has its own test.
    settings.XINFANG_AFTER_COMMIT = "inline"
