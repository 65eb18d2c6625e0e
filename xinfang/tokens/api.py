"""Token endpoints: obtain (a new token per login), logout (revokes the calling token), list and
revoke (own tokens; the administrator: anyone's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from xinfang.core.api.permissions import IsStaff
from xinfang.core.errors import InvalidInput
from xinfang.core.http import client_ip

from . import selectors, services
from .models import ApiToken


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    state = serializers.CharField(source="state_label", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "username", "label", "created_at", "created_ip", "expires_at", "last_used_at",
                  "last_used_ip", "revoked_at", "revoked_reason", "active", "state"]


class ObtainTokenView(APIView):
    """POST {"username", "password"} → {"token", "expires_at"}; send ``Authorization: Token <token>``.
    Every login gets a new token, valid ``XINFANG_TOKEN_TTL_HOURS`` hours."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: inline_serializer(
        "TokenIssued", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()})})
    def post(self, request):
        data = AuthTokenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        token, key = services.issue_token(
            data.validated_data["user"], label=request.META.get("HTTP_USER_AGENT", ""), ip=client_ip(request)
        )
        return Response({"token": key, "expires_at": serializers.DateTimeField().to_representation(token.expires_at)})


class LogoutView(APIView):
    """POST revokes the token this request carries (then 401 with it)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            services.revoke_token(actor=request.user, token_id=request.auth.pk, reason=ApiToken.Reason.LOGOUT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """GET: the caller's tokens. Administrator: ``?all=true`` lists every live token."""

    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[OpenApiParameter("all", bool, description="管理员：列出全部有效令牌")],
        responses={200: TokenSerializer(many=True)},
    )
    def get(self, request):
        if request.query_params.get("all") in ("true", "1"):
            rows = selectors.all_live_tokens(request.user)
        elif request.query_params.get("all") in (None, "", "false", "0"):
            rows = selectors.tokens_of(request.user)
        else:
            raise InvalidInput("all 只能是 true 或 false。", fields={"all": "只能是 true 或 false"})
        return Response(TokenSerializer(rows[:200], many=True).data)


class TokenRevokeView(APIView):
    """DELETE revokes one token: the owner's own, or anyone's for the administrator."""

    permission_classes = [IsStaff]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        services.revoke_token(actor=request.user, token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
