"""Per-process caches of reference data (categories, regions, units, rule settings, the calendar,
document templates), invalidated when anything in them changes.

Reference rows change a few times a year and are read by every act; reading them once per
process instead of once per request removes a third of a registration's statements (issue 14).

Invalidation: a save or delete of a watched model (signals; services that use queryset
``update()`` call :func:`invalidate` themselves) clears this process's caches at once and again
after the commit, and bumps a generation number in Django's cache. Other processes compare that
number at most once per ``CHECK_SECONDS`` and reload when it moved; with Redis as the cache
(``XINFANG_REDIS_URL``, production) every app server and Celery worker sees a change within
that second. Every entry is also reloaded after ``MAX_AGE_SECONDS`` whatever happens (a backstop,
e.g. for a change made directly in the database).

``pinned()``: inside the block every entry is read once and kept for the block, whatever the
transaction did before (a long write that loaded the reference data itself and does not change it
again: the demo run, whose transaction would otherwise read the rules, calendar and units afresh
for every act).
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "xinfang:refcache:generation"
CHECK_SECONDS = 1.0
MAX_AGE_SECONDS = 300.0

_lock = threading.Lock()
_values: dict[str, tuple[float, Any]] = {}
_state = {"generation": None, "checked": 0.0}
_pinned: ContextVar[dict[str, Any] | None] = ContextVar("xinfang_refcache_pinned", default=None)


def _shared_generation() -> Any:
    try:
        return cache.get(GENERATION_KEY, 0)
    except Exception:  # the cache server is down: fall back to the time-based reload
        return _state["generation"]


def _check() -> None:
    now = time.monotonic()
    if now - _state["checked"] < CHECK_SECONDS:
        return
    generation = _shared_generation()
    with _lock:
        if generation != _state["generation"]:
            _values.clear()
            _state["generation"] = generation
        _state["checked"] = now


def get(name: str, loader: Callable[[], Any]) -> Any:
    """The cached value of ``name``, loading it with ``loader()`` when absent or stale."""
    kept = _pinned.get()
    if kept is not None:
        if name not in kept:
            kept[name] = loader()
        return kept[name]
    _check()
    now = time.monotonic()
    entry = _values.get(name)
    if entry is not None and now - entry[0] < MAX_AGE_SECONDS:
        return entry[1]
    value = loader()
    if not _in_dirty_transaction():
        _values[name] = (now, value)  # never cache what an uncommitted change of this thread shows
    return value


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """Inside the block each entry is loaded once and kept until the block ends."""
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


_local = threading.local()


def _in_dirty_transaction() -> bool:
    """Has this thread changed reference data in the transaction it is still in? Its commit
    callback is then still queued (Django empties the queue on commit and on rollback)."""
    conn = transaction.get_connection()
    callback = getattr(_local, "callback", None)
    return bool(conn.in_atomic_block and callback is not None
                and any(entry[1] is callback for entry in conn.run_on_commit))


def clear_local() -> None:
    with _lock:
        _values.clear()
        _state["checked"] = 0.0


def _bump() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, None)
    except Exception:  # a cache outage must not fail the write; MAX_AGE_SECONDS still applies
        pass


def _committed() -> None:
    clear_local()
    _bump()


def invalidate(using: str = "default") -> None:
    """Reference data changed: forget it here now, and everywhere once committed."""
    clear_local()
    _bump()
    conn = transaction.get_connection(using)
    if conn.in_atomic_block:
        callback = functools.partial(_committed)  # a fresh object: identifies this transaction's change
        transaction.on_commit(callback, using=using)
        _local.callback = callback


def _on_change(sender, using="default", **kwargs) -> None:
    invalidate(using or "default")


def watch(*models) -> None:
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"refcache-save-{model._meta.label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"refcache-delete-{model._meta.label}")
