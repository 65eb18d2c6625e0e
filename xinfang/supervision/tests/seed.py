"""A year of varied matters for the pages and the screenshots, built through the services."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from xinfang.core.errors import AppError
from xinfang.matters.services.actions import perform_action
from xinfang.testing.factories import register

UNITS = [("T01", "handler"), ("T02", "handler2"), ("D01", "dhandler")]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def seed_year(c, count: int = 36, seed: int = 7) -> list:
    rng = random.Random(seed)
    today = timezone.localdate()
    matters = []
    for i in range(count):
        received = today - dt.timedelta(days=rng.randint(3, 360))
        m = register(c, received_at=_at(received).isoformat()).matter
        matters.append(m)
        unit, handler = UNITS[i % len(UNITS)]
        steps = [
            ("officer", "forward", rng.randint(1, 17), {"unit": unit}),
            (handler, "accept", rng.randint(2, 18), {}),
            (handler, "reply", rng.randint(30, 70), {"outcome": "explain", "opinion": "已依法答复。", "legal_basis": "有关规定"}),
            ("registrar", "evaluate", rng.randint(1, 25),
             {"target": "unit", "rating": rng.choice(["satisfied", "satisfied", "basically_satisfied", "dissatisfied"]),
              "comment": "评价意见"}),
        ]
        day = received
        for username, action, gap, params in steps:
            day = day + dt.timedelta(days=gap)
            if day >= today or (action == "evaluate" and rng.random() < 0.3):
                break
            try:
                perform_action(actor=c.users[username], number=m.number, action=action,
                               params={**params, "occurred_at": _at(day, 9 + i % 8).isoformat()})
            except AppError:
                break
    return matters
