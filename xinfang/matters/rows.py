"""How the statutory services reach a matter's rows: one object, the database by default.

Registration, repeat petitions and every act (``register_petition``, ``add_petition``,
``apply_action`` and the clock functions in ``services.deadlines``) read and write the rows of
matters, petitions, people, unit links, events and deadlines only through ``rows()``: its
``save`` / ``create`` and the handful of named reads below. ``Rows`` is the database (the
production path, every call one or two statements). A block of code may install another object
of the same shape with ``using(...)`` (a ``ContextVar``: this thread or task only): the demo
generator installs its in-memory store (``xinfang/demo/generator/memory.py``), runs two years of
acts through the very same services and inserts the rows in bulk at the end;
``xinfang/demo/tests/test_memory_equivalence.py`` proves both write the same rows.

So a service that needs a new kind of read adds a method here (and to the store), instead of
querying the ORM itself; one that does not would pass the equivalence test only by luck.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TypeVar

from django.db import models

from xinfang.core import clock
from xinfang.workdays.rules import AUTHORITY_CLOCKS, ClockKind

from . import selectors
from .models import Deadline, Matter, MatterUnit, Petitioner
from .services import numbering

M = TypeVar("M", bound=models.Model)


def refresh_contacts(person, p) -> list[str]:
    """A known petitioner takes the phone, address and e-mail given now (blank ones keep the old);
    returns the fields that changed."""
    changed = []
    for attr in ("phone", "address", "email"):
        value = getattr(p, attr)
        if value and getattr(person, attr) != value:
            setattr(person, attr, value)
            changed.append(attr)
    return changed


AUTHORITY_KINDS = tuple(k.value for k in AUTHORITY_CLOCKS)


class Rows:
    """The database: what the services read and write, one method per kind of access."""

    # ---- writing rows ------------------------------------------------------------------------
    def save(self, obj: M, update_fields=None) -> M:
        obj.save(update_fields=update_fields)
        return obj

    def create(self, model: type[M], **values) -> M:
        return model.objects.create(**values)

    def lock(self, matter: Matter) -> Matter:
        """The matter again, row-locked for the rest of the transaction."""
        return Matter.objects.select_for_update().get(pk=matter.pk)

    def next_value(self, key: str, year: int) -> int:
        """The next value of a gap-free per-year counter (``numbering.next_value``)."""
        return numbering.next_value(key, year)

    def next_values(self, keys: tuple[str, ...], year: int) -> list[int]:
        """``next_value`` of each key (``numbering.next_values``: one statement where it can)."""
        return numbering.next_values(keys, year)

    # ---- clocks ------------------------------------------------------------------------------
    @staticmethod
    def _running(matter: Matter, kind: ClockKind, target: str = ""):
        return Deadline.objects.filter(matter=matter, kind=kind.value, target=target, met_at__isnull=True,
                                       cancelled_at__isnull=True)

    def running(self, matter: Matter, kind: ClockKind, target: str = "") -> Deadline | None:
        """The running clock of this kind (and target), if any."""
        return self._running(matter, kind, target).first()

    def supersede(self, matter: Matter, kind: ClockKind, target: str = "") -> None:
        """Cancel a clock of this kind that is still running (it is being started afresh)."""
        self.cancel_clock(matter, kind, clock.now(), target)

    def cancel_clock(self, matter: Matter, kind: ClockKind, at: dt.datetime, target: str = "") -> None:
        self._running(matter, kind, target).update(cancelled_at=at)

    @staticmethod
    def _running_authority(matter: Matter):
        return Deadline.objects.filter(matter=matter, kind__in=AUTHORITY_KINDS, met_at__isnull=True,
                                       cancelled_at__isnull=True)

    def cancel_all_authority_clocks(self, matter: Matter, at: dt.datetime) -> None:
        self._running_authority(matter).update(cancelled_at=at)

    def has_clock(self, matter: Matter, kind: ClockKind) -> bool:
        """Was a clock of this kind ever started on the matter (running, met or cancelled)?"""
        return Deadline.objects.filter(matter=matter, kind=kind.value).exists()

    def latest_clock(self, matter: Matter, kind: ClockKind, target: str = "") -> Deadline | None:
        """The most recently started clock of this kind, whatever its state."""
        return Deadline.objects.filter(matter=matter, kind=kind.value, target=target).order_by("-id").first()

    def refresh_next_due(self, matter: Matter) -> None:
        """Cache the nearest running authority clock on the matter (for lists and the overdue filter)."""
        nearest = self._running_authority(matter).order_by("due").values_list("due", "kind").first()
        matter.next_due, matter.next_due_kind = nearest if nearest else (None, "")

    # ---- events and unit links ---------------------------------------------------------------
    def count_evaluations(self, matter: Matter, target: str) -> int:
        """How many evaluations of ``target`` (bureau or unit) the petitioner has given on the matter."""
        return matter.events.filter(action="evaluate", params__target=target).count()

    def link(self, matter: Matter, unit, role: str, at: dt.datetime) -> None:
        """Link the unit to the matter in this role (again active, since ``at``, if it was before)."""
        link, created = MatterUnit.objects.get_or_create(matter=matter, unit=unit, role=role, defaults={"since": at})
        if not created and not link.active:
            link.active = True
            link.since = at
            link.save(update_fields=["active", "since"])

    def unlink_handlers(self, matter: Matter, lead) -> None:
        """The lead unit and the co-handlers give the matter back (an approved return)."""
        MatterUnit.objects.filter(matter=matter, unit=lead, role=MatterUnit.Role.LEAD).update(active=False)
        MatterUnit.objects.filter(matter=matter, role=MatterUnit.Role.CO).update(active=False)

    # ---- people and duplicates (registration) ------------------------------------------------
    def id_records(self, ids) -> list[Petitioner]:
        """The petitioner records of these ID numbers (``selectors.id_records_of``)."""
        return selectors.id_records_of(ids)

    def upsert_petitioner(self, p, known=None) -> Petitioner:
        """The petitioner with ``p``'s ID number (its contact details updated), or a new one.
        ``known``: the records of the registration's ID numbers (``id_records``), read just before
        this attempt's transaction; None reads the record here. (Read before: if another registration
        changes the same person's phone in those milliseconds to something other than this one's,
        and this one gives the phone the record had, the other's is kept. Either is the person's
        latest.)"""
        if p.id_number:
            if known is None:
                person = Petitioner.objects.filter(id_type="ric", id_number=p.id_number).first()
            else:
                person = next((k for k in known if k.id_type == "ric" and k.id_number == p.id_number), None)
            if person is not None:
                changed = refresh_contacts(person, p)
                if changed:
                    person.save(update_fields=changed)
                return person
        return Petitioner.objects.create(
            name=p.name, id_number=p.id_number, phone=p.phone, address=p.address, email=p.email, gender=p.gender
        )

    def find_duplicates(self, user, **criteria) -> list[dict]:
        """``selectors.find_duplicates``: candidates among the matters ``user`` may see."""
        return selectors.find_duplicates(user, **criteria)


DATABASE = Rows()
_current: ContextVar[Rows] = ContextVar("xinfang_rows", default=DATABASE)


def rows() -> Rows:
    """The row access in force (the database unless a block installed another with ``using``)."""
    return _current.get()


@contextlib.contextmanager
def using(store: Rows) -> Iterator[Rows]:
    """Inside the block the services read and write rows through ``store``."""
    token = _current.set(store)
    try:
        yield store
    finally:
        _current.reset(token)
