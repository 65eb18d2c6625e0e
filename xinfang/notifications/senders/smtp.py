"""E-mail through Django's configured e-mail backend (SMTP in production: EMAIL_HOST etc.)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from .base import OutgoingMessage, Sender, SendError, SendResult


class SmtpEmailSender(Sender):
    name = "smtp"

    def send(self, message: OutgoingMessage) -> SendResult:
        subject = message.subject or f"{settings.XINFANG_COUNTY_NAME}信访局：信访事项办理告知"
        email = EmailMessage(subject=subject, body=message.text, to=[message.recipient])
        try:
            sent = email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"收件地址被拒绝：{exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"邮件发送失败：{exc}") from exc
        if not sent:
            raise SendError("邮件服务器未接受该邮件。")
        return SendResult()
