"""Workbench pages: 我的 API 令牌 (every staff user) and 全部 API 令牌 (administrator)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.org.choices import Role
from xinfang.workbench.views.helpers import staff_required

from . import selectors, services


@staff_required
def my_tokens(request):
    rows = list(selectors.tokens_of(request.user)[:100])
    return render(request, "tokens/mine.html", {"tokens": rows, "TOKEN_TTL_HOURS": settings.XINFANG_TOKEN_TTL_HOURS})


@staff_required(roles=(Role.ADMIN,))
def all_tokens(request):
    rows = list(selectors.all_live_tokens(request.user)[:500])
    return render(request, "tokens/all.html", {"tokens": rows})


@require_POST
@staff_required
def revoke(request, pk: int):
    token = services.revoke_token(actor=request.user, token_id=pk)
    messages.success(request, f"令牌 {token.prefix}… 已撤销。")
    back = "/manage/tokens/" if request.POST.get("back") == "manage" else "/account/tokens/"
    return redirect(back)
