"""Reading tokens: a user's own, or (administrator) everybody's live ones."""

from __future__ import annotations

from django.utils import timezone

from xinfang.core.errors import NotAllowed
from xinfang.org.choices import Role

from .models import ApiToken


def tokens_of(user, *, include_inactive: bool = True):
    qs = ApiToken.objects.filter(user=user).select_related("user", "revoked_by")
    if not include_inactive:
        qs = qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return qs.order_by("-created_at")


def all_live_tokens(actor):
    """Every live token, for the administrator (the user and unit come with the rows)."""
    if not (actor.has_role(Role.ADMIN) or actor.is_superuser):
        raise NotAllowed("只有系统管理员可以查看全部令牌。")
    return (
        ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("user", "user__unit")
        .order_by("-created_at")
    )
