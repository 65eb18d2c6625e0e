"""Pluggable senders, chosen by settings at send time (never at import time).

* SMS: ``XINFANG_SMS_BACKEND`` = ``logging`` (default) | ``http`` | ``none`` | a dotted class path.
* E-mail: ``XINFANG_EMAIL_ENABLED`` (default off); when on, Django's e-mail backend (SMTP) is used.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import OutgoingMessage, Sender, SendError, SendResult
from .http_gateway import HttpSmsGatewaySender
from .logging import LoggingSender
from .smtp import SmtpEmailSender

SMS_BACKENDS = {"logging": LoggingSender, "http": HttpSmsGatewaySender}


def sms_enabled() -> bool:
    return (getattr(settings, "XINFANG_SMS_BACKEND", "logging") or "none") != "none"


def email_enabled() -> bool:
    return bool(getattr(settings, "XINFANG_EMAIL_ENABLED", False))


def get_sender(channel: str) -> Sender:
    if channel == "email":
        return SmtpEmailSender()
    name = getattr(settings, "XINFANG_SMS_BACKEND", "logging") or "none"
    if name == "none":
        raise SendError("短信发送已关闭（XINFANG_SMS_BACKEND=none）。", permanent=True)
    cls = SMS_BACKENDS.get(name) or import_string(name)
    return cls()


__all__ = ["HttpSmsGatewaySender", "LoggingSender", "OutgoingMessage", "SendError", "SendResult", "Sender",
           "SmtpEmailSender", "email_enabled", "get_sender", "sms_enabled"]
