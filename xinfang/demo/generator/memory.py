"""Run the real services on in-memory rows, then write everything in bulk (the fast demo run).

Through the ORM one act costs 8–24 queries (about 10 ms on the machines we measured); 3000
matters take ~21 000 calls, several minutes. The demo therefore runs the *same* service code —
``register_petition``, ``add_petition`` and ``apply_action`` with the real validation, workflow
table, handlers and clock arithmetic — while the services reach rows through an in-memory
``MemoryStore`` instead of the database: the services read and write rows only through
``xinfang.matters.rows.rows()``, and ``in_memory(store)`` installs the store there (``rows.using``)
for the run. Everything is written with ``bulk_create`` at the end. Hooks (supervision callbacks,
recent documents) are kept (``hooks.running_with``) and run after the rows exist, in act order.

``xinfang/demo/tests/test_memory_equivalence.py`` runs one seed both ways and compares every row,
so this module cannot drift from the services unnoticed: when a service gains a new query, the
test fails until the store learns it (a new method of ``Rows`` needs its in-memory version here).
"""

from __future__ import annotations

import contextlib
import copy
from collections import defaultdict

from xinfang.core import audit_chain, clock
from xinfang.core.errors import NotVisible
from xinfang.matters import hooks, rows, selectors
from xinfang.matters.access import uses_unit_key
from xinfang.matters.choices import OPEN_STATES, HandlingClass
from xinfang.matters.models import (
    Deadline,
    Event,
    Matter,
    MatterUnit,
    Petition,
    Petitioner,
    PetitionPerson,
)
from xinfang.matters.services import actions, numbering, search
from xinfang.matters.services.search import query_terms
from xinfang.matters.workflow import Actor, actor_kinds
from xinfang.org.permissions import COUNTY_WIDE_ROLES, UNIT_ROLES
from xinfang.workdays.rules import AUTHORITY_CLOCKS

TRACKED = (Petitioner, Matter, Petition, PetitionPerson, MatterUnit, Event, Deadline)  # insert order (parents first)


