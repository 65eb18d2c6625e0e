"""Run every matter's story through the real services, all matters interleaved in time order.

A heap orders the next step of every story by time, so registrations get their numbers in the
order petitions arrived and a duplicate-like petition only finds matters registered before it.
Each step calls ``register_petition``, ``add_petition`` or ``perform_action`` exactly as the API
does, with a backdated ``occurred_at``. The run is one transaction (all or nothing); during it the
reference data (clock rules, working-day calendar, units, categories, regions) is read once
instead of once per act (``refcache.pinned``: it cannot change inside the transaction anyway), and
the services' clock (``xinfang.core.clock``) is the time of the step being performed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import time
from collections import Counter
from dataclasses import dataclass, field

from xinfang.core import clock, refcache
from xinfang.core.errors import AppError
from xinfang.matters import hooks
from xinfang.matters.services.actions import perform_action
from xinfang.matters.services.registration import add_petition, register_petition

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

    * Notifications (the outbox rows and their sending) are not written, and no after-commit hook
      runs: the demo's past is fictional and its phone numbers belong to nobody we may message.
    * In-transaction hooks run, except that documents (rendered PDF and DOCX) are issued only for
      acts on or after ``documents_since`` (None: never): rendering every notice of two years
      would take tens of minutes. Older matters behave like history taken over from an earlier
      system; the documents app treats an opinion without a document as such.

    Installed as the hooks' runner for the block (``hooks.running_with``), nothing is patched.
    """

    def keep(fn, event) -> bool:
        if fn.__module__.startswith("xinfang.notifications"):
            return False
        if fn.__module__.startswith("xinfang.documents"):
            return documents_since is not None and event.occurred_at >= documents_since
        return True

    with hooks.running_with(lambda event, matter: hooks.run_registered(event, matter, keep, after_commit=False)):
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
    with refcache.pinned(), simulated_clock() as sim:
        if store is None:
            stats = _run(specs, world, progress, None, sim)
        else:
            with in_memory(store):
                stats = _run(specs, world, progress, store, sim)
            store.flush()
            store.run_hooks(sim)
        stats.callbacks = complete_old_callbacks(world, sim)
    return stats


class Clock:
    value = None


@contextlib.contextmanager
def simulated_clock():
    """The services' clock (``xinfang.core.clock.now()``) is the time of the step being performed
    (a few minutes after it happened), so the demo's history looks recorded as it happened:
    registration times, event record times and anything the hooks date. ``Clock.value`` None is
    the real clock; outside the run the real clock is back."""
    sim = Clock()
    with clock.simulated(lambda: sim.value):
        yield sim


RECORDING_DELAY = dt.timedelta(minutes=3)  # a step is entered this long after it happened


def _run(specs: list[MatterSpec], world: World, progress, store: MemoryStore | None, sim: Clock) -> RunStats:
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
        sim.value = step.when + RECORDING_DELAY
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
