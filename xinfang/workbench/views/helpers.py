"""Access decorators and error rendering shared by the workbench views."""

from __future__ import annotations

from django.shortcuts import render

from xinfang.core.views import guarded, role_refusal


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "workbench/error.html", {"title": "无权访问", "message": message}, status=403)


def staff_required(view=None, *, roles: tuple[str, ...] = ()):
    """Signed in, active, holding a role (any of ``roles`` when given). NotVisible becomes 404."""

    def refusal(user):
        message = role_refusal(user)
        if message is None and roles and not (user.has_role(*roles) or user.is_superuser):
            return ""
        return message

    def decorate(fn):
        return guarded(fn, refusal=refusal, forbidden=forbidden)

    return decorate(view) if view is not None else decorate


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))
