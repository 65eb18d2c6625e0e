"""Celery path of the deadline engine (several machines, Celery beat; see docs/supervision.md).

A Redis lock in front of the engine's own database lease: the first worker to take it runs the
engine, the others return at once. Both locks expire on their own if a worker dies.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date

from .engine import LEASE, new_holder, run

log = logging.getLogger(__name__)
REDIS_LOCK = "xinfang:lock:run_deadlines"


def redis_url() -> str | None:
    return os.environ.get("XINFANG_REDIS_URL") or getattr(settings, "CELERY_BROKER_URL", None) or None


def _redis_lock(url: str):
    import redis

    client = redis.Redis.from_url(url)
    return client.lock(REDIS_LOCK, timeout=int(LEASE.total_seconds()), blocking=False)


@shared_task(name="xinfang.supervision.tasks.run_deadlines_task", ignore_result=False)
def run_deadlines_task(day: str | None = None) -> dict:
    """Run the engine for ``day`` (ISO date; default the local date). Returns the counts."""
    today = parse_date(day) if day else timezone.localdate()
    if not isinstance(today, dt.date):
        raise ValueError(f"invalid date {day!r}")
    url = redis_url()
    lock = _redis_lock(url) if url and url.startswith(("redis://", "rediss://", "unix://")) else None
    if lock is not None and not lock.acquire():
        log.info("run_deadlines_task: Redis lock held elsewhere; skipping %s", today)
        return {"day": today.isoformat(), "status": "locked", "counts": {}}
    try:
        result = run(today, via="celery", holder=new_holder())
    finally:
        if lock is not None:
            try:
                lock.release()
            except Exception:  # the lock expired while we worked: nothing to release
                log.warning("run_deadlines_task: Redis lock expired before release")
    return {"day": today.isoformat(), "status": result.status, "counts": result.counts}
