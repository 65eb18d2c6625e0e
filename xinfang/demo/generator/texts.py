"""Chinese titles, contents and opinions for the demo, filled from the templates in data/texts.json.

Topics are keyed by the second-level category code; each case names the third-level categories
it fits, so a title never contradicts its category. Placeholders: {town} {village} {place}
{community} {company} {developer} {amount} {price} {n} {months} {years} {year} {road} {school}
{hospital} {official} {position} (fits the village, community or town) {town_position} {leaf}
(the third-level category name) and, in opinions, {basis} {review} {other}.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .people import material

DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def templates() -> dict:
    return json.loads((DATA / "texts.json").read_text(encoding="utf-8"))


class _Values(dict):
    def __missing__(self, key):  # a template naming an unknown placeholder keeps it visible
        return "{" + key + "}"


@dataclass
class MatterText:
    title: str
    content: str
    accused_party: str = ""
    purpose_hint: str = ""  # "accusation" when the topic is a report against someone
    law_related: bool = False
    collective_ok: bool = False


def _amount(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.randint(12, 980) / 10:g}万元"
    return f"{rng.randint(8, 99) * 100}元"


def values(rng: random.Random, *, town: str, village: str, leaf: str, year: int) -> _Values:
    m = material()
    company = rng.choice(m["company_words"]) + rng.choice(m["company_kinds"])
    developer = rng.choice(m["company_words"]) + "房地产开发有限公司"
    surname = rng.choice(m["surnames"][:40])
    kind = ("village" if village.endswith("村") else "community" if village
            else "street" if town.endswith("街道") else "town")
    return _Values(
        town=town, village=village or town, place=town + (village or ""), leaf=leaf,
        community=rng.choice(m["communities"]), company="示范县" + company, developer="示范县" + developer,
        amount=_amount(rng), price=rng.randint(8, 98) * 100, n=rng.randint(3, 60), months=rng.randint(2, 18),
        years=rng.randint(2, 15), year=year - rng.randint(1, 6),
        road=rng.choice(m["roads"]), school=rng.choice(m["schools"]), hospital=rng.choice(m["hospitals"]),
        official=surname + ("某某" if rng.random() < 0.5 else "某"), position=rng.choice(m["positions"][kind]),
        town_position=rng.choice(m["positions"]["street" if town.endswith("街道") else "town"]),
    )


def matter_text(rng: random.Random, *, category_code: str, leaf: str, purpose: str, vals: _Values) -> MatterText:
    t = templates()
    topic = t["topics"][category_code[:4]]
    if purpose in ("consultation", "suggestion") and not category_code.startswith("2002"):
        case = t["generic"][purpose]
    else:
        cases = [c for c in topic["cases"] if category_code in c["leaves"]] or topic["cases"]
        case = rng.choice(cases)
    accused = case.get("accused", "").format_map(vals)
    return MatterText(
        title=rng.choice(case["titles"]).format_map(vals)[:200], content=case["content"].format_map(vals),
        accused_party=accused, purpose_hint="accusation" if topic.get("accusation") else "",
        law_related=bool(topic.get("law_related")), collective_ok=bool(topic.get("collective")),
    )


def topic_flags(category_code: str) -> dict:
    topic = templates()["topics"][category_code[:4]]
    return {"accusation": bool(topic.get("accusation")), "collective": bool(topic.get("collective")),
            "law_related": bool(topic.get("law_related"))}


def phrase(rng: random.Random, key: str, **kw) -> str:
    value = templates()["phrases"][key]
    if isinstance(value, list):
        value = rng.choice(value)
    return value.format_map(_Values(kw))


def reply_opinion(outcome: str, *, basis: str, review_body: str) -> str:
    p = templates()["phrases"]
    return p["reply"][outcome].format(basis=basis) + p["remedy"].format(review=review_body)


def decision_opinion(kind: str, outcome: str) -> str:
    return templates()["phrases"][kind][outcome]


def first_level(code2: str) -> dict:
    return templates()["first_level"][code2]
