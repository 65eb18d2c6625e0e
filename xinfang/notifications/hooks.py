"""The notifications outbox, on the act's two hooks.

* in the act's transaction: the notice rows are written (``create_for_event``) — the act and its
  notices commit together, so a crash after the commit can never lose a petitioner's notice;
* after commit: the rows of that act are sent at once, off the request, by the after-commit
  runner (xinfang/core/background.py; unless queue-only mode); a failure leaves them queued for
  the runner (``send_pending_notifications``: command, Celery beat, the engine), which retries
  with backoff.
"""

from __future__ import annotations

from .services import create_for_event, send_soon


def queue_in_transaction(event, matter) -> None:
    send_soon([row.pk for row in create_for_event(event, matter, fresh=True)])


def on_event_committed(event, matter) -> None:
    """For an event whose act is already committed (re-runs, tools): queue, then send at once."""
    send_soon([row.pk for row in create_for_event(event, matter)])
