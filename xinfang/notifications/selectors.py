"""Reads for staff pages: a matter's notifications with masked recipients."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from xinfang.core.masking import mask_phone

from .models import Channel, Notification


def mask_email(value: str) -> str:
    if "@" not in (value or ""):
        return "*" * len(value or "")
    local, domain = value.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


def mask_recipient(channel: str, recipient: str) -> str:
    return mask_phone(recipient) if channel == Channel.SMS else mask_email(recipient)


@dataclass(frozen=True)
class NotificationRow:
    id: int
    channel: str
    channel_label: str
    recipient_masked: str
    template_label: str
    status: str
    status_label: str
    attempts: int
    last_error: str
    created_at: object
    sent_at: object
    next_attempt_at: object
    event_seq: int | None


def notifications_for(matter) -> QuerySet[Notification]:
    """The matter's notifications, oldest first (one query; callers have checked access)."""
    return Notification.objects.filter(matter=matter).select_related("event").order_by("created_at", "id")


def notification_rows(matter) -> list[NotificationRow]:
    """Display rows with the recipient masked (个人信息保护法: masked by default)."""
    return [
        NotificationRow(
            id=n.pk, channel=n.channel, channel_label=n.get_channel_display(),
            recipient_masked=mask_recipient(n.channel, n.recipient), template_label=n.get_template_key_display(),
            status=n.status, status_label=n.get_status_display(), attempts=n.attempts, last_error=n.last_error,
            created_at=n.created_at, sent_at=n.sent_at, next_attempt_at=n.next_attempt_at,
            event_seq=n.event.seq if n.event_id else None,
        )
        for n in notifications_for(matter)
    ]


def open_failures_count() -> int:
    return Notification.objects.filter(status="failed").count()


def registration_sms(petition) -> NotificationRow | None:
    """The SMS that told this petition's petitioner its 查询码 (for the portal's success page)."""
    n = (Notification.objects.filter(petition=petition, channel=Channel.SMS, template_key__in=["registered", "repeat_registered"])
         .select_related("event").order_by("id").first())
    if n is None:
        return None
    return NotificationRow(
        id=n.pk, channel=n.channel, channel_label=n.get_channel_display(),
        recipient_masked=mask_recipient(n.channel, n.recipient), template_label=n.get_template_key_display(),
        status=n.status, status_label=n.get_status_display(), attempts=n.attempts, last_error="",
        created_at=n.created_at, sent_at=n.sent_at, next_attempt_at=n.next_attempt_at,
        event_seq=n.event.seq if n.event_id else None,
    )
