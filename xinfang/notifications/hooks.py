"""The after-commit hook: the act is committed; queue its notices and try to send them at once."""

from __future__ import annotations

import logging

from django.conf import settings

from .services import create_for_event, send_notification

log = logging.getLogger("xinfang.notifications")


def on_event_committed(event, matter) -> None:
    notifications = create_for_event(event, matter)
    if not getattr(settings, "XINFANG_NOTIFY_SEND_IMMEDIATELY", True):
        return  # the queue runner (command / Celery beat) sends them
    for notification in notifications:
        try:
            send_notification(notification)
        except Exception:  # never let a sending problem escape into the request
            log.exception("sending notification %s failed; it stays queued", notification.pk)
