import re

import pytest
from django.core.cache import cache

from xinfang.notifications.senders.logging import LoggingSender
from xinfang.portal.protection.challenge import NUMERALS


@pytest.fixture(autouse=True)
def fresh_state(settings):
    """Rate-limit counters live in the cache: every test starts clean. No minimum fill time."""
    cache.clear()
    LoggingSender.clear()
    settings.XINFANG_PORTAL_MIN_FILL_SECONDS = 0
    yield
    cache.clear()


def solve(question: str) -> str:
    """Answer the portal's arithmetic challenge the way a person reads it."""
    a, b = [NUMERALS.index(ch) for ch in re.findall(f"[{NUMERALS}]", question)][:2]
    return str(a - b if "减" in question else a + b)


def petition_fields(county, **overrides) -> dict:
    data = {
        "name": "王小明", "id_number": "11010519491231002X", "phone": "13912345678", "email": "",
        "address": "城关镇东关村 8 号", "purpose": "request", "town": county.town_region.code,
        "village": county.village.code, "region_detail": "幸福小区", "category_top": "010000", "category": "010100",
        "title": "小区停车收费问题", "request": "请求退还多收的停车费。", "facts": "物业公司自 2026 年 3 月起每月多收 50 元。",
        "consent": "on", "website": "",
    }
    data.update(overrides)
    return data


def fill(client, url: str, fields: dict) -> dict:
    """GET the form and add its hidden token and the challenge answer to ``fields``."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = dict(fields)
    data.setdefault("form_token", form.initial["form_token"])
    data.setdefault("challenge_token", form.initial["challenge_token"])
    data.setdefault("challenge_answer", solve(form.challenge_question))
    return data


@pytest.fixture
def submit_petition(client, county, django_capture_on_commit_callbacks):
    """Submit the online petition form like a person would; returns (response, matter, petition)."""

    def do(**overrides):
        from xinfang.portal.models import PortalSubmission

        data = fill(client, "/public/submit/", petition_fields(county, **overrides))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/public/submit/", data)
        submission = PortalSubmission.objects.filter(token=data["form_token"]).first()
        if submission is None:
            return response, None, None
        return response, submission.matter, submission.petition

    return do
