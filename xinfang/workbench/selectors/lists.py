"""The matter list page: filter_matters (shared with the API) + pagination + row decoration."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page

from xinfang.core.counting import EstimatingPaginator
from xinfang.matters.choices import HandlingClass
from xinfang.matters.listing import count_source, page_source
from xinfang.matters.selectors import filter_matters, list_queryset

from .due import DueContext, due_text

DEFAULT_PER_PAGE = 20


@dataclass
class MatterList:
    page: Page
    total: int
    estimated: bool = False  # total is PostgreSQL's estimate of an unfiltered list (shown with 约)

    @property
    def page_links(self):
        return self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)


def displayed_names(user, matter) -> str:
    """§30: the accused unit never sees who reported it (same rule as the API list)."""
    if user.unit_id and matter.accused_unit_id == user.unit_id and matter.handling_class == HandlingClass.ACCUSATION:
        return "（保密）"
    return matter.petitioner_names


def matter_list(user, params, ctx: DueContext, *, page_number=1, per_page=DEFAULT_PER_PAGE) -> MatterList:
    """Raises InvalidInput (with the offending field) for bad filter values."""
    qs = list_queryset(filter_matters(user, params, today=ctx.today))
    paginator = EstimatingPaginator(qs, per_page, count_source=count_source(user, params, today=ctx.today),
                                    page_source=page_source(user, params, today=ctx.today))
    page = paginator.get_page(page_number)
    for m in page.object_list:
        m.due_state = ctx.state(m.next_due) if m.is_open else ""
        m.due_text = due_text(ctx, m.next_due) if m.is_open else ""
        m.names = displayed_names(user, m)
    return MatterList(page=page, total=paginator.count, estimated=paginator.estimated)
