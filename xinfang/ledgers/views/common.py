"""Shared pieces of the ledger pages: the access guard, the list page (filters, pagination, Excel
export with the same filter), and the form page (fields rendered from a small spec, the
service's field errors put back next to the fields)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render

from xinfang.core.errors import AppError, InvalidInput
from xinfang.core.views import guarded, role_refusal

from .. import access
from ..exports import export_ledger
from ..filters import FILTERS, Field
from ..models import FormToken
from ..tables import cells

PER_PAGE = 20


def forbidden(request, message: str = "您没有权限访问此页面。"):
    return render(request, "workbench/error.html", {"title": "无权访问", "message": message}, status=403)


def ledger_page(view=None, *, check=None):
    """Signed in with a role; ``check(user)`` (optional) must also hold, else 403."""

    def refusal(user):
        message = role_refusal(user)
        if message is None and check is not None and not check(user):
            return ""
        return message

    def decorate(fn):
        return guarded(fn, refusal=refusal, forbidden=forbidden)

    return decorate(view) if view is not None else decorate


def tabs_context(user) -> dict:
    return {"show_fund": access.may_see_fund(user), "show_risks": access.may_use_risks(user)}


def clean_params(request) -> dict:
    return {k: v for k, v in request.GET.items() if v != "" and k not in ("page", "export")}


def list_page(request, *, template: str = "ledgers/list.html", title: str, tab: str, ledger: str, columns,
              queryset, extra: dict | None = None):
    """``queryset(params)`` raises InvalidInput for a bad filter (shown on the page, HTTP 400); the filter bar
    is ``filters.FILTERS[ledger]``; the export ("导出 Excel") is ``exports.LEDGERS[ledger]`` with the same
    filter (in the background when large)."""
    filters = FILTERS[ledger](request.user)
    params = clean_params(request)
    error, errors, qs = None, {}, None
    try:
        qs = queryset(params)
    except InvalidInput as exc:
        error, errors = exc.message, {k: "；".join(v) for k, v in exc.fields.items()}
    if qs is not None and request.GET.get("export") == "xlsx":
        return export_ledger(request, ledger, params)
    page = Paginator(qs if qs is not None else [], PER_PAGE).get_page(request.GET.get("page"))
    rows = [cells(columns, obj) for obj in page.object_list]
    ctx = {"title": title, "tab": tab, "columns": columns, "rows": rows, "page": page, "filters": filters,
           "values": params, "errors": errors, "error": error, "export_query": _export_query(request),
           **tabs_context(request.user), **(extra or {})}
    return render(request, template, ctx, status=400 if error else 200)


def _export_query(request) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    q["export"] = "xlsx"
    return q.urlencode()


def post_data(request, *, lists: tuple[str, ...] = ()) -> dict:
    data = {k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"}
    for name in lists:
        data[name] = [x for x in request.POST.getlist(name) if x]
    return data


def form_page(request, *, title: str, tab: str, fields: list[Field], service, success, initial: dict | None = None,
              lists: tuple[str, ...] = (), intro: str = "", breadcrumb: list | None = None, submit: str = "保存",
              files: str | None = None):
    """GET: the empty form; POST: call ``service(data)`` (one transaction); on success redirect to
    ``success(result)`` with a message; on a 400 show the form again with the errors."""
    data, errors, status = dict(initial or {}), {}, 200
    if request.method == "POST":
        data = post_data(request, lists=lists)
        token = str(data.pop("form_token", ""))[:64]
        first = FormToken.objects.filter(token=token, user=request.user).first() if token else None
        if first is not None:
            messages.info(request, "重复提交已忽略。")
            return redirect(first.url)
        try:
            with transaction.atomic():  # the act and its token: both or neither
                result = service(data, request.FILES.getlist(files)) if files else service(data)
                url, message = success(result)
                if token:
                    FormToken.objects.create(token=token, user=request.user, url=url[:300])
        except IntegrityError:  # the same form submitted twice at once: the first one won
            first = FormToken.objects.filter(token=token, user=request.user).first()
            if first is None:
                raise
            messages.info(request, "重复提交已忽略。")
            return redirect(first.url)
        except AppError as exc:
            if exc.http_status in (403, 404):
                raise
            messages.error(request, exc.message)
            errors = {k: "；".join(v) for k, v in exc.fields.items()}
            status = exc.http_status
            data["form_token"] = token
        else:
            messages.success(request, message)
            return redirect(url)
    data.setdefault("form_token", uuid.uuid4().hex)
    return render(request, "ledgers/form.html", {
        "title": title, "tab": tab, "fields": fields, "data": data, "errors": errors, "intro": intro,
        "breadcrumb": breadcrumb or [], "submit": submit, "multipart": bool(files), **tabs_context(request.user),
    }, status=status)


def act(request, service, *, success_url: str, message: str):
    """A POST button on a detail page: call the service; errors come back as a message."""
    if request.method != "POST":
        return redirect(success_url)
    try:
        service(post_data(request))
    except AppError as exc:
        if exc.http_status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect(success_url)
