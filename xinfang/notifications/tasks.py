"""Celery task for the notification queue (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(name="xinfang.notifications.tasks.send_pending_notifications_task")
def send_pending_notifications_task() -> dict:
    from .services import send_pending_notifications

    return send_pending_notifications()
