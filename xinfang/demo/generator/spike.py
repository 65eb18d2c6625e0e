"""A spike for the early warnings to find (docs/figures.md), added after the main load.

In the six days up to now, 城关镇's villages report unpaid wages (拖欠农民工工资, 050101) far
above their own baseline: 11 petitions, two of them collective visits (worker groups of 18 and
26), and one matter petitioned three times. ``GET /api/v1/stats/alerts/`` on the demo's day finds
a spike (the category, the town and the category in the town), a cluster of collective visits
and a repeated matter. Registered with the real service (``register_petition``/``add_petition``),
like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random

from xinfang.matters.services.registration import add_petition, register_petition

from .people import People

CATEGORY = "050101"
VILLAGES = ["139999100001", "139999100002", "139999100003", "139999100004"]
TITLES = ["某建筑工地拖欠农民工工资", "小区改造项目拖欠务工人员工资", "工程款结算纠纷导致工资未发放"]
CONTENT = ("信访人反映其在城关镇某建设项目务工，施工方拖欠工资至今未发放，多次讨要无果，"
           "要求有关部门督促尽快足额支付。")


def add_spike(users: dict, now: dt.datetime, seed: int) -> tuple[int, int]:
    """Register the spike's petitions; returns (matters, petitions). ``users``: the demo's accounts."""
    rng = random.Random(f"{seed}-spike")
    people = People(now.date())
    registrar = users["registrar"]
    matters = []
    for i in range(9):
        received = now - dt.timedelta(days=i % 6, hours=2 + i)
        village = VILLAGES[i % len(VILLAGES)]
        persons = [people.person(rng, f"城关镇{village[-3:]}号").as_input(representative=True)]
        data = {"channel": "visit" if i in (1, 4) else rng.choice(["letter", "online", "phone", "visit"]),
                "received_at": received.isoformat(), "purpose": "request", "category": CATEGORY, "region": village,
                "title": TITLES[i % len(TITLES)], "content": CONTENT, "petitioners": persons}
        if i in (1, 4):  # the collective visits
            data.update(headcount=18 if i == 1 else 26, involved_count=60)
        matters.append(register_petition(actor=registrar, data=data).matter)
    first = matters[-1]  # the oldest: petitioned again twice since
    for days in (3, 1):
        add_petition(actor=registrar, matter=first,
                     data={"channel": "phone", "received_at": (now - dt.timedelta(days=days)).isoformat(),
                           "content": "再次反映工资仍未支付。"})
    return len(matters), len(matters) + 2
