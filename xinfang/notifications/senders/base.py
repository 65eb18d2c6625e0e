"""The sender interface: one method, ``send(message) -> SendResult``; errors raise ``SendError``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str  # "sms" | "email"
    recipient: str
    text: str
    template_key: str
    params: dict = field(default_factory=dict)
    subject: str = ""


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""


class SendError(Exception):
    """A send failed. ``permanent`` failures (bad number, rejected template) are not retried."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Sender:
    name = "base"

    def send(self, message: OutgoingMessage) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError
