"""Project-wide error pages in Chinese (CSRF failure, 404, 500)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(
        request,
        "error.html",
        {"title": "页面已过期", "message": "表单已过期或来源无法验证，请返回上一页，刷新后重新提交。您填写的内容未被保存。"},
        status=403,
    )


def page_not_found(request, exception=None):
    return render(request, "error.html", {"title": "未找到", "message": "您访问的页面不存在，或您无权查看。"}, status=404)


def server_error(request):
    return render(request, "error.html", {"title": "系统错误", "message": "系统暂时无法处理您的请求，请稍后再试或联系管理员。"},
                  status=500)
