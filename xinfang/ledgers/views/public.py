"""Portal pages (no account): published laws and policies, adopted suggestions published with consent."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from xinfang.core.errors import InvalidInput

from ..choices import LibraryKind
from ..models import LibraryItem
from ..selectors.ledgers import filter_library
from ..selectors.suggestions import published_suggestions

PUBLIC_KINDS = [(k, label) for k, label in LibraryKind.choices if k not in (LibraryKind.DRAFT, LibraryKind.INTERNAL)]


def library(request):
    params = {k: v for k, v in request.GET.items() if v and k in ("q", "kind")}
    error = None
    try:
        qs = filter_library(params, published_only=True)
    except InvalidInput as exc:
        qs, error = LibraryItem.objects.none(), exc.message
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "ledgers/public/library.html", {"page": page, "kinds": PUBLIC_KINDS, "params": params,
                                                           "error": error}, status=400 if error else 200)


def library_item(request, pk):
    item = LibraryItem.objects.filter(pk=pk, published=True).first()
    if item is None:
        raise Http404()
    return render(request, "ledgers/public/library_item.html", {"item": item})


def suggestions(request):
    page = Paginator(published_suggestions(), 20).get_page(request.GET.get("page"))
    return render(request, "ledgers/public/suggestions.html", {"page": page})
