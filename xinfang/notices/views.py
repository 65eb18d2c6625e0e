"""工作提醒: the list, marking read, opening one (marks it read), the daily digest choice."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinfang.core.errors import AppError
from xinfang.workbench.views.helpers import staff_required

from .models import DigestChoice, NoticePreference, StaffNotice
from .selectors import notices_page, redact
from .services import mark_read, set_digest

PER_PAGE = 30


@staff_required
def notice_list(request):
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(notices_page(request.user, unread_only=unread_only), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    pref = NoticePreference.objects.filter(user=request.user).first()
    return render(request, "notices/list.html", {
        "page": page, "notices": redact(request.user, list(page.object_list)), "unread_only": unread_only,
        "digest": pref.digest if pref else DigestChoice.NONE, "digest_choices": DigestChoice.choices,
    })


@require_POST
@staff_required
def notice_open(request, pk):
    notice = get_object_or_404(StaffNotice, pk=pk, recipient=request.user)
    mark_read(request.user, [notice.pk])
    notice = redact(request.user, [notice])[0]
    return redirect(notice.url or "notices:list")


@require_POST
@staff_required
def notice_read_all(request):
    n = mark_read(request.user)
    messages.success(request, f"已将 {n} 条提醒标为已读。")
    return redirect("notices:list")


@require_POST
@staff_required
def notice_digest(request):
    try:
        set_digest(request.user, request.POST.get("digest", ""))
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "每日摘要设置已保存。")
    return redirect("notices:list")
