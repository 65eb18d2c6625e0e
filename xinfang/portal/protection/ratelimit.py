"""Fixed-window counters in the Django cache (Redis in production, local memory otherwise).

A window starts at the first hit and lasts ``window`` seconds; ``wait_seconds`` tells how long
until it ends, so the message can say how long to wait. Identifiers are hashed in the keys.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

PREFIX = "xf:portal:rl"


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:32]
    return f"{PREFIX}:{scope}:{digest}"


def count(scope: str, ident: str) -> int:
    return int(cache.get(_key(scope, ident), 0) or 0)


def wait_seconds(scope: str, ident: str, *, limit: int, window: int) -> int:
    """Seconds until ``ident`` may try again (0 = allowed now)."""
    key = _key(scope, ident)
    if int(cache.get(key, 0) or 0) < limit:
        return 0
    started = cache.get(f"{key}:start")
    if started is None:
        return 0
    return max(int(started + window - time.time()) + 1, 1)


def hit(scope: str, ident: str, *, window: int) -> int:
    """Count one hit; returns the count in the current window."""
    key = _key(scope, ident)
    now = time.time()
    cache.add(f"{key}:start", now, window)
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(f"{key}:start", now, window)
        cache.set(key, 1, window)
        return 1


def reset(scope: str, ident: str) -> None:
    key = _key(scope, ident)
    cache.delete_many([key, f"{key}:start"])
