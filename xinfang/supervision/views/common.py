"""Shared helpers of the supervision pages: access decorator, error rendering, form errors."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from xinfang.core.errors import AppError, NotAllowed, NotVisible

from ..access import is_bureau_staff, may_use_supervision, sees_county


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "supervision/error.html", {"title": "无权访问", "message": message}, status=403)


def supervision_page(view=None, *, who: str = "any"):
    """Signed in and allowed: ``any`` (bureau-wide readers and unit staff), ``county`` (county-wide
    readers), ``bureau`` (bureau case officers and leaders). NotVisible → 404, NotAllowed → 403."""

    checks = {"any": may_use_supervision, "county": sees_county, "bureau": is_bureau_staff}

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(request, *args, **kwargs):
            if not checks[who](request.user):
                return forbidden(request)
            try:
                return fn(request, *args, **kwargs)
            except NotVisible as exc:
                raise Http404(exc.message) from None
            except NotAllowed as exc:
                return forbidden(request, exc.message)

        return login_required(wrapper)

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
