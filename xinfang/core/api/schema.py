"""The OpenAPI schema tells the truth (issue 9, failure 9).

``AutoSchema`` adds to every operation the error answers a client can get, derived from what the
view is built from, each with the one error shape (component ``Error``):

* 400 always (malformed input is refused for every operation, xinfang.core.text_middleware);
* 401 when the view authenticates, 403 when a permission applies or session auth needs CSRF;
* 404 when the path names an object, for a page past the end of a paginated list (or when the
  view says it can answer 404);
* 409 / 422 when the view says so (``api_error_statuses``: acts out of order, stale versions,
  reused Idempotency-Keys);
* 415 for operations with a body (a content type the view cannot parse);
* 429 with ``Retry-After`` when the view is throttled.

It also declares read-only fields nullable when their model field is (``parent``,
``superior``, ``region`` …); a view may list extra statuses in ``api_error_statuses`` (a tuple,
or a dict by HTTP method).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ERROR_DESCRIPTIONS = {
    400: "输入有误：fields 指明字段（invalid），或请求内容无法解析（parse_error）",
    401: "未登录，或令牌无效（not_authenticated / authentication_failed）",
    403: "已登录但无权执行（forbidden）",
    404: "不存在，或对您不可见（not_found）",
    409: "当前状态不允许该操作、违反时限规则或事项已被他人处理（conflict / clock_violation / stale）",
    415: "不支持的请求内容类型（unsupported_media_type）",
    422: "同一 Idempotency-Key 用于不同的请求内容",
    429: "请求过于频繁（throttled），Retry-After 给出等待秒数",
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码，如 invalid、not_found、conflict、stale")
    message = serializers.CharField(help_text="中文说明，可直接展示")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="字段名 → 问题（嵌套字段如 petitioners[0].name）")


class ErrorSerializer(serializers.Serializer):
    """The one error shape of api-v1.md."""

    error = ErrorDetailSerializer()


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        ref = self.resolve_serializer(ErrorSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for status in sorted(self.error_statuses(operation)):
            response = {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": ref}}}
            if status == 429:
                response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "等待秒数"}}
            responses.setdefault(str(status), response)
        return operation

    def error_statuses(self, operation) -> set[int]:
        view = self.view
        extra = getattr(view, "api_error_statuses", ())
        statuses = {400, *(extra.get(self.method, ()) if isinstance(extra, dict) else extra)}
        authenticators = view.get_authenticators()
        if authenticators:
            statuses.add(401)
        permissions = view.get_permissions()
        if any(not isinstance(p, AllowAny) for p in permissions) or any(
            type(a).__name__ == "SessionAuthentication" for a in authenticators
        ):
            statuses.add(403)
        if any(p.get("in") == "path" for p in operation.get("parameters", [])):
            statuses.add(404)
        if self.method == "GET" and self._get_paginator() and self._is_list_view():
            statuses.add(404)  # a page past the end
        if "requestBody" in operation:
            statuses.add(415)
        if view.get_throttles():
            statuses.add(429)
        return statuses

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and not meta.get("nullable") and _nullable_in_model(field):
            meta["nullable"] = True
        return meta


def _nullable_in_model(field) -> bool:
    """A model serializer's field whose source (or its first step) is a nullable model field."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or source == "*":
        return False
    try:
        model_field = model._meta.get_field(source.split(".")[0])
    except FieldDoesNotExist:
        return False
    return bool(getattr(model_field, "null", False))
