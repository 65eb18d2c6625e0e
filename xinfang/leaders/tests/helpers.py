"""Shared helpers of the leaders' tests: days travelled to, API calls, a matter in 复核."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine

from xinfang.org.models import User
from xinfang.supervision import engine
from xinfang.testing.factories import act, at, register

TZ = ZoneInfo("Asia/Shanghai")


def moment(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


@contextmanager
def on(day: str, hour: int = 10):
    with time_machine.travel(moment(day, hour), tick=False):
        yield


def run_on(day: str) -> engine.RunResult:
    with on(day, 6):
        return engine.run(dt.date.fromisoformat(day))


def add_leader(c, username="secretary", full_name="李书记"):
    user = User(username=username, full_name=full_name, unit=c.government, roles=["county_leader"])
    user.set_password("pass-1234-word")
    user.save()
    c.users[username] = user
    return user


def new_matter(c, day: str, **overrides):
    with on(day):
        return register(c, received_at=at(day), **overrides).matter


def do(c, username, matter, action: str, day: str, **params):
    with on(day):
        return act(c, username, matter, action, occurred_at=at(day), **params)


def in_recheck(c, start="2026-06-01"):
    """A matter handled by T01, reviewed by the county government (upheld), now in 复核 at the city."""
    d = dt.date.fromisoformat(start)

    def day(n):
        return (d + dt.timedelta(days=n)).isoformat()

    m = new_matter(c, day(0))
    do(c, "officer", m, "forward", day(1), unit="T01")
    do(c, "handler", m, "accept", day(2))
    do(c, "handler", m, "reply", day(10), outcome="not_support", opinion="不予支持。", legal_basis="《信访工作条例》")
    do(c, "handler", m, "deliver", day(11), method="in_person", signed=True)
    do(c, "officer", m, "request_review", day(12), reason="不服处理意见")
    do(c, "officer", m, "review_decide", day(20), outcome="uphold", opinion="维持。")
    do(c, "officer", m, "deliver", day(21), method="in_person", signed=True)
    return do(c, "officer", m, "request_recheck", day(22), reason="不服复查意见")


def post(client, url, data, day: str | None = None, hour: int = 10):
    if day is None:
        return client.post(url, data, format="json")
    with on(day, hour):
        return client.post(url, data, format="json")


def get(client, url, day: str | None = None, **params):
    if day is None:
        return client.get(url, params)
    with on(day):
        return client.get(url, params)
