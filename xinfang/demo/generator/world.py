"""The demo county as the stories see it: staff, units, places, categories, the calendar, time."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from xinfang.matters.rows import rows
from xinfang.org.choices import UnitKind
from xinfang.org.models import Category, Region, Unit, User
from xinfang.workdays.calendar import WorkCalendar
from xinfang.workdays.rules import ClockKind

from . import texts
from .accounts import COUNTY_ACCOUNTS, handler_username, leader_username
from .people import People


@dataclass
class Step:
    """One thing that happens to a matter at ``when``: a registration, a repeat petition or an act."""

    when: dt.datetime
    kind: str  # "register" | "repeat" | "act"
    actor: User | None = None
    action: str = ""
    params: dict = field(default_factory=dict)
    via: str = "staff"
    side: str = ""  # "repeat" / "evaluate" for side events (dropped on closed matters where noted)


@dataclass
class Place:
    town_code: str
    town_name: str
    unit_code: str
    region_code: str
    village_name: str


@dataclass
class PoolEntry:
    """A petitioner seen earlier, with what they petitioned about (for duplicate-like registrations)."""

    person: dict
    category: str
    region: str
    title: str
    content: str
    purpose: str


class World:
    def __init__(self, *, now: dt.datetime, cal: WorkCalendar, users: dict[str, User], seed: int):
        self.now = now
        self.today = timezone.localdate(now)
        self.cal = cal
        self.users = users
        self.seed = seed
        self.people = People(self.today)
        self.units = {u.code: u for u in Unit.objects.select_related("region")}
        self.units_by_id = {u.pk: u for u in self.units.values()}
        self.pool: list[PoolEntry] = []
        self._load_places()
        self._load_categories()
        self.registrars = [users[a[0]] for a in COUNTY_ACCOUNTS if "registrar" in a[3]]
        self.officers = [users[a[0]] for a in COUNTY_ACCOUNTS if "case_officer" in a[3]]
        self.bureau_leader = users["bleader"]

    # ---- reference data ----------------------------------------------------------------------

    def _load_places(self) -> None:
        towns = {r.code: r for r in Region.objects.filter(level=2)}
        unit_by_region = {u.region.code: u.code for u in self.units.values() if u.kind == UnitKind.TOWN and u.region_id
                          and u.region.code in towns}
        self.places: list[Place] = []
        self.town_weights: list[float] = []
        villages: dict[str, list[Region]] = {}
        for v in Region.objects.filter(level=3).select_related("parent").order_by("code"):
            villages.setdefault(v.parent.code, []).append(v)
        self.villages = villages
        for code, town in sorted(towns.items()):
            if code not in unit_by_region:
                continue
            self.places.append(Place(code, town.name, unit_by_region[code], code, ""))
            self.town_weights.append(len(villages.get(code, [])) + 2)
        self.town_unit = {p.town_code: p.unit_code for p in self.places}

    def _load_categories(self) -> None:
        leaves = list(Category.objects.filter(level=3, active=True).order_by("code").values_list("code", "name"))
        self.leaves = leaves
        weights = []
        for code, _name in leaves:
            first = texts.templates()["first_level"].get(code[:2], {"weight": 1})
            siblings = sum(1 for c, _ in leaves if c[:2] == code[:2])
            weights.append(first["weight"] / siblings)
        self.leaf_weights = weights

    def place(self, rng: random.Random) -> Place:
        town = rng.choices(self.places, weights=self.town_weights)[0]
        villages = self.villages.get(town.town_code, [])
        if villages and rng.random() < 0.85:
            v = rng.choice(villages)
            return Place(town.town_code, town.town_name, town.unit_code, v.code, v.name)
        return town

    def leaf(self, rng: random.Random, prefixes: tuple[str, ...] = ()) -> tuple[str, str]:
        if prefixes:
            pool = [leaf for leaf in self.leaves if leaf[0].startswith(prefixes)]
            return rng.choice(pool)
        return rng.choices(self.leaves, weights=self.leaf_weights)[0]

    # ---- people ------------------------------------------------------------------------------

    def registrar(self, rng: random.Random) -> User:
        return rng.choice(self.registrars)

    def officer(self, rng: random.Random) -> User:
        return rng.choice(self.officers)

    def handler(self, unit_code: str) -> User:
        return self.users[handler_username(unit_code)]

    def leader(self, unit_code: str) -> User:
        return self.users[leader_username(unit_code)]

    def unit_name(self, code: str) -> str:
        unit = self.units[code]
        return unit.short_name or unit.name

    # ---- time --------------------------------------------------------------------------------

    def later(self, rng: random.Random, t: dt.datetime, lo: float, hi: float, *, office: bool = True) -> dt.datetime:
        """A moment ``lo``–``hi`` days after ``t``; office acts fall on working days, 08:30–17:30."""
        moment = t + dt.timedelta(days=rng.uniform(lo, hi))
        if office:
            day = timezone.localdate(moment)
            while not self.cal.is_workday(day):
                day += dt.timedelta(days=1)
            minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))
        if moment <= t:
            moment = t + dt.timedelta(minutes=rng.randint(5, 90))
        return moment

    def after_window(self, rng: random.Random, matter, kind: str) -> dt.datetime | None:
        """The night after a petitioner's window ends: when the scheduled engine closes it."""
        window = rows().running(matter, ClockKind(kind))  # the database, or the in-memory run's store
        if window is None:
            return None
        due = window.due
        minutes = rng.randint(10, 120)
        return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(minutes // 60, minutes % 60)))
