"""Run every matter's story through the real services, all matters interleaved in time order.

A heap orders the next step of every story by time, so registrations get their numbers in the
order petitions arrived and a duplicate-like petition only finds matters registered before it.
Each step calls ``register_petition``, ``add_petition`` or ``perform_action`` exactly as the API
does, with a backdated ``occurred_at``. The run is one transaction (all or nothing); during it the
clock rules and the working-day calendar are read once instead of once per act (they cannot
change inside the transaction anyway).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import time
from collections import Counter
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from xinfang.core.errors import AppError
from xinfang.matters import hooks
from xinfang.matters.services import actions as action_services
from xinfang.matters.services import registration as registration_services
from xinfang.matters.services.actions import perform_action
from xinfang.matters.services.registration import add_petition, register_petition
from xinfang.workdays.models import current_rules, load_calendar

from .callbacks import complete_old_callbacks
from .memory import MemoryStore, in_memory
from .specs import MatterSpec
from .story import Story
from .world import Step, World


@dataclass
class RunStats:
    matters: int = 0
    petitions: int = 0
    acts: Counter = field(default_factory=Counter)
    refused: list = field(default_factory=list)  # (matter number, action, message)
    pending: int = 0  # steps not yet due (later than now): the stories stop there
    callbacks: int = 0  # callback outcomes recorded after the stories
    seconds: float = 0.0


@contextlib.contextmanager
def demo_hooks(documents_since):
    """Side effects of the acts, as the demo wants them.

    * Notifications (the outbox rows and their sending) are not written: the demo's past is
      fictional and its phone numbers belong to nobody we may message.
    * In-transaction hooks run, except that documents (rendered PDF and DOCX) are issued only for
      acts on or after ``documents_since`` (None: never): rendering every notice of two years
      would take tens of minutes. Older matters behave like history taken over from an earlier
      system; the documents app treats an opinion without a document as such.
    """

    def only_recent(fn):
        def wrapper(event, matter):
            if documents_since is not None and event.occurred_at >= documents_since:
                return fn(event, matter)
            return None

        wrapper.__name__ = getattr(fn, "__name__", "hook")
        return wrapper

    in_transaction = [only_recent(fn) if fn.__module__.startswith("xinfang.documents") else fn
                      for fn in hooks._in_transaction if not fn.__module__.startswith("xinfang.notifications")]
    with mock.patch.object(hooks, "_in_transaction", in_transaction), mock.patch.object(hooks, "_after_commit", []):
        yield


@contextlib.contextmanager
def rules_read_once():
    """Serve ``current_rules()`` and ``load_calendar()`` from one read for the whole run."""
    rules, calendar = current_rules(), load_calendar()
    with contextlib.ExitStack() as stack:
        for module in (action_services, registration_services):
            stack.enter_context(mock.patch.object(module, "current_rules", lambda: rules))
            stack.enter_context(mock.patch.object(module, "load_calendar", lambda: calendar))
        yield


def perform(step: Step, matter, store: MemoryStore | None = None):
    """Perform one step through the services; return the matter as it now is."""
    if step.kind == "register":
        return register_petition(actor=step.actor, data=step.params).matter
    if step.kind == "repeat":
        return add_petition(actor=step.actor, matter=matter, data=step.params).matter
    if store is not None:
        return store.perform_action(actor=step.actor, number=matter.number, action=step.action, params=step.params,
                                    via=step.via)
    return perform_action(actor=step.actor, number=matter.number, action=step.action, params=step.params, via=step.via)


def run_stories(specs: list[MatterSpec], world: World, *, progress=None, in_memory_rows: bool = True) -> RunStats:
    """Run every story. ``in_memory_rows`` (the default) runs the services on in-memory rows and
    writes them in bulk at the end (see ``memory``); ``False`` writes each act through the ORM."""
    store = MemoryStore() if in_memory_rows else None
    with rules_read_once(), simulated_clock() as clock:
        if store is None:
            stats = _run(specs, world, progress, None, clock)
        else:
            world.window_due = store.window_due
            with in_memory(store):
                stats = _run(specs, world, progress, store, clock)
            store.flush()
            store.run_hooks(clock)
        stats.callbacks = complete_old_callbacks(world, clock)
    return stats


class Clock:
    value = None


@contextlib.contextmanager
def simulated_clock():
    """``timezone.now()`` is the time of the step being performed (a few minutes after it
    happened), so the demo's history looks recorded as it happened: registration times, event
    record times and anything the hooks date. Outside the run the real clock is back."""
    clock = Clock()
    real_now = timezone.now
    with mock.patch.object(timezone, "now", lambda: clock.value or real_now()):
        yield clock


RECORDING_DELAY = dt.timedelta(minutes=3)  # a step is entered this long after it happened


def _run(specs: list[MatterSpec], world: World, progress, store: MemoryStore | None, clock: Clock) -> RunStats:
    stats = RunStats()
    started = time.perf_counter()
    now = world.now
    gens: dict[int, object] = {}
    next_step: dict[int, Step] = {}
    current: dict[int, object] = {}
    heap: list[tuple] = [(spec.received, i, i) for i, spec in enumerate(specs)]
    heapq.heapify(heap)
    tie = len(specs)
    while heap:
        _, _, i = heapq.heappop(heap)
        if i not in gens:
            gens[i] = Story(specs[i], world).run()
            next_step[i] = next(gens[i])
        gen, step = gens[i], next_step.pop(i)
        if step.when > now:
            stats.pending += 1
            gen.close()
            continue
        clock.value = step.when + RECORDING_DELAY
        try:
            matter = perform(step, current.get(i), store)
        except AppError as exc:
            number = getattr(current.get(i), "number", "?")
            stats.refused.append((number, step.action or step.kind, exc.message))
            if not step.side:
                gen.close()
                continue
            matter = current[i]  # a petitioner's optional act: the story goes on without it
        else:
            if step.kind == "register":
                stats.matters += 1
                if progress and stats.matters % 500 == 0:
                    progress(stats.matters, time.perf_counter() - started)
            if step.kind in ("register", "repeat"):
                stats.petitions += 1
            stats.acts[step.action or step.kind] += 1
        current[i] = matter
        try:
            next_step[i] = gen.send(matter)
        except StopIteration:
            continue
        tie += 1
        heapq.heappush(heap, (next_step[i].when, tie, i))
    stats.seconds = time.perf_counter() - started
    return stats
