from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from xinfang.core.counting import EstimatingPaginator
from xinfang.core.errors import InvalidInput, NotVisible


class Pagination(PageNumberPagination):
    """``page`` (from 1, or ``last``) and ``page_size`` (≤ 200). A page that is not a positive integer is
    a 400 naming ``page``; a page past the end is a 404 (both are in the schema)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:  # ?page=last: the last page (DRF's convention)
            return paginator.num_pages  # 1 for an empty list (allow_empty_first_page)
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or len(raw) > 9:
            raise InvalidInput(f"page：页码“{raw[:20]}”无效，应为正整数。", fields={"page": "应为正整数"})
        return raw

    count_source = page_source = None

    def django_paginator_class(self, object_list, per_page):
        return EstimatingPaginator(object_list, per_page, count_source=self.count_source, page_source=self.page_source)

    def paginate_queryset(self, queryset, request, view=None, count_source=None, page_source=None):
        """``count_source``: the same rows written for counting; ``page_source``: how the page is read
        once the total is known (see EstimatingPaginator)."""
        self.count_source, self.page_source = count_source, page_source
        try:
            return super().paginate_queryset(queryset, request, view=view)
        except NotFound:
            raise NotVisible("页码超出范围，没有这一页。", fields={"page": "超出范围"}) from None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # true when `count` is PostgreSQL's estimate: an unfiltered list, a common search (docs/api.md)
        response.data["count_estimated"] = bool(getattr(self.page.paginator, "estimated", False))
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_estimated"] = {"type": "boolean"}
        return schema
