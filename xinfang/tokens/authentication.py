"""``Authorization: Token <key>`` (api-v1.md), checked against live, unexpired tokens."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from xinfang.core.http import client_ip

from .services import find_active, touch


class ExpiringTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            touch(result[1], client_ip(request))
        return result

    def authenticate_credentials(self, key):
        token = find_active(key)
        if token is None:
            # Unknown, expired, revoked (logout, password change) or the account is disabled: 401.
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已撤销，请重新登录。")
        return token.user, token
