"""The deterministic 示范县 demo: reference data, staff accounts, two years of matters.

``generate(seed=..., matters=...)`` loads the reference data, creates the accounts and runs
every matter's story through the real services (see ``runner``), in one transaction, and
records a ``DemoRun``. The same seed on the same day gives the same matters.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.utils import timezone

from xinfang.org.data.loader import load_reference
from xinfang.workdays.models import load_calendar

from ..models import DemoRun
from .accounts import create_accounts
from .runner import RunStats, demo_hooks, run_stories
from .specs import make_specs
from .spike import add_spike
from .world import World

DEFAULT_SEED = 20260101
DEFAULT_MATTERS = 3000
DEFAULT_DOCUMENT_DAYS = 3
SPIKE_MIN_MATTERS = 500  # smaller (test) demos have no baseline to rise above: no spike added


def generate(*, seed: int = DEFAULT_SEED, matters: int = DEFAULT_MATTERS, documents_days: int = DEFAULT_DOCUMENT_DAYS,
             progress=None, in_memory_rows: bool = True) -> tuple[DemoRun, RunStats]:
    """Generate the demo. Documents are issued for acts of the last ``documents_days`` days only.

    ``in_memory_rows=False`` writes every act through the ORM as it happens (the reference the
    fast default is tested against; about ten times slower)."""
    started = time.perf_counter()
    now = timezone.now()
    documents_since = now - dt.timedelta(days=documents_days) if documents_days > 0 else None
    with transaction.atomic(), demo_hooks(documents_since):
        load_reference()
        users = create_accounts(seed)
        calendar = load_calendar()
        specs = make_specs(seed, matters, now=now, cal=calendar)
        world = World(now=now, cal=calendar, users=users, seed=seed)
        stats = run_stories(specs, world, progress=progress, in_memory_rows=in_memory_rows)
        if matters >= SPIKE_MIN_MATTERS:  # a spike for the early warnings (figures), on a real-sized demo
            spike_matters, spike_petitions = add_spike(users, now, seed)
            stats.matters += spike_matters
            stats.petitions += spike_petitions
        run = DemoRun.objects.create(
            seed=seed, requested=matters, matters=stats.matters, petitions=stats.petitions,
            acts=sum(stats.acts.values()), refused=len(stats.refused), today=timezone.localdate(now), seconds=0,
        )
    # Wall time including the commit (and the after-commit hooks of other apps).
    run.seconds = round(time.perf_counter() - started, 2)
    DemoRun.objects.filter(pk=run.pk).update(seconds=run.seconds)
    return run, stats


def is_loaded() -> bool:
    return DemoRun.objects.exists()
