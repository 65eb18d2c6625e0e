"""Writing a matter's append-only events (one small function, used by every write service)."""

from __future__ import annotations

import datetime as dt

from xinfang.core import clock

from ..models import Event, Matter
from ..rows import rows


def record_event(
    matter: Matter,
    action: str,
    *,
    actor,
    occurred_at: dt.datetime,
    params: dict | None = None,
    note: str = "",
    via: str = "staff",
    from_status: str = "",
    to_status: str = "",
    unit=None,
) -> Event:
    """Append an event and bump the matter's event counters (the caller saves the matter)."""
    matter.event_count += 1
    event = rows().create(
        Event,
        matter=matter,
        seq=matter.event_count,
        action=action,
        actor=actor if (actor is not None and getattr(actor, "pk", None)) else None,
        unit=unit if unit is not None else (getattr(actor, "unit", None) if actor is not None else None),
        via=via,
        occurred_at=occurred_at,
        recorded_at=clock.now(),
        from_status=from_status,
        to_status=to_status,
        params=params or {},
        note=note,
    )
    if matter.last_event_at is None or occurred_at > matter.last_event_at:
        matter.last_event_at = occurred_at
    matter.version += 1
    return event

