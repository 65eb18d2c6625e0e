"""Bulk generator of BENCHMARK DATA ONLY (never for a real or demo database).

It writes matters, petitions, petitioners, events, deadlines and unit links straight into the
tables (``executemany`` on SQLite, ``COPY`` on PostgreSQL; column lists come from the models'
``_meta``), with realistic distributions: volumes growing over the years, channels, purposes,
categories and regions weighted like the demo, most matters closed, open ones spread over the
states with some overdue, event chains and running clocks consistent with each status.
It bypasses the workflow services on purpose — a million matters through the services would
take days — so the rows are plausible, not legally exact (deadline explanations are short).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from xinfang.benchmarks.kinds import HANDLING_KINDS
from xinfang.demo.generator import texts
from xinfang.demo.generator.people import People
from xinfang.matters.choices import PURPOSE_CLASS, State
from xinfang.matters.models import Deadline, Event, Matter, MatterUnit, Petition, Petitioner, PetitionPerson
from xinfang.matters.services import search
from xinfang.matters.services.numbering import LEGACY_QUERY_CODE_ALPHABET
from xinfang.matters.services.search import build_search_text
from xinfang.org.choices import UnitKind
from xinfang.org.models import Category, Region, Unit

CHANNELS = {"letter": 18, "visit": 30, "online": 25, "mobile": 12, "phone": 8, "fax": 1, "leader_mailbox": 3, "upstream": 3}
PURPOSES = {"request": 62, "appeal": 6, "suggestion": 6, "accusation": 10, "consultation": 14, "other": 2}
CLOSE_PATHS = [  # (weight, close reason, actions after register)
    (14, "answered", ["answer"]),
    (4, "not_accepted", ["decline"]),
    (4, "routed", ["forward", "accept", "route"]),
    (5, "mediated", ["forward", "accept", "mediate"]),
    (55, "no_review", ["forward", "accept", "reply", "deliver", "close"]),
    (5, "confirmed", ["forward", "accept", "reply", "deliver", "close"]),
    (8, "no_recheck", ["forward", "accept", "reply", "deliver", "request_review", "review_decide", "deliver", "close"]),
    (5, "rechecked", ["forward", "accept", "reply", "deliver", "request_review", "review_decide", "deliver",
                      "request_recheck", "recheck_decide"]),
]
OPEN_PATHS = {
    State.REGISTERED: [],
    State.FORWARDED: ["forward"],
    State.ASSIGNED: ["assign"],
    State.RETURN_REQUESTED: ["forward", "object"],
    State.ACCEPTED: ["forward", "accept"],
    State.REPLIED: ["forward", "accept", "reply"],
    State.REVIEW_REQUESTED: ["forward", "accept", "reply", "deliver", "request_review"],
    State.REVIEWED: ["forward", "accept", "reply", "deliver", "request_review", "review_decide"],
    State.RECHECK_REQUESTED: ["forward", "accept", "reply", "deliver", "request_review", "review_decide", "deliver",
                              "request_recheck"],
}
TO_STATUS = {"register": "registered", "forward": "forwarded", "assign": "assigned", "object": "return_requested",
             "accept": "accepted", "reply": "replied", "request_review": "review_requested",
             "review_decide": "reviewed", "request_recheck": "recheck_requested"}
# The running authority clock of each open state: (kind, period in days from the last act).
RUNNING = {State.REGISTERED: ("dispose", 15), State.FORWARDED: ("accept", 15), State.ASSIGNED: ("accept", 15),
           State.ACCEPTED: ("handle", 60), State.REVIEW_REQUESTED: ("review", 30),
           State.RECHECK_REQUESTED: ("recheck", 30)}
MET_BY = {"forward": "dispose", "assign": "dispose", "answer": "dispose", "accept": "accept", "reply": "handle",
          "review_decide": "review", "recheck_decide": "recheck"}
QUERY_ALPHABET = LEGACY_QUERY_CODE_ALPHABET


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


class Writer:
    """Streams tuples into a table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, model):
        self.model = model
        self.table = model._meta.db_table
        self.columns = _columns(model)
        self.index = {c: i for i, c in enumerate(self.columns)}
        self.rows: list[tuple] = []
        self.count = 0
        self.pg = connection.vendor == "postgresql"
        self._copy = None
        self._cursor = None

    def base(self, **values) -> list:
        row = [None] * len(self.columns)
        for name, value in values.items():
            row[self.index[name]] = value
        return row

    def add(self, row) -> None:
        self.rows.append(tuple(row))  # the generator flushes every writer together, parents first

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if self.pg:
                cols = ", ".join(f'"{c}"' for c in self.columns)
                with cursor.cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cols = ", ".join(f'"{c}"' for c in self.columns)
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', self.rows)
        self.count += len(self.rows)
        self.rows = []


