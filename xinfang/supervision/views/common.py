"""Shared helpers of the supervision pages: access decorator, error rendering, form errors."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render

from xinfang.core.errors import AppError
from xinfang.core.views import guarded

from ..access import is_bureau_staff, may_use_supervision, sees_county


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "supervision/error.html", {"title": "无权访问", "message": message}, status=403)


def supervision_page(view=None, *, who: str = "any"):
    """Signed in and allowed: ``any`` (bureau-wide readers and unit staff), ``county`` (county-wide
    readers), ``bureau`` (bureau case officers and leaders). NotVisible → 404, NotAllowed → 403."""

    checks = {"any": may_use_supervision, "county": sees_county, "bureau": is_bureau_staff}

    def decorate(fn):
        return guarded(fn, refusal=lambda user: None if checks[who](user) else "", forbidden=forbidden)

    return decorate(view) if view is not None else decorate


def show_error(request, exc: AppError) -> dict:
    """Put the error's message on the page; return the field errors for the form."""
    messages.error(request, exc.message)
    return {k: "；".join(v) for k, v in exc.fields.items()}


def post_data(request, *, lists: tuple[str, ...] = ()) -> dict:
    data = {k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"}
    for name in lists:
        data[name] = request.POST.getlist(name) if len(request.POST.getlist(name)) > 1 else request.POST.get(name, "")
    return data
