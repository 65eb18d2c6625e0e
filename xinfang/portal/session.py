"""The petitioner's "signed in to this matter" state: granted after a correct 查询码, per session.

The grant names the petition whose code was given; it lapses after
``XINFANG_PORTAL_SESSION_MINUTES`` without activity and is removed by "退出查询".
"""

from __future__ import annotations

import time

from django.conf import settings

from xinfang.matters.models import Petition

KEY = "xinfang_portal_grants"
LAST_SUBMISSION = "xinfang_portal_last_submission"


def _ttl() -> int:
    return int(getattr(settings, "XINFANG_PORTAL_SESSION_MINUTES", 30)) * 60


def grant(request, matter_number: str, petition_number: str) -> None:
    grants = dict(request.session.get(KEY) or {})
    if not grants:
        request.session.cycle_key()  # a new session id when the petitioner first signs in
    grants[matter_number] = {"petition": petition_number, "at": int(time.time())}
    request.session[KEY] = grants


def granted_petition(request, matter_number: str) -> Petition | None:
    """The petition this session was granted for the matter, or None (never granted / lapsed)."""
    grants = dict(request.session.get(KEY) or {})
    entry = grants.get(matter_number)
    if not entry:
        return None
    now = int(time.time())
    if now - int(entry.get("at", 0)) > _ttl():
        grants.pop(matter_number, None)
        request.session[KEY] = grants
        return None
    petition = Petition.objects.select_related("matter").filter(number=entry.get("petition"), matter__number=matter_number).first()
    if petition is None:
        return None
    entry["at"] = now
    grants[matter_number] = entry
    request.session[KEY] = grants
    return petition


def revoke(request, matter_number: str | None = None) -> None:
    if matter_number is None:
        request.session.pop(KEY, None)
        return
    grants = dict(request.session.get(KEY) or {})
    grants.pop(matter_number, None)
    request.session[KEY] = grants


def granted_numbers(request) -> list[str]:
    now = int(time.time())
    return [n for n, e in (request.session.get(KEY) or {}).items() if now - int(e.get("at", 0)) <= _ttl()]
