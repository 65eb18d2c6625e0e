"""Hand-counted October 2026 for the volume figures (docs/figures.md walks through the same rows).

Today 2026-11-22. 城关镇 (town, village 东关村) and 河西乡; categories 010000 城乡建设 (leaf 010101)
and 020000 劳动和社会保障 (leaf 020101). Collective threshold 5.

| petition | received (local) | channel | persons | matter | region | category | notes |
|---|---|---|---|---|---|---|---|
| A  | 09-28 10:00 | visit  | 6 | A (Sept) | 东关村 | 010101 | September: not counted |
| A2 | 10-03 10:00 | visit  | 7 | A        | 东关村 | 010101 | repeat, collective; its matter is September's |
| B  | 10-01 00:00 | letter | 1 | B        | 东关村 | 010101 | first moment of October |
| C  | 10-10 10:00 | visit  | 2 | C        | 河西乡 | 020101 | 越级 |
| D  | 10-15 10:00 | online | 1 | D        | 河西乡 | 020101 | |
| D2 | 10-20 10:00 | phone  | 1 | D        | 河西乡 | 020101 | repeat |
| E  | 10-31 23:00 | visit  | 5 | E        | 东关村 | 020101 | collective (= threshold), last hour of October |
| F  | 11-01 00:00 | letter | 1 | F (Nov)  | 东关村 | 010101 | November: not counted |

October: petitions 6 (A2 B C D D2 E), matters 4 (B C D E), 批次 6, 人次 7+1+2+1+1+5 = 17; visits 3 批
14 人次; collective 2 批 12 人次; repeats 2; online 1; 越级 1 of 4 matters.
"""

from __future__ import annotations

from xinfang.matters.services.registration import add_petition
from xinfang.org.models import Category
from xinfang.testing.factories import at, petition_data, register

OCTOBER = {"petitions": 6, "matters": 4, "batches": 6, "persons": 17, "visits": 3, "visit_persons": 14,
           "collective": 2, "collective_persons": 12, "repeats": 2, "online": 1, "skip_level": 1}


def labour_category() -> Category:
    top = Category.objects.create(code="020000", name="劳动和社会保障", level=1)
    mid = Category.objects.create(code="020100", name="劳动保障", level=2, parent=top)
    return Category.objects.create(code="020101", name="拖欠工资", level=3, parent=mid)


def people(n: int, seed: int) -> list[dict]:
    from xinfang.testing.factories import valid_id

    return [{"name": f"信访人{seed}-{i}", "id_number": valid_id(seed * 10 + i), "phone": "13812345678",
             "address": "东关村"} for i in range(n)]


def repeat(c, matter, when: str, channel: str, headcount: int = 1):
    data = {"channel": channel, "received_at": when, "headcount": headcount, "content": "再次反映。"}
    return add_petition(actor=c.users["registrar"], matter=matter, data=data).petition


def build_october(c) -> dict:
    labour = labour_category()
    east, west = c.village.code, c.other_town_region.code
    a = register(c, received_at=at("2026-09-28"), channel="visit", headcount=6, petitioners=people(1, 1),
                 region=east).matter
    repeat(c, a, at("2026-10-03"), "visit", 7)
    b = register(c, received_at=at("2026-10-01", 0), channel="letter", region=east).matter
    cm = register(c, received_at=at("2026-10-10"), channel="visit", headcount=2, region=west, category=labour.code,
                  skip_level=True).matter
    d = register(c, received_at=at("2026-10-15"), channel="online", region=west, category=labour.code).matter
    repeat(c, d, at("2026-10-20"), "phone")
    e = register(c, received_at=at("2026-10-31", 23), channel="visit", headcount=5, region=east,
                 category=labour.code).matter
    f = register(c, received_at=at("2026-11-01", 0), channel="letter", region=east).matter
    return {"A": a, "B": b, "C": cm, "D": d, "E": e, "F": f, "labour": labour}


__all__ = ["OCTOBER", "build_october", "petition_data", "repeat"]
