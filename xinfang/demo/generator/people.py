"""Fictional petitioners: Chinese names, valid resident ID numbers and mobile phones.

ID numbers pass GB 11643 as python-stdnum checks it (birth date, a place code valid in the birth
year, check digit); the sex digit matches the person's gender. Everything comes from the
matter's own seeded random generator, so a seed always produces the same people.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stdnum.cn import ric

DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def material() -> dict:
    return json.loads((DATA / "people.json").read_text(encoding="utf-8"))


@cache
def _prefixes_for_year(year: int) -> tuple[str, ...]:
    ok = []
    for prefix in material()["id_prefixes"]["codes"]:
        probe = f"{prefix}{year}0615001"
        if ric.is_valid(probe + ric.calc_check_digit(probe + "0")):
            ok.append(prefix)
    if not ok:  # pragma: no cover - the data file covers 1940-2010
        raise ValueError(f"no ID place code valid for birth year {year}")
    return tuple(ok)


@dataclass
class Person:
    name: str
    gender: str
    id_number: str
    phone: str
    address: str

    def as_input(self, *, representative: bool = False) -> dict:
        return {"name": self.name, "id_number": self.id_number, "phone": self.phone, "address": self.address,
                "is_representative": representative}


class People:
    """Makes unique people; ``used_ids`` is shared by the whole run so ID numbers never repeat."""

    def __init__(self, today: dt.date):
        self.today = today
        self.used_ids: set[str] = set()
        m = material()
        surnames = m["surnames"]
        self.surnames = list(surnames)
        # Common surnames first: weight falls off with rank.
        self.surname_weights = [1.0 / (1 + i * 0.08) for i in range(len(self.surnames))]

    def name(self, rng: random.Random, gender: str, birth_year: int) -> str:
        given = material()["given"]
        pool = ("male" if gender == "male" else "female") + ("_old" if birth_year < 1975 else "_young")
        surname = rng.choices(self.surnames, weights=self.surname_weights)[0]
        return surname + rng.choice(given[pool])

    def id_number(self, rng: random.Random, gender: str, birth: dt.date) -> str:
        prefixes = _prefixes_for_year(birth.year)
        for _ in range(50):
            seq = rng.randrange(0, 500) * 2 + (1 if gender == "male" else 0)
            body = f"{rng.choice(prefixes)}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise RuntimeError("could not find an unused ID number")  # pragma: no cover

    @staticmethod
    def phone(rng: random.Random) -> str:
        return rng.choice(material()["mobile_prefixes"]) + f"{rng.randrange(0, 10**8):08d}"

    def person(self, rng: random.Random, address: str, *, min_age: int = 20, max_age: int = 78) -> Person:
        gender = "male" if rng.random() < 0.58 else "female"
        age = rng.randint(min_age, max_age)
        birth = dt.date(self.today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        return Person(
            name=self.name(rng, gender, birth.year),
            gender=gender,
            id_number=self.id_number(rng, gender, birth),
            phone=self.phone(rng),
            address=address,
        )
