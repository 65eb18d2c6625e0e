"""Online petitions and public suggestions: one matter per submitted form, bounded per address/phone.

The view has validated the fields and the challenge answer; here the single-use form token, the
challenge nonce and the rate limits are enforced, and ``register_petition`` is called with the
bureau as the registering unit (actor=None, via="portal").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core.errors import InvalidInput
from xinfang.matters.models import Matter, Petition
from xinfang.matters.services.registration import register_petition

from ..errors import TooManyAttempts, wait_text
from ..models import PortalSubmission
from ..protection import challenge, ratelimit

log = logging.getLogger("xinfang.portal")

CONSENT_VERSION = "2026-1"
HOUR, DAY = 3600, 24 * 3600
CHALLENGE_FAILURE_LIMIT = 30  # wrong answers per address per hour before a lockout


@dataclass
class SubmissionOutcome:
    submission: PortalSubmission
    matter: Matter
    petition: Petition
    replayed: bool = False


def _limit_ip() -> int:
    return int(getattr(settings, "XINFANG_PORTAL_SUBMIT_LIMIT_PER_IP", 5))


def _limit_phone() -> int:
    return int(getattr(settings, "XINFANG_PORTAL_SUBMIT_LIMIT_PER_PHONE", 3))


def check_address_limits(ip: str | None) -> None:
    """Before any work: too many submissions or wrong challenge answers from this address."""
    ident = ip or "unknown"
    wait = max(
        ratelimit.wait_seconds("submit_ip", ident, limit=_limit_ip(), window=HOUR),
        ratelimit.wait_seconds("challenge_fail", ident, limit=CHALLENGE_FAILURE_LIMIT, window=HOUR),
    )
    if wait:
        raise TooManyAttempts(f"提交过于频繁，请 {wait_text(wait)}后再试。如有急事，请拨打信访局电话。", wait_seconds=wait)


def check_phone_limit(phone: str) -> None:
    if not phone:
        return
    wait = ratelimit.wait_seconds("submit_phone", phone, limit=_limit_phone(), window=DAY)
    if wait:
        raise TooManyAttempts(
            f"该手机号码今天已提交 {_limit_phone()} 件，请 {wait_text(wait)}后再试；同一事项无需重复提交，可凭查询码查询进度。",
            wait_seconds=wait, fields={"phone": "该号码今日提交次数已达上限"},
        )


def record_challenge_failure(ip: str | None) -> None:
    ratelimit.hit("challenge_fail", ip or "unknown", window=HOUR)


def replayed_submission(token: str) -> PortalSubmission | None:
    """A form already submitted with this token (back button, double tap)."""
    if not token:
        return None
    return PortalSubmission.objects.filter(token=token, matter__isnull=False).select_related("matter", "petition").first()


def submit(
    *, kind: str, token: str, data: dict, files=(), ip: str | None, phone: str, challenge_nonce: str
) -> SubmissionOutcome:
    """Register the submitted form as a petition (or suggestion) once."""
    token = (token or "").strip()
    if not (16 <= len(token) <= 64):
        raise InvalidInput("表单已失效，请刷新页面后重新填写。", fields={"form_token": "表单已失效"})
    existing = replayed_submission(token)
    if existing is not None:
        return SubmissionOutcome(existing, existing.matter, existing.petition, replayed=True)
    check_address_limits(ip)
    check_phone_limit(phone)
    burnt = False
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    submission = PortalSubmission.objects.create(
                        token=token, kind=kind, consent_version=CONSENT_VERSION, consented_at=timezone.now()
                    )
            except IntegrityError:
                existing = replayed_submission(token)
                if existing is None:
                    raise InvalidInput("该表单正在提交，请稍候刷新查看结果。", fields={"form_token": "重复提交"}) from None
                return SubmissionOutcome(existing, existing.matter, existing.petition, replayed=True)
            if not challenge.burn(challenge_nonce):
                raise InvalidInput("该验证题已经使用过，请回答新的验证题。", fields={"challenge_answer": "请回答新的验证题"})
            burnt = True
            result = register_petition(actor=None, via="portal", data={**data, "channel": "online"}, files=files)
            submission.matter, submission.petition = result.matter, result.petition
            submission.save(update_fields=["matter", "petition"])
    except Exception:
        if burnt:
            challenge.unburn(challenge_nonce)
        raise
    ratelimit.hit("submit_ip", ip or "unknown", window=HOUR)
    if phone:
        ratelimit.hit("submit_phone", phone, window=DAY)
    log.info("portal %s registered as %s (petition %s)", kind, result.matter.number, result.petition.number)
    return SubmissionOutcome(submission, result.matter, result.petition)
