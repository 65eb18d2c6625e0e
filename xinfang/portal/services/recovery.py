"""找回查询码 (issue 15 §15): the codes of a phone's matters, sent by SMS to that phone only.

The page never says whether the phone is known: the same answer (and no slower or faster one: the
SMS leaves from the outbox after the response) whether or not a petition carries it. Throttled
per phone and per address (``XINFANG_PORTAL_RECOVERY_*``, docs/portal.md); every request is
written to the access log with the phone masked.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from xinfang.core import validation as v
from xinfang.core.errors import InvalidInput
from xinfang.core.masking import mask_phone
from xinfang.core.models import AccessLog, log_access
from xinfang.notifications.services import queue_code_recovery, send_soon

from ..errors import TooManyAttempts, wait_text
from ..protection import ratelimit

log = logging.getLogger("xinfang.portal")

SAME_ANSWER = ("如果该号码是您提交信访事项时留下的手机号码，查询码将在几分钟内以短信发送到该号码。"
               "没有收到的，请携带身份证件到信访局接待大厅或拨打信访局电话查询。")


def limits() -> dict[str, int]:
    """Requests allowed per phone (a day) and per address (an hour)."""
    return {
        "phone": int(getattr(settings, "XINFANG_PORTAL_RECOVERY_PHONE_LIMIT", 3)),
        "phone_window": int(getattr(settings, "XINFANG_PORTAL_RECOVERY_PHONE_WINDOW_HOURS", 24)) * 3600,
        "ip": int(getattr(settings, "XINFANG_PORTAL_RECOVERY_IP_LIMIT", 10)),
        "ip_window": int(getattr(settings, "XINFANG_PORTAL_RECOVERY_IP_WINDOW_MINUTES", 60)) * 60,
    }


def _phone(raw: str) -> str:
    if not (raw or "").strip():
        raise InvalidInput("请填写手机号码。", fields={"phone": "请填写手机号码。"})
    try:
        phone = v.normalize_phone(raw, "phone")
    except InvalidInput:
        raise InvalidInput("请填写正确的手机号码。", fields={"phone": "请填写正确的手机号码。"}) from None
    if not v.is_mobile(phone):
        raise InvalidInput("请填写手机号码（查询码只能以短信发送到手机）。",
                           fields={"phone": "请填写手机号码（查询码只能以短信发送到手机）。"})
    return phone


def recover_codes(*, phone: str, ip: str | None) -> str:
    """Queue the SMS (if the phone is on a petition) and return the one answer for every phone."""
    phone = _phone(phone)
    lim = limits()
    wait = max(
        ratelimit.wait_seconds("recover_ip", ip or "unknown", limit=lim["ip"], window=lim["ip_window"]),
        ratelimit.wait_seconds("recover_phone", phone, limit=lim["phone"], window=lim["phone_window"]),
    )
    if wait:
        log_access(user=None, kind=AccessLog.Kind.PUBLIC_TRACK_FAILED, object_type="code_recovery",
                   object_ref=mask_phone(phone), detail={"reason": "throttled", "via": "portal"}, ip=ip)
        raise TooManyAttempts(f"找回查询码的次数过多，请 {wait_text(wait)}后再试，或到信访局接待大厅查询。", wait_seconds=wait)
    ratelimit.hit("recover_ip", ip or "unknown", window=lim["ip_window"])
    ratelimit.hit("recover_phone", phone, window=lim["phone_window"])
    with transaction.atomic():
        rows = queue_code_recovery(phone)
        log_access(user=None, kind=AccessLog.Kind.PUBLIC_TRACK, object_type="code_recovery",
                   object_ref=mask_phone(phone), detail={"queued": len(rows), "via": "portal"}, ip=ip)
        send_soon([r.pk for r in rows])  # off the request: a known phone does not answer more slowly
    return SAME_ANSWER
