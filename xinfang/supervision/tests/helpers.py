"""Timeline helpers for supervision tests: every act happens on its own (travelled-to) day."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine

from xinfang.supervision import engine
from xinfang.testing.factories import act, at, register

TZ = ZoneInfo("Asia/Shanghai")


def moment(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


@contextmanager
def on(day: str, hour: int = 10):
    with time_machine.travel(moment(day, hour), tick=False):
        yield


def new_matter(c, day: str, **overrides):
    with on(day):
        return register(c, received_at=at(day), **overrides).matter


def do(c, username, matter, action: str, day: str, **params):
    with on(day):
        return act(c, username, matter, action, occurred_at=at(day), **params)


def run_on(day: str, **kw) -> engine.RunResult:
    with on(day, 6):
        return engine.run(dt.date.fromisoformat(day), **kw)


def accepted(c, received: str, forwarded: str, accepted_on: str, unit="T01", handler="handler", **overrides):
    m = new_matter(c, received, **overrides)
    do(c, "officer", m, "forward", forwarded, unit=unit)
    return do(c, handler, m, "accept", accepted_on)


def replied(c, received, forwarded, accepted_on, replied_on, delivered_on=None, **kw):
    m = accepted(c, received, forwarded, accepted_on, **kw)
    handler = kw.get("handler", "handler")
    m = do(c, handler, m, "reply", replied_on, outcome="explain", opinion="经核查已解释说明。", legal_basis="《信访工作条例》")
    if delivered_on:
        m = do(c, handler, m, "deliver", delivered_on, method="in_person", signed=True)
    return m
