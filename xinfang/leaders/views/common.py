"""Shared helpers of the leaders' staff pages: the access decorator, form data, errors on forms."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render

from xinfang.core.errors import AppError
from xinfang.core.views import guarded

from .. import access
from ..inputs import refuse_nul


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "leaders/error.html", {"title": "无权访问", "message": message}, status=403)


CHECKS = {"any": access.may_use, "reader": access.reads_county, "reception": access.runs_receptions,
          "case": access.is_case_staff}


def leaders_page(view=None, *, who: str = "any"):
    """Signed in and allowed (``any``: county-wide readers and unit staff; ``reader``: county-wide;
    ``reception``: bureau reception staff; ``case``: bureau case officers and leaders)."""

    def decorate(fn):
        return guarded(fn, refusal=lambda user: None if CHECKS[who](user) else "", forbidden=forbidden)

    return decorate(view) if view is not None else decorate


def post_data(request) -> dict:
    """The form's fields (a NUL byte is refused by the service call that follows: see ``attempt``)."""
    return {k: (request.POST.getlist(k) if len(request.POST.getlist(k)) > 1 else request.POST.get(k, ""))
            for k in request.POST if k != "csrfmiddlewaretoken"}


def task_rows(request, prefix: str = "task") -> list[dict]:
    """Up to five task rows of a form (task_unit_N, task_due_N, task_text_N); empty rows are skipped."""
    rows = []
    for i in range(5):
        unit, due, text = (request.POST.get(f"{prefix}_{k}_{i}", "").strip() for k in ("unit", "due", "text"))
        if unit or due or text:
            rows.append({"unit": unit, "due": due, "text": text})
    return rows


def show_error(request, exc: AppError) -> dict:
    messages.error(request, exc.message)
    return {k: "；".join(v) for k, v in exc.fields.items()}


def attempt(request, fn, on_error):
    """Run a service call; a refusal shows its message on the page (status 400/409), a 403/404 propagates."""
    try:
        refuse_nul(dict(request.POST))
        return fn(), None
    except AppError as exc:
        if exc.http_status in (403, 404):
            raise
        return None, on_error(show_error(request, exc), exc.http_status)
