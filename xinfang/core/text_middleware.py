"""The text input rule (core.text) for every page and every API call, before any view or service runs."""

from __future__ import annotations

import io
import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.shortcuts import render

from .errors import error_body
from .text import BAD_HEADER_CHARACTER, bad_text_message, find_bad_text

API_PREFIX = "/api/"
KINDS = {type(None): "null", bool: "布尔值", int: "数字", float: "数字", str: "字符串", list: "数组"}


class TextInputMiddleware:
    """Refuse a request whose text input carries characters no field may hold (core.text): the
    URL's parameters, the query string, form fields, JSON bodies and header values; and, on the
    API, a JSON body that is not an object (api-v1.md: every body is an object). The API answers
    400 in its error shape naming the field; pages answer a Chinese 400 page. Runs as
    ``process_view`` so that the URL's parameters have their names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            field, data = _bad_field(request, view_kwargs)
        except RequestDataTooBig:
            return _refuse(request, "请求内容过大", "请求内容过大，请减小附件或分次提交。", {}, code="too_large")
        except (MultiPartParserError, OSError, ValueError):
            message = "请求内容格式错误：不是有效的 JSON 对象或表单数据（UTF-8）。"
            return _refuse(request, "非法请求", message, {}, code="parse_error")
        if field is not None:
            message = bad_text_message(field)
            return _refuse(request, "输入含有无效字符", message, {field: [message]})
        if data is not NOT_JSON and not isinstance(data, dict) and request.path.startswith(API_PREFIX):
            message = f"请求体应为 JSON 对象（{{…}}），收到的是{KINDS.get(type(data), '其他值')}。"
            return _refuse(request, "非法请求", message, {"non_field_errors": [message]})
        return None


NOT_JSON = object()


def _bad_field(request, view_kwargs) -> tuple[str | None, object]:
    """(the first field holding bad text or None, the parsed JSON body or NOT_JSON)."""
    found = find_bad_text({k: v for k, v in view_kwargs.items() if isinstance(v, str)})
    if found:
        return found, NOT_JSON
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str) and BAD_HEADER_CHARACTER.search(value):
            return name[5:].replace("_", "-").title(), NOT_JSON
    found = find_bad_text(_as_lists(request.GET))
    if found or request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return found, NOT_JSON
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return find_bad_text(_as_lists(_form(request))), NOT_JSON
    if (content_type == "application/json" or content_type.endswith("+json")) and request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            if request.path.startswith(API_PREFIX):
                raise  # also where the view would not read the body
            return None, NOT_JSON
        return find_bad_text(data), data
    return None, NOT_JSON


def _form(request) -> QueryDict:
    """The form fields; Django parses them for POST only, DRF for PUT and PATCH as well."""
    if request.method == "POST":
        return request.POST
    if request.content_type == "multipart/form-data":
        stream = io.BytesIO(request.body)
        return MultiPartParser(request.META, stream, request.upload_handlers, request.encoding).parse()[0]
    return QueryDict(request.body, encoding=request.encoding)


def _as_lists(querydict) -> dict:
    return {key: values if len(values := querydict.getlist(key)) > 1 else querydict.get(key) for key in querydict}


def _refuse(request, title: str, message: str, fields: dict, code: str = "invalid"):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body(code, message, fields), status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "error.html", {"title": title, "message": message}, status=400)
