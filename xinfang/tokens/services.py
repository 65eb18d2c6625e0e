"""Issuing, checking and revoking API tokens. Every write is one short transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import NotAllowed, NotVisible
from xinfang.core.prepared import Prepared
from xinfang.core.queries import Slot
from xinfang.org.choices import Role

from .models import ApiToken

# The last-use stamp is written at most this often per token (one UPDATE, not one per request).
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.XINFANG_TOKEN_TTL_HOURS)


def issue_token(user, *, label: str = "", ip: str | None = None) -> tuple[ApiToken, str]:
    """A new token for every login; the key is returned once and only its digest is kept."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user, digest=digest(key), prefix=key[:8], label=label[:120], created_at=now,
        created_ip=ip, expires_at=now + lifetime(),
    )
    return token, key


@Prepared
def _by_digest():
    """The token of a digest (unique), with its user: compiled once (every API request reads it).
    The user's unit is not joined: like a session's user, it is read from the per-process unit
    cache where it is needed (User.in_bureau, reference.unit)."""
    return ApiToken.objects.select_related("user").filter(digest=Slot("digest", ApiToken._meta.get_field("digest"))) \
        .order_by()[:1]


def find_active(key: str) -> ApiToken | None:
    """The live token for this key (with its user), or None: unknown, revoked, expired, user inactive."""
    if not key or len(key) > 128:
        return None
    token = next(iter(_by_digest(digest=digest(key))), None)
    if token is None or token.revoked_at is not None or token.expires_at <= timezone.now():
        return None
    if not token.user.is_active:
        return None
    return token


def touch(token: ApiToken, ip: str | None) -> None:
    """Record the token's use, at most once per ``TOUCH_INTERVAL``."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL and token.last_used_ip == ip:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
    token.last_used_at, token.last_used_ip = now, ip


def _may_manage(actor, token: ApiToken) -> bool:
    return token.user_id == actor.pk or actor.has_role(Role.ADMIN) or actor.is_superuser


@transaction.atomic
def revoke_token(*, actor, token_id: int, reason: str | None = None) -> ApiToken:
    """The owner or an administrator revokes one token (idempotent: a revoked token stays revoked)."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None or not _may_manage(actor, token):
        raise NotVisible("未找到该令牌。")
    if token.revoked_at is None:
        if reason is None:
            reason = ApiToken.Reason.USER if token.user_id == actor.pk else ApiToken.Reason.ADMIN
        if reason not in ApiToken.Reason.values:
            raise NotAllowed("撤销原因无效。")
        token.revoked_at, token.revoked_reason, token.revoked_by = timezone.now(), reason, actor
        token.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return token


def revoke_all(user, *, reason: str, actor=None) -> int:
    """Revoke every live token of ``user`` (password change, administrator's "revoke all")."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason, revoked_by=actor
    )
