from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from xinfang.core.errors import NotAllowed, NotVisible
from xinfang.core.models import log_access

from ..public import CONTENT_TYPES, filename


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "documents/error.html", {"title": "无权访问", "message": message}, status=403)


def staff_view(fn):
    """Signed in with a role; NotVisible → 404 (reveals nothing), NotAllowed → 403."""

    @functools.wraps(fn)
    def wrapper(request, *args, **kwargs):
        if not (request.user.roles or request.user.is_superuser):
            return forbidden(request, "您的账号尚未分配角色，请联系系统管理员。")
        try:
            return fn(request, *args, **kwargs)
        except NotVisible as exc:
            raise Http404(exc.message) from None
        except NotAllowed as exc:
            return forbidden(request, exc.message)

    return login_required(wrapper)


def file_response(doc, fmt: str, data: bytes, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if (inline and fmt == "pdf") else "attachment"
    from urllib.parse import quote

    response["Content-Disposition"] = f"{disposition}; filename=\"document.{fmt}\"; filename*=UTF-8''{quote(filename(doc, fmt))}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def log_download(request, doc, fmt: str) -> None:
    log_access(
        user=request.user, kind="export", object_type="document", object_ref=doc.doc_number,
        detail={"document": doc.pk, "format": fmt, "matter": doc.matter.number if doc.matter_id else ""},
        ip=client_ip(request),
    )
