"""The routing help panel (转送辅助) beside the forward/assign forms of the matter page."""

from __future__ import annotations

from django.shortcuts import render

from xinfang.matters.access import access_matter
from xinfang.routing.selectors import suggest

from .helpers import staff_required


@staff_required
def matter_suggest(request, number):
    matter = access_matter(request.user, number)
    flags = frozenset({"is_law_related"} if matter.is_law_related else ())
    result = suggest(title=matter.title, content=matter.content, region=matter.region, purpose=matter.purpose,
                     flags=flags)
    return render(request, "workbench/matter/_suggest.html", {"s": result, "m": matter})
