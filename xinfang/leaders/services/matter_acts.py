"""The leaders' acts on a matter's timeline: a reception, a 包案 (and its end), 提级调度, flag edits.

Each is one event on the matter, written by the core's action service in the caller's
transaction (the same row lock, the same append-only event table). Hearings use the core's
existing ``start_hearing`` / ``end_hearing`` directly (``services/hearings.py``).
"""

from __future__ import annotations

from xinfang.matters.models import Event


def receive(*, actor, matter, record) -> Event | None:
    """领导接访 on the matter's timeline."""
    return None


def take_ownership(*, actor, matter, case) -> Event | None:
    """领导包案 on the matter's timeline."""
    return None


def end_ownership(*, actor, matter, case) -> Event | None:
    """包案办结 on the matter's timeline."""
    return None
