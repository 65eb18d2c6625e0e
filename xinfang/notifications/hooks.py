"""The notifications outbox, on the act's two hooks.

* in the act's transaction: the notice rows are written (``create_for_event``) — the act and its
  notices commit together, so a crash after the commit can never lose a petitioner's notice;
* after commit: the rows of that act are sent at once (unless queue-only mode); a failure leaves
  them queued for the runner (``send_pending_notifications``: command, Celery beat, the engine),
  which retries with backoff.
"""

from __future__ import annotations

import logging

from django.conf import settings

from .models import Notification, Status
from .services import create_for_event, send_notification

log = logging.getLogger("xinfang.notifications")


# The rows queued in the act's transaction travel on the event object itself to the after-commit
# sender, which sends them without reading them back (issue 14). Not a registry keyed by events:
# events compare by primary key, and a key reused by an old, still referenced event object (a rolled
# back test, a re-numbered row) would take the entry with it when that object was collected.
OUTBOX_ATTR = "_xinfang_outbox"


def queue_in_transaction(event, matter) -> None:
    setattr(event, OUTBOX_ATTR, create_for_event(event, matter, fresh=True))


def send_after_commit(event, matter) -> None:
    if not getattr(settings, "XINFANG_NOTIFY_SEND_IMMEDIATELY", True):
        return  # the queue runner (command / Celery beat) sends them
    held = event.__dict__.pop(OUTBOX_ATTR, None)
    if held is None:
        held = Notification.objects.filter(event=event, status=Status.QUEUED).select_related("petition")
    for notification in held:
        try:
            send_notification(notification)
        except Exception:  # never let a sending problem escape into the request
            log.exception("sending notification %s failed; it stays queued", notification.pk)


def on_event_committed(event, matter) -> None:
    """Both steps at once, for an event whose act is already committed (re-runs, tools)."""
    create_for_event(event, matter)
    send_after_commit(event, matter)
