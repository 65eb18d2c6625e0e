"""The single API error shape: {"error": {"code", "message", "fields"}} (api-v1.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xinfang.core.errors import AppError, error_body

DRF_MESSAGES = {
    exceptions.NotAuthenticated: ("not_authenticated", "请先登录。"),
    exceptions.AuthenticationFailed: ("authentication_failed", "身份验证失败，请重新登录。"),
    exceptions.PermissionDenied: ("forbidden", "您无权执行此操作。"),
    exceptions.NotFound: ("not_found", "未找到，或您无权查看。"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法。"),
    exceptions.NotAcceptable: ("not_acceptable", "不支持请求的响应格式。"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "不支持的请求内容类型。"),
    exceptions.Throttled: ("throttled", "请求过于频繁，请稍后再试。"),
    exceptions.ParseError: ("parse_error", "请求内容格式错误：不是有效的 JSON 对象或表单数据。"),
}


def _flatten(detail, prefix="") -> dict:
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(x, (dict, list)) for x in detail):
            fields[prefix or "non_field_errors"] = [str(x) for x in detail]
        else:
            for i, value in enumerate(detail):
                fields.update(_flatten(value, f"{prefix}[{i}]"))
    else:
        fields[prefix or "non_field_errors"] = [str(detail)]
    return fields


def error_response(code: str, message: str, http_status: int, fields=None, headers=None) -> Response:
    return Response(error_body(code, message, fields), status=http_status, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, AppError):
        return error_response(exc.code, exc.message, exc.http_status, exc.fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "message_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()), ["输入有误"])[0]
        name = next(iter(fields), "")
        message = f"{name}：{first}" if name and name != "non_field_errors" else first
        return error_response("invalid", message, status.HTTP_400_BAD_REQUEST, fields)
    code, message = DRF_MESSAGES.get(type(exc), ("error", str(getattr(exc, "detail", "请求失败"))))
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        message = f"请求过于频繁，请 {int(exc.wait)} 秒后再试。"
    return error_response(code, message, response.status_code, headers={
        k: v for k, v in response.headers.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")
    })
