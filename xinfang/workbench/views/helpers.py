"""Access decorators and error rendering shared by the workbench views."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from xinfang.core.errors import NotVisible


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "workbench/error.html", {"title": "无权访问", "message": message}, status=403)


def staff_required(view=None, *, roles: tuple[str, ...] = ()):
    """Signed in, active, holding a role (any of ``roles`` when given). NotVisible becomes 404."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.roles or user.is_superuser):
                return forbidden(request, "您的账号尚未分配角色，请联系系统管理员。")
            if roles and not (user.has_role(*roles) or user.is_superuser):
                return forbidden(request)
            try:
                return fn(request, *args, **kwargs)
            except NotVisible as exc:
                raise Http404(exc.message) from None

        return login_required(wrapper)

    return decorate(view) if view is not None else decorate


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))
