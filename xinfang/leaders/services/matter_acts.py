"""The leaders' acts on a matter's timeline.

* ``receive`` (领导接访), ``take_ownership`` (领导包案), ``end_ownership`` (包案办结): events written by
  the leaders' services next to their own rows (a reception record, a case), like registration
  writes ``register``: on the row-locked matter, in the caller's transaction, through the core's
  ``record_event`` (append-only, the matter's counters and version bumped). They change no state
  and no clock.
* 提级调度 (``raise_level``) and the flag edits (``set_flags``) are acts of their own, performed from
  the matter (see ``docs/leaders.md`` "Matter acts").

Hearings use the core's existing ``start_hearing`` / ``end_hearing`` (``services/hearings.py``).
"""

from __future__ import annotations

from django.utils import timezone

from xinfang.matters.models import Event, Matter
from xinfang.matters.services.events import record_event

SAVE_FIELDS = ["event_count", "last_event_at", "version", "updated_at"]


def _write(actor, matter: Matter, action: str, params: dict) -> Event:
    """``matter`` must be row-locked by the caller's transaction."""
    now = timezone.now()
    at = max(now, matter.last_event_at) if matter.last_event_at else now
    event = record_event(matter, action, actor=actor, occurred_at=at, params=params,
                         from_status=matter.status, to_status=matter.status)
    matter.save(update_fields=SAVE_FIELDS)
    return event


def _leader_name(user) -> str:
    return user.full_name or user.username


def receive(*, actor, matter, record) -> Event:
    """领导接访 on the matter's timeline."""
    session = record.session
    return _write(actor, matter, "receive", {
        "session": session.pk, "record": record.pk, "kind": session.kind, "leader": session.leader.username,
        "leader_name": _leader_name(session.leader), "date": session.date.isoformat(),
        "summary": record.summary[:500], "instructions": record.instructions[:500],
        "tasks": record.tasks.count(),
    })


def take_ownership(*, actor, matter, case) -> Event:
    """领导包案 on the matter's timeline."""
    return _write(actor, matter, "take_ownership", {
        "case": case.pk, "leader": case.leader.username, "leader_name": _leader_name(case.leader),
        "target_date": case.target_date.isoformat(), "plan": case.plan[:500],
    })


def end_ownership(*, actor, matter, case) -> Event:
    """包案办结 on the matter's timeline."""
    return _write(actor, matter, "end_ownership", {
        "case": case.pk, "leader": case.leader.username, "leader_name": _leader_name(case.leader),
        "outcome": case.outcome, "note": case.resolution_note[:500],
    })
