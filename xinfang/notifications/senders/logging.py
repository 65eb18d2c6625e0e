"""The default sender: records each message (``LoggingSender.outbox``) and writes it to the log.

It sends nothing. Development, the demo and the tests use it; the tests read ``outbox``.
The log line carries neither the text (it may hold a 查询码, which opens the matter on the
portal) nor the full recipient: only the masked address and the template.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.utils import timezone

from xinfang.core.masking import mask_phone

from .base import OutgoingMessage, Sender, SendResult

log = logging.getLogger("xinfang.notifications")


@dataclass(frozen=True)
class Recorded:
    channel: str
    recipient: str
    text: str
    template_key: str
    params: dict
    at: object


class LoggingSender(Sender):
    name = "logging"
    outbox: list[Recorded] = []
    _lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> SendResult:
        record = Recorded(message.channel, message.recipient, message.text, message.template_key,
                          dict(message.params), timezone.now())
        with self._lock:
            type(self).outbox.append(record)
            seq = len(type(self).outbox)
        recipient = mask_phone(message.recipient) if message.channel == "sms" else _mask_email(message.recipient)
        log.info("notification (%s to %s, logging sender): template %s, %d characters", message.channel, recipient,
                 message.template_key, len(message.text))
        return SendResult(provider_message_id=f"log-{seq}")

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()

    @classmethod
    def messages_to(cls, recipient: str) -> list[Recorded]:
        with cls._lock:
            return [r for r in cls.outbox if r.recipient == recipient]


def _mask_email(address: str) -> str:
    name, _, domain = (address or "").partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"
