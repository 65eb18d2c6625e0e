"""Project-wide error pages in Chinese (CSRF failure, 404, 500) and the staff-page guard."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render

from xinfang.core.errors import NotAllowed, NotVisible, error_body


def csrf_failure(request, reason=""):
    return render(
        request,
        "error.html",
        {"title": "页面已过期", "message": "表单已过期或来源无法验证，请返回上一页，刷新后重新提交。您填写的内容未被保存。"},
        status=403,
    )


def _api_error(request, code: str, message: str, status: int):
    """Under /api/ every answer is JSON in the error shape, also when no view was reached."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})
    return None


def page_not_found(request, exception=None):
    message = "您访问的页面不存在，或您无权查看。"
    return _api_error(request, "not_found", "未找到，或您无权查看。", 404) or render(
        request, "error.html", {"title": "未找到", "message": message}, status=404)


def server_error(request):
    message = "系统暂时无法处理您的请求，请稍后再试或联系管理员。"
    return _api_error(request, "server_error", message, 500) or render(
        request, "error.html", {"title": "系统错误", "message": message}, status=500)


NO_ROLE = "您的账号尚未分配角色，请联系系统管理员。"


def guarded(fn, *, refusal, forbidden):
    """A staff page: signed in; ``refusal(user)`` returns None to let the user in, or the message
    of the refusal ("" for the page's default); NotVisible raised by the view becomes a 404 that
    reveals nothing, NotAllowed a 403 with its message. ``forbidden(request[, message])`` renders
    the app's own 403 page. The workbench, documents and supervision decorators are this."""

    @functools.wraps(fn)
    def wrapper(request, *args, **kwargs):
        message = refusal(request.user)
        if message is not None:
            return forbidden(request, message) if message else forbidden(request)
        try:
            return fn(request, *args, **kwargs)
        except NotVisible as exc:
            raise Http404(exc.message) from None
        except NotAllowed as exc:
            return forbidden(request, exc.message)

    return login_required(wrapper)


def role_refusal(user) -> str | None:
    """The common check: an account without any role gets an explanation instead of a page."""
    return None if (user.roles or user.is_superuser) else NO_ROLE
