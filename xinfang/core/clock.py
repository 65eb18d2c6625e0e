"""The time the services read: the real clock, or a simulated one set for a block of code.

Services that stamp what they write (event record times, registration times, cancelled clocks,
notices, callback tasks, documents' dates) read ``now()`` / ``today()`` here instead of
``timezone.now()``. Outside a ``simulated`` block they are the real clock. The demo generator
performs two years of acts through the real services inside ``simulated(...)``, so its history
looks recorded as it happened (docs/demo.md). A ``ContextVar``: it holds for the current thread
or task only, never for other requests.

``StampField`` is the ``auto_now`` / ``auto_now_add`` datetime of the rows those services write:
it stamps from ``now()``, and an insert keeps a stamp the row already carries (a bulk insert of
rows stamped when they were made: the demo's fast run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.db import models
from django.utils import timezone

_source: ContextVar[Callable[[], dt.datetime | None] | None] = ContextVar("xinfang_clock", default=None)


def now() -> dt.datetime:
    """The current time (aware): the simulated time inside ``simulated``, else ``timezone.now()``."""
    source = _source.get()
    value = source() if source is not None else None
    return value if value is not None else timezone.now()


def today() -> dt.date:
    """The local date of ``now()``."""
    return timezone.localdate(now())


@contextlib.contextmanager
def simulated(source: Callable[[], dt.datetime | None]) -> Iterator[None]:
    """Inside the block, ``now()`` is ``source()`` (the real clock where it returns None)."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


class StampField(models.DateTimeField):
    """``auto_now`` / ``auto_now_add`` from ``now()``; an insert keeps a stamp already given.

    It is a ``DateTimeField`` to the database and the migrations (same column, no migration)."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = getattr(model_instance, self.attname) if add else None
            if value is None:
                value = now()
                setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs
