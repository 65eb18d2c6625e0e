"""Checking a number and 查询码 (可查询): constant-time, throttled per address and per (number, address), logged.

Never per number alone: whoever knows a matter number must not be able to lock its petitioner
out (issue 9 §7). The 52-bit code (50 bits for codes issued before issue 15) is what stops a distributed guess (docs/security.md).

A matter number with the code of any of its petitions, or a petition number with its own code,
opens the petitioner's view. The answer to a wrong code never says whether the number exists.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from django.conf import settings

from xinfang.core.errors import InvalidInput, NotVisible
from xinfang.core.models import AccessLog, log_access
from xinfang.matters.models import Matter, Petition

from ..errors import TooManyAttempts, wait_text
from ..protection import ratelimit

DUMMY_CODE = "XXXXXXXXXX"
NUMBER_RE = re.compile(r"^[A-Z0-9-]{4,32}$")
WRONG_CODE_MESSAGE = "编号或查询码不正确，请核对后重新输入（查询码不区分大小写）。"


@dataclass(frozen=True)
class TrackAccess:
    matter: Matter
    petition: Petition


def _limit() -> int:
    """Wrong codes for one number from one address."""
    return int(getattr(settings, "XINFANG_PORTAL_TRACK_FAILURE_LIMIT", 5))


def _ip_limit() -> int:
    """Wrong codes from one address, whatever the numbers (an address guessing at many matters)."""
    return int(getattr(settings, "XINFANG_PORTAL_TRACK_IP_FAILURE_LIMIT", 20))


def _window() -> int:
    return int(getattr(settings, "XINFANG_PORTAL_TRACK_LOCKOUT_MINUTES", 15)) * 60


def normalize_number(value: str) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


def normalize_code(value: str) -> str:
    return re.sub(r"[\s-]+", "", str(value or "")).upper()


def _pair(number: str, ip: str | None) -> str:
    return f"{number}|{ip or 'unknown'}"


def lockout_wait(number: str, ip: str | None) -> int:
    window = _window()
    return max(
        ratelimit.wait_seconds("track_ip", ip or "unknown", limit=_ip_limit(), window=window),
        ratelimit.wait_seconds("track_pair", _pair(number, ip), limit=_limit(), window=window) if number else 0,
    )


def _locked(wait: int) -> TooManyAttempts:
    return TooManyAttempts(
        f"查询码输入错误次数过多，为保护您的信息，请 {wait_text(wait)}后再试。如忘记查询码，请携带身份证件到信访局或拨打信访局电话查询。",
        wait_seconds=wait,
    )


def _candidates(number: str) -> tuple[Petition | None, list[Petition]]:
    """(petition named by number, or None; petitions whose code may be used)."""
    petition = Petition.objects.select_related("matter").filter(number=number).first()
    if petition is not None:
        return petition, [petition]
    matter = Matter.objects.filter(number=number).first()
    if matter is None:
        return None, []
    return None, list(matter.petitions.select_related("matter").order_by("received_at", "id"))


def authenticate(*, number: str, code: str, ip: str | None, via: str = "portal") -> TrackAccess:
    """The matter and petition for this number and code, or an error (wrong code / locked out)."""
    number, code = normalize_number(number), normalize_code(code)
    fields = {}
    if not number:
        fields["number"] = "请填写事项编号或信访件编号。"
    if not code:
        fields["code"] = "请填写查询码。"
    if fields:
        raise InvalidInput(next(iter(fields.values())), fields=fields)
    wait = lockout_wait(number, ip)
    if wait:
        log_access(user=None, kind=AccessLog.Kind.PUBLIC_TRACK_FAILED, object_type="matter", object_ref=number[:80],
                   detail={"reason": "locked", "via": via}, ip=ip)
        raise _locked(wait)
    match = None
    if NUMBER_RE.match(number) and len(code) <= 32:
        _named, petitions = _candidates(number)
        for petition in petitions or [None]:
            expected = petition.query_code if petition is not None else DUMMY_CODE
            if hmac.compare_digest(expected.encode(), code.encode()) and petition is not None and match is None:
                match = petition
    if match is None:
        ratelimit.hit("track_ip", ip or "unknown", window=_window())
        ratelimit.hit("track_pair", _pair(number, ip), window=_window())
        log_access(user=None, kind=AccessLog.Kind.PUBLIC_TRACK_FAILED, object_type="matter", object_ref=number[:80],
                   detail={"reason": "wrong_code", "via": via}, ip=ip)
        wait = lockout_wait(number, ip)
        if wait:
            raise _locked(wait)
        raise NotVisible(WRONG_CODE_MESSAGE, fields={"code": WRONG_CODE_MESSAGE})
    ratelimit.reset("track_pair", _pair(number, ip))
    log_access(user=None, kind=AccessLog.Kind.PUBLIC_TRACK, object_type="matter", object_ref=match.matter.number,
               detail={"petition": match.number, "via": via}, ip=ip)
    return TrackAccess(matter=match.matter, petition=match)

