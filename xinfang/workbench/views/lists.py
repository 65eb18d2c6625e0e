"""Matter lists and search (issue 3 §4)."""

from __future__ import annotations

from django.shortcuts import redirect, render

from xinfang.core.errors import AppError
from xinfang.core.http import client_ip
from xinfang.matters.lookup import classify, opens_directly
from xinfang.matters.selectors import direct_match
from xinfang.matters.services.search_log import log_id_search

from ..forms.filters import PER_PAGE, MatterFilterForm
from ..selectors.due import due_context
from ..selectors.lists import DEFAULT_PER_PAGE, matter_list
from .helpers import staff_required

SORTABLE = {"number": "number", "received": "received", "due": "due"}


def _sort_links(current: str) -> dict:
    """Header links: clicking a column sorts by it, clicking again reverses."""
    links = {}
    for column, key in SORTABLE.items():
        if current == key:
            links[column] = {"value": f"-{key}", "state": "asc"}
        elif current == f"-{key}":
            links[column] = {"value": key, "state": "desc"}
        else:
            links[column] = {"value": f"-{key}" if key != "due" else key, "state": ""}
    return links


@staff_required
def matter_list_view(request):
    q = (request.GET.get("q") or "").strip()
    lookup = classify(q) if q else None
    if lookup and opens_directly(lookup) and len(request.GET) == 1:
        number = direct_match(request.user, lookup)  # a matter or petition number or a 查询码 opens the matter
        if number:
            return redirect("workbench:matter", number=number)
    ctx = due_context()
    form = MatterFilterForm(request.GET or None)
    params = request.GET.copy()
    for key in [k for k, v in params.items() if v == ""]:
        params.pop(key)  # empty form fields mean "no filter"
    try:
        per_page = int(request.GET.get("per_page") or DEFAULT_PER_PAGE)
    except ValueError:
        per_page = DEFAULT_PER_PAGE
    per_page = per_page if per_page in PER_PAGE else DEFAULT_PER_PAGE
    result, error, status = None, None, 200
    try:
        result = matter_list(request.user, params, ctx, page_number=request.GET.get("page") or 1, per_page=per_page)
    except AppError as exc:  # a bad filter value (400) or an ID-number search by a role that may not (403)
        error, status = exc.message, exc.http_status
        form.is_valid()
        for field, messages in exc.fields.items():
            if field in form.fields:
                form.add_error(field, messages)
    if result is not None and lookup is not None:
        log_id_search(user=request.user, lookup=lookup, found=[m.number for m in result.page.object_list],
                      total=result.total, via="workbench", ip=client_ip(request))
    export_query = params.copy()
    export_query.pop("page", None)
    return render(request, "workbench/lists/matters.html", {
        "form": form, "result": result, "error": error, "due": ctx,
        "sort": request.GET.get("sort") or "-received", "sort_links": _sort_links(request.GET.get("sort") or "-received"),
        "export_query": export_query.urlencode(), "lookup": lookup,
    }, status=status)