class MemoryStore(rows.Rows):
    """``xinfang.matters.rows.Rows`` on in-memory rows: every method the services call, mirrored."""

    def __init__(self):
        self.new: dict[type, list] = {model: [] for model in TRACKED}
        self._seen: set[int] = set()
        self.matters: dict[str, Matter] = {}
        self.clocks: dict[int, list[Deadline]] = defaultdict(list)
        self.links: dict[int, dict[tuple, MatterUnit]] = defaultdict(dict)
        self.evaluations: dict[tuple[int, str], int] = defaultdict(int)
        self.holders: dict[tuple, dict[int, Petitioner]] = defaultdict(dict)  # id / phone / name+address key
        self.matters_of: dict[int, dict[int, Matter]] = defaultdict(dict)  # petitioner -> the matters they are on
        self.by_place: dict[tuple, list[Matter]] = defaultdict(list)  # (region, category), arrival order
        self.by_id_number: dict[str, Petitioner] = {}
        self._indexed: dict[int, list[tuple]] = {}  # petitioner -> the keys it is indexed under
        self._person_order: dict[int, int] = {}  # petitioner -> creation order (the database's pk order)
        self.counters: dict[tuple[str, int], int] = {}
        self.hook_calls: list[tuple[Event, Matter, object]] = []  # (event, matter, clock at the act)

    # ---- tracking new rows ----------------------------------------------------------------
    def save(self, obj, update_fields=None):
        """``Model.save``: the row is new or already held; its stamps are set as the ORM sets them
        (``StampField.pre_save`` of the fields the save writes)."""
        add = id(obj) not in self._seen
        for f in _stamped_fields(type(obj)):
            if add or update_fields is None or f.name in update_fields:
                f.pre_save(obj, add)
        if not add and isinstance(obj, Petitioner):
            self._index_person(obj)  # contact details changed: found by the new ones only
        return self.track(obj)

    def create(self, model, **values):
        return self.save(model(**values))

    def lock(self, matter):
        return matter  # nobody else writes during the run

    def track(self, obj):
        if id(obj) in self._seen:
            return obj
        self._seen.add(id(obj))
        self.new[type(obj)].append(obj)
        if isinstance(obj, Matter):
            self.matters[obj.number] = obj
            self.by_place[(obj.region_id, obj.category_id)].append(obj)
        elif isinstance(obj, Deadline):
            self.clocks[id(obj.matter)].append(obj)
        elif isinstance(obj, MatterUnit):
            self.links[id(obj.matter)][(obj.unit_id, obj.role)] = obj
        elif isinstance(obj, Event):
            if obj.action == "evaluate":
                self.evaluations[(id(obj.matter), obj.params.get("target", ""))] += 1
        elif isinstance(obj, PetitionPerson):
            self.matters_of[id(obj.petitioner)][id(obj.petition.matter)] = obj.petition.matter
        elif isinstance(obj, Petitioner):
            self._person_order[id(obj)] = len(self._person_order)
            if obj.id_number:
                self.by_id_number[obj.id_number] = obj
            self._index_person(obj)
        return obj

    @staticmethod
    def _person_keys(p) -> list[tuple]:
        keys = [("id", p.id_number), ("phone", p.phone), ("name", p.name, p.address)]
        return [k for k in keys if k[-1]]

    def _index_person(self, p) -> None:
        for key in self._indexed.pop(id(p), []):
            self.holders[key].pop(id(p), None)
        self._indexed[id(p)] = self._person_keys(p)
        for key in self._indexed[id(p)]:
            self.holders[key][id(p)] = p

    # ---- deadlines (mirror xinfang.matters.services.deadlines) ---------------------------------
    def _running(self, matter, kinds, target=None):
        return [d for d in self.clocks[id(matter)]
                if d.kind in kinds and (target is None or d.target == target) and d.met_at is None and d.cancelled_at is None]

    def supersede(self, matter, kind, target=""):
        now = clock.now()
        for d in self._running(matter, {kind.value}, target):
            d.cancelled_at = now

    def running(self, matter, kind, target=""):
        found = self._running(matter, {kind.value}, target)
        return found[0] if found else None

    def cancel_clock(self, matter, kind, at, target=""):
        for d in self._running(matter, {kind.value}, target):
            d.cancelled_at = at

    def cancel_all_authority_clocks(self, matter, at):
        for d in self._running(matter, {k.value for k in AUTHORITY_CLOCKS}):
            d.cancelled_at = at

    def has_clock(self, matter, kind):
        return any(d.kind == kind.value for d in self.clocks[id(matter)])

    def latest_clock(self, matter, kind, target=""):
        found = [d for d in self.clocks[id(matter)] if d.kind == kind.value and d.target == target]
        return found[-1] if found else None

    def refresh_next_due(self, matter):
        found = self._running(matter, {k.value for k in AUTHORITY_CLOCKS})
        nearest = min(found, key=lambda d: d.due) if found else None  # first of equal dues, as ORDER BY due
        matter.next_due, matter.next_due_kind = (nearest.due, nearest.kind) if nearest else (None, "")

    def count_evaluations(self, matter, target):
        return self.evaluations[(id(matter), target)]

    # ---- unit links (mirror actions._link / _unlink_handlers) ---------------------------------
    def link(self, matter, unit, role, at):
        link = self.links[id(matter)].get((unit.pk, role))
        if link is None:
            self.save(MatterUnit(matter=matter, unit=unit, role=role, since=at))
        elif not link.active:
            link.active = True
            link.since = at

    def unlink_handlers(self, matter, lead):
        for (unit_id, role), link in self.links[id(matter)].items():
            if (role == MatterUnit.Role.LEAD and unit_id == lead.pk) or role == MatterUnit.Role.CO:
                link.active = False

    # ---- registration (mirror numbering.next_value, _upsert_petitioner, find_duplicates) ---------
    def next_value(self, key, year):
        if (key, year) not in self.counters:
            self.counters[(key, year)] = numbering.last_value(key, year)
        self.counters[(key, year)] += 1
        return self.counters[(key, year)]

    def next_values(self, keys, year):
        return [self.next_value(key, year) for key in keys]

    def id_records(self, ids):
        return None  # the store's own index is always current (find_duplicates, upsert_petitioner)

    def upsert_petitioner(self, p, known=None):
        if p.id_number:
            person = self.by_id_number.get(p.id_number)
            if person is not None:
                changed = rows.refresh_contacts(person, p)
                if changed:
                    self.save(person, update_fields=changed)
                return person
        return self.save(Petitioner(name=p.name, id_number=p.id_number, phone=p.phone, address=p.address,
                                     email=p.email, gender=p.gender))

    def find_duplicates(self, user, *, ids, phones, names_addresses, title, region, category, today, lookback_days=365,
                        exclude_pk=None, limit=10, id_records=None):
        since = selectors._day_start(today - selectors.dt.timedelta(days=lookback_days))

        def recent(m):
            return (m.status in OPEN_STATES or (m.closed_at is not None and m.closed_at >= since)) and self._visible(user, m)

        # Matters are registered in arrival order, so the newest come last.
        found: dict[int, dict] = {}
        # As selectors._person_records: every record of the ID numbers, the newest of the contacts
        # (a unit's user: among its own matters').
        by_id = [p for i in ids for p in self.holders.get(("id", i), {}).values()]
        keys = {("phone", p) for p in phones} | {("name", n, a) for n, a in names_addresses}
        contacts = {id(p): p for key in keys for p in self.holders.get(key, {}).values()}
        if uses_unit_key(user):
            contacts = {k: p for k, p in contacts.items()
                        if any(unit_id == user.unit_id for m in self.matters_of[k].values() for unit_id, _ in self.links[id(m)])}
        newest = sorted(contacts.values(), key=lambda p: self._person_order[id(p)], reverse=True)
        people = by_id + newest[:selectors.PERSON_RECORDS_CHECKED]
        hits = {id(m): m for p in people for m in self.matters_of[id(p)].values()}
        for m in sorted(hits.values(), key=lambda m: m.received_at, reverse=True):
            if recent(m):
                found[id(m)] = selectors._dup_row(m, "同一信访人")
                if len(found) >= limit:
                    break
        terms = [t for t in query_terms(title) if len(t) >= 2]
        if terms and len(found) < limit:
            candidates = [m for m in reversed(self.by_place[(region.pk, category.pk)])
                          if recent(m) and any(t in m.search_text for t in terms)][:50]
            for m in candidates:
                if id(m) in found:
                    continue
                overlap = sum(1 for t in terms if t in m.search_text)
                if overlap * 2 >= len(terms):
                    found[id(m)] = selectors._dup_row(m, "同属地、同类别、内容相近")
                if len(found) >= limit:
                    break
        return list(found.values())

    # ---- acts --------------------------------------------------------------------------------
    def _visible(self, user, matter) -> bool:
        """Mirror of ``visible_matters`` for one matter."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.has_role(*COUNTY_WIDE_ROLES):
            return True
        if user.unit_id and user.has_role(*UNIT_ROLES):
            linked = any(unit_id == user.unit_id for unit_id, _ in self.links[id(matter)])
            hidden = matter.handling_class == HandlingClass.ACCUSATION and matter.accused_unit_id == user.unit_id
            return linked and not hidden
        return False

    def perform_action(self, *, actor, number, action, params, via):
        """``perform_action`` on the in-memory matter; a refused act leaves it as it was."""
        matter = self.matters.get(number)
        if actor is None:
            if matter is None:
                raise NotVisible()
            kinds = {Actor.PETITIONER} if via == "portal" else {Actor.SYSTEM}
        else:
            if matter is None or not self._visible(actor, matter):
                raise NotVisible()
            kinds = actor_kinds(actor, matter)
        saved = self._snapshot(matter)
        try:
            event = actions.apply_action(actor=actor, matter=matter, kinds=kinds, action=action, params=params, via=via)
        except Exception:
            self._restore(matter, saved)
            raise
        self.save(matter)  # as perform_action saves it (stamps updated_at)
        hooks.run(event, matter)  # kept until the rows exist (``in_memory``)
        return matter

    def keep_hooks(self, event, matter) -> None:
        """The hooks of an act, run by ``run_hooks`` once the rows are in the database."""
        self.hook_calls.append((event, matter, clock.now()))

    def _snapshot(self, matter):
        clocks = [(d, copy.copy(d.__dict__)) for d in self.clocks[id(matter)]]
        links = [(link, copy.copy(link.__dict__)) for link in self.links[id(matter)].values()]
        return copy.copy(matter.__dict__), clocks, links, {m: len(rows) for m, rows in self.new.items()}

    def _restore(self, matter, saved):
        fields, clocks, links, lengths = saved
        matter.__dict__.update(fields)
        for obj, state in clocks + links:
            obj.__dict__.update(state)
        for model, n in lengths.items():
            for obj in self.new[model][n:]:
                self._seen.discard(id(obj))
            del self.new[model][n:]
        self.clocks[id(matter)] = [d for d, _ in clocks]
        self.links[id(matter)] = {key: link for key, link in self.links[id(matter)].items() if id(link) in self._seen}

    # ---- the end: rows into the database ----------------------------------------------------
    def flush(self, batch_size: int = 500) -> dict[str, int]:
        """Insert every new row. Stamps (``StampField``) keep the values ``save`` gave them at the
        time of the act: an insert keeps a stamp the row already carries."""
        written = {}
        for model in TRACKED:
            new = self.new[model]
            model.objects.bulk_create(new, batch_size=batch_size)
            written[model._meta.model_name] = len(new)
        for (key, year), value in self.counters.items():
            numbering.set_value(key, year, value)
        audit_chain.seal_pending("event")  # bulk_create skips save(): chain the new events in id order
        search.rebuild_index([m.pk for m in self.new[Matter]])  # SQLite's FTS5 rows (bulk_create skips the services)
        return written

    def run_hooks(self, sim) -> None:
        """The acts' hooks, in act order, each at the (simulated) time of its act (``sim.value``)."""
        for event, matter, at in self.hook_calls:
            sim.value = at
            hooks.run(event, matter)


def _stamped_fields(model) -> list:
    """The model's stamps (auto_now / auto_now_add ``StampField``s), read once per model."""
    if model not in _STAMPED:
        _STAMPED[model] = [f for f in model._meta.concrete_fields
                           if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    return _STAMPED[model]


_STAMPED: dict[type, list] = {}


@contextlib.contextmanager
def in_memory(store: MemoryStore):
    """The services reach rows through ``store``, and the acts' hooks wait for ``store.run_hooks``."""
    with rows.using(store), hooks.running_with(store.keep_hooks):
        yield store
