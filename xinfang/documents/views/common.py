from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from xinfang.core.http import client_ip
from xinfang.core.models import log_access
from xinfang.core.views import guarded, role_refusal

from ..public import CONTENT_TYPES, filename


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "documents/error.html", {"title": "无权访问", "message": message}, status=403)


def staff_view(fn):
    """Signed in with a role; NotVisible → 404 (reveals nothing), NotAllowed → 403."""
    return guarded(fn, refusal=role_refusal, forbidden=forbidden)


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