class Adapt:
    """Values in the form each database expects for raw inserts."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"

    def ts(self, value: dt.datetime):
        if self.pg:
            return value
        if value.utcoffset():
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(" ")

    def date(self, value: dt.date | None):
        if value is None:
            return None
        return value if self.pg else value.isoformat()

    def flag(self, value: bool):
        return bool(value) if self.pg else int(bool(value))

    @staticmethod
    def json(value) -> str:
        return json.dumps(value, ensure_ascii=False)


def secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the plain (non-unique, non-constraint) indexes of these tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [tables])
        else:
            placeholders = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({placeholders}) AND sql NOT LIKE 'CREATE UNIQUE%%'", tables)
        return list(cursor.fetchall())


@contextlib.contextmanager
def indexes_dropped(tables: list[str], progress=None):
    """Bulk loading is several times faster without secondary indexes; rebuild them afterwards."""
    indexes = secondary_indexes(tables)
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _, sql in indexes:
                cursor.execute(sql)
        if progress:
            progress(-1, time.perf_counter() - started)


def _weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def _query_code(i: int, rng: random.Random) -> str:
    # Unique by construction (the index in base 32), padded with random letters.
    digits = []
    n = i
    while True:
        digits.append(QUERY_ALPHABET[n % 32])
        n //= 32
        if n == 0:
            break
    code = "".join(digits)
    return (code + "".join(rng.choice(QUERY_ALPHABET) for _ in range(10 - len(code))))[:10]


class BenchmarkData:
    def __init__(self, *, matters: int, seed: int = 1, years: int | None = None, progress=None):
        self.n = matters
        self.seed = seed
        self.years = years or max(2, min(10, round(matters / 150000) or 2))
        self.progress = progress or (lambda *a: None)
        self.rng = random.Random(seed)
        self.a = Adapt()
        self.now = timezone.now()
        self.today = timezone.localdate()

    # ---- reference -----------------------------------------------------------------------------

    def load_reference(self) -> None:
        units = {u.code: u for u in Unit.objects.all()}
        self.bureau = units["XFJ"]
        self.gov = units["GOV"]
        self.units = units
        self.handling_units = [u for u in units.values() if u.kind in HANDLING_KINDS]
        self.town_of_region = {u.region_id: u for u in units.values() if u.kind == UnitKind.TOWN}
        self.regions = list(Region.objects.filter(level__in=(2, 3)).select_related("parent"))
        self.leaves = list(Category.objects.filter(level=3).order_by("code"))
        first = texts.templates()["first_level"]
        self.leaf_weights = []
        for leaf in self.leaves:
            siblings = sum(1 for x in self.leaves if x.code[:2] == leaf.code[:2])
            self.leaf_weights.append(first[leaf.code[:2]]["weight"] / siblings)
        from xinfang.org.models import User

        self.officer_id = User.objects.get(username="bench_officer").pk
        self.registrar_id = User.objects.get(username="bench_registrar").pk
        self.handler_ids = dict(User.objects.filter(username__startswith="bench_h_").values_list("unit_id", "pk"))

    # ---- per matter ----------------------------------------------------------------------------

    def received_times(self) -> Iterator[dt.datetime]:
        """Ascending receipt times over ``years`` years, volume growing 40% over the period."""
        span = self.years * 365 * 86400
        start = self.now - dt.timedelta(seconds=span)
        rng = random.Random(self.seed + 1)
        # Sample positions with a linearly increasing density, then sort in chunks (already sorted).
        positions = sorted((rng.random() ** (1 / 1.18)) * span for _ in range(self.n))
        for p in positions:
            yield start + dt.timedelta(seconds=p)

    def choose_status(self, rng: random.Random, age_days: float) -> tuple[State, str, list[str]]:
        if age_days < 15:
            state = rng.choices([State.REGISTERED, State.FORWARDED, State.ASSIGNED, State.ACCEPTED, State.CLOSED],
                                weights=[25, 30, 5, 25, 15])[0]
        elif age_days < 75:
            state = rng.choices([State.ACCEPTED, State.RETURN_REQUESTED, State.REPLIED, State.CLOSED, State.FORWARDED],
                                weights=[40, 2, 15, 40, 3])[0]
        elif age_days < 160:
            state = rng.choices([State.REPLIED, State.REVIEW_REQUESTED, State.REVIEWED, State.RECHECK_REQUESTED,
                                 State.CLOSED], weights=[4, 3, 3, 2, 88])[0]
        else:
            state = State.CLOSED if rng.random() > 0.006 else rng.choice(
                [State.FORWARDED, State.ACCEPTED, State.REVIEW_REQUESTED])  # stalled: long overdue
        if state == State.CLOSED:
            _, reason, path = rng.choices(CLOSE_PATHS, weights=[w for w, _, _ in CLOSE_PATHS])[0]
            if age_days < 60 and reason in ("no_recheck", "rechecked", "no_review", "confirmed"):
                reason, path = "answered", ["answer"]
            return state, reason, path
        return state, "", OPEN_PATHS[state]

    def text(self, rng: random.Random, leaf, region, purpose) -> tuple[str, str]:
        town = region.parent.name if region.level == 3 else region.name
        village = region.name if region.level == 3 else ""
        vals = texts.values(rng, town=town, village=village, leaf=leaf.name, year=self.today.year)
        t = texts.matter_text(rng, category_code=leaf.code, leaf=leaf.name, purpose=purpose, vals=vals)
        return t.title, t.content

    # ---- the whole run -------------------------------------------------------------------------

    def generate(self) -> dict:
        started = time.perf_counter()
        self.load_reference()
        a, _rng = self.a, self.rng
        people = People(self.today)
        writers = {m: Writer(m) for m in (Matter, Petition, Petitioner, PetitionPerson, Event, Deadline, MatterUnit)}
        W = writers
        mw, pw, prw, ppw, ew, dw, uw = (W[Matter], W[Petition], W[Petitioner], W[PetitionPerson], W[Event],
                                        W[Deadline], W[MatterUnit])
        seq_by_year: dict[int, int] = {}
        pseq_by_year: dict[int, int] = {}
        ids = {"petition": 0, "petitioner": 0, "pp": 0, "event": 0, "deadline": 0, "mu": 0}
        recent_people: list[tuple[int, str]] = []
        prefix, pprefix = settings.XINFANG_MATTER_PREFIX, settings.XINFANG_PETITION_PREFIX
        # Each flush is its own transaction (autocommit): one 1M-matter transaction would grow the
        # SQLite WAL to gigabytes. Secondary indexes are dropped during the load and rebuilt after.
        with indexes_dropped([w.table for w in writers.values()], self.progress):
            for i, received in enumerate(self.received_times(), start=1):
                r = random.Random(self.seed * 1_000_003 + i)
                year = timezone.localtime(received).year
                seq_by_year[year] = seq_by_year.get(year, 0) + 1
                number = f"{prefix}{year}-{seq_by_year[year]:06d}"
                channel = _weighted(r, CHANNELS)
                leaf = r.choices(self.leaves, weights=self.leaf_weights)[0]
                purpose = "accusation" if leaf.code.startswith("19") else _weighted(r, PURPOSES)
                region = r.choice(self.regions)
                town_unit = self.town_of_region.get(region.parent_id if region.level == 3 else region.id)
                age = (self.now - received).total_seconds() / 86400
                status, close_reason, path = self.choose_status(r, age)
                unit = town_unit if (town_unit and r.random() < 0.5) else r.choice(self.handling_units)
                title, content = self.text(r, leaf, region, purpose)
                anonymous = channel == "letter" and r.random() < 0.03
                names = []
                # petitioners and petitions
                petitions = 1 + (1 if r.random() < 0.08 else 0)
                petition_rows = []
                for k in range(petitions):
                    ids["petition"] += 1
                    pyear = year
                    pseq_by_year[pyear] = pseq_by_year.get(pyear, 0) + 1
                    when = received + dt.timedelta(days=k * r.randint(5, 40))
                    petition_rows.append((ids["petition"], when, k > 0))
                    pw.add(pw.base(
                        id=ids["petition"], number=f"{pprefix}{pyear}-{pseq_by_year[pyear]:06d}", matter_id=i,
                        query_code=_query_code(ids["petition"], r), channel=channel, received_at=a.ts(when),
                        registered_at=a.ts(when), registered_by_id=self.registrar_id, registering_unit_id=self.bureau.pk,
                        is_repeat=a.flag(k > 0), content="", headcount=1, visitors_count=1 if channel == "visit" else 0,
                        upstream_number="", idempotency_key="", request_hash=""))
                    if anonymous:
                        continue
                    if recent_people and r.random() < 0.1:
                        person_id, name = r.choice(recent_people)
                    else:
                        ids["petitioner"] += 1
                        person = people.person(r, address=region.name)
                        person_id, name = ids["petitioner"], person.name
                        prw.add(prw.base(
                            id=person_id, name=person.name, gender=person.gender, id_type="ric",
                            id_number=person.id_number, phone=person.phone, email="", address=person.address,
                            region_id=region.pk, workplace="", created_at=a.ts(received)))
                        recent_people.append((person_id, name))
                        if len(recent_people) > 2000:
                            recent_people = recent_people[-1000:]
                    ids["pp"] += 1
                    ppw.add(ppw.base(id=ids["pp"], petition_id=ids["petition"], petitioner_id=person_id,
                                     is_representative=a.flag(False), position=0))
                    if name not in names:
                        names.append(name)
                # events along the path
                t = received
                events = [("register", t, "", "registered")]
                prev = "registered"
                for action in path:
                    t = t + dt.timedelta(days=r.uniform(0.5, 25 if action in ("reply", "review_decide") else 6))
                    if action == "close":
                        to = "closed"
                    elif action in ("answer", "decline", "route", "mediate", "recheck_decide"):
                        to = "closed"
                    elif action == "deliver":
                        to = prev
                    else:
                        to = TO_STATUS[action]
                    events.append((action, t, prev, to))
                    prev = to
                if events[-1][1] > self.now:  # keep the chain in the past
                    shift = events[-1][1] - self.now + dt.timedelta(minutes=5)
                    events = [(x, max(received, tt - shift), f, to) for x, tt, f, to in events]
                last_at = events[-1][1]
                handled = any(x in ("forward", "assign") for x, *_ in events)
                for n_ev, (action, when, frm, to) in enumerate(events, start=1):
                    ids["event"] += 1
                    actor = self.registrar_id if action == "register" else (
                        self.handler_ids.get(unit.pk, self.officer_id) if action in ("accept", "reply", "route", "mediate", "object")
                        else self.officer_id)
                    params = {"unit": unit.code} if action in ("forward", "assign") else {}
                    ew.add(ew.base(id=ids["event"], matter_id=i, seq=n_ev, action=action, actor_id=actor,
                                   unit_id=self.bureau.pk if actor != self.handler_ids.get(unit.pk) else unit.pk,
                                   via="staff", occurred_at=a.ts(when), recorded_at=a.ts(when), from_status=frm,
                                   to_status=to, params=a.json(params), note="",
                                   chain_prev="", chain_hash=""))  # off the audit chain: verify_audit_chain --seal-pending
                # deadlines: met ones along the path, and the running one of an open state
                next_due, next_kind = None, ""
                for action, when, _, _ in events[1:]:
                    kind = MET_BY.get(action)
                    if kind:
                        ids["deadline"] += 1
                        start = timezone.localtime(when - dt.timedelta(days=r.randint(1, 20))).date()
                        period = 60 if kind == "handle" else 15 if kind in ("dispose", "accept") else 30
                        due = start + dt.timedelta(days=period)
                        dw.add(dw.base(id=ids["deadline"], matter_id=i, kind=kind, target="", unit_id=unit.pk,
                                       start=a.date(start), period=period, period_unit="days", extension_days=0,
                                       excluded_days=0, due=a.date(due), met_at=a.ts(when), cancelled_at=None,
                                       explanation=f"起算 {start.isoformat()} + {period} 日 = {due.isoformat()}",
                                       provisional=a.flag(False), rule_version=1, event_id=None, warned_on=None,
                                       overdue_marked_on=None, lapsed_on=None, created_at=a.ts(when)))
                if status in RUNNING:
                    kind, period = RUNNING[status]
                    start = timezone.localtime(last_at).date()
                    due = start + dt.timedelta(days=period)
                    ids["deadline"] += 1
                    dw.add(dw.base(id=ids["deadline"], matter_id=i, kind=kind, target="", unit_id=unit.pk,
                                   start=a.date(start), period=period, period_unit="days", extension_days=0,
                                   excluded_days=0, due=a.date(due), met_at=None, cancelled_at=None,
                                   explanation=f"起算 {start.isoformat()} + {period} 日 = {due.isoformat()}",
                                   provisional=a.flag(False), rule_version=1, event_id=None, warned_on=None,
                                   overdue_marked_on=None, lapsed_on=None, created_at=a.ts(last_at)))
                    next_due, next_kind = due, kind
                # unit links (visibility)
                ids["mu"] += 1
                uw.add(uw.base(id=ids["mu"], matter_id=i, unit_id=self.bureau.pk, role="registered",
                               active=a.flag(True), since=a.ts(received)))
                if handled:
                    ids["mu"] += 1
                    uw.add(uw.base(id=ids["mu"], matter_id=i, unit_id=unit.pk, role="lead", active=a.flag(True),
                                   since=a.ts(received)))
                petitioner_names = "匿名" if anonymous else "、".join(names)[:200]
                mw.add(mw.base(
                    id=i, number=number, year=year, seq=seq_by_year[year], status=status.value,
                    close_reason=close_reason, previous_status="", closed_at=a.ts(last_at) if status == State.CLOSED else None,
                    registering_unit_id=self.bureau.pk, registered_by_id=self.registrar_id,
                    handling_unit_id=unit.pk if handled else None,
                    review_body_id=self.gov.pk if "request_review" in path else None,
                    recheck_body_id=self.units["CITYGOV"].pk if "request_recheck" in path else None,
                    received_at=a.ts(received), channel=channel, purpose=purpose,
                    handling_class=PURPOSE_CLASS[purpose].value, category_id=leaf.pk, region_id=region.pk,
                    region_detail="", title=title, content=content, accused_unit_id=None, accused_party="",
                    headcount=1, involved_count=1, is_collective=a.flag(False), is_repeat=a.flag(petitions > 1),
                    is_skip_level=a.flag(channel == "upstream"), is_law_related=a.flag(leaf.code.startswith("1801")),
                    is_confidential=a.flag(False), is_anonymous=a.flag(anonymous), is_major=a.flag(False),
                    is_backlog=a.flag(False), is_cross=a.flag(False), is_public=a.flag(True),
                    upstream_number="", upstream_unit_id=None, upstream_due=None, return_locked=a.flag(False),
                    return_count=0, extension_days=0, extension_reason="", extension_approved=a.flag(False),
                    hearing_started_on=None, reply_outcome="", delivered=a.flag(False),
                    next_due=a.date(next_due), next_due_kind=next_kind, petition_count=petitions,
                    petitioner_names=petitioner_names,
                    search_text=build_search_text(number=number, title=title, content=content, names=names),
                    event_count=len(events), last_event_at=a.ts(last_at), version=len(events),
                    created_at=a.ts(received), updated_at=a.ts(last_at)))
                if i % 5000 == 0:
                    for w in (prw, mw, pw, ppw, ew, dw, uw):  # parents first (foreign keys)
                        w.flush()
                    if i % 50000 == 0:
                        self.progress(i, time.perf_counter() - started)
            for w in (prw, mw, pw, ppw, ew, dw, uw):
                w.flush()
            with transaction.atomic():
                self._counters(seq_by_year, pseq_by_year)
            if connection.vendor == "postgresql":
                sql = connection.ops.sequence_reset_sql(
                    no_style(), [Matter, Petition, Petitioner, PetitionPerson, Event, Deadline, MatterUnit])
                with connection.cursor() as cursor:
                    for statement in sql:
                        cursor.execute(statement)
        with transaction.atomic():
            search.rebuild_index()  # SQLite's FTS5 rows (the services write them; this loader bypasses them)
        with connection.cursor() as cursor:  # PostgreSQL: the visibility map too, as in copy.py
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        return {"seconds": time.perf_counter() - started, **{w.table: w.count for w in writers.values()}}

    @staticmethod
    def _counters(matters: dict, petitions: dict) -> None:
        from xinfang.matters.models import Counter

        Counter.objects.bulk_create(
            [Counter(key="matter", year=y, value=v) for y, v in matters.items()]
            + [Counter(key="petition", year=y, value=v) for y, v in petitions.items()])
