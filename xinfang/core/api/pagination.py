from rest_framework.pagination import PageNumberPagination

from xinfang.core.errors import InvalidInput, NotVisible


class Pagination(PageNumberPagination):
    """``page`` (from 1) and ``page_size`` (≤ 200). A page that is not a positive integer is a 400
    naming ``page``; a page past the end is a 404 (both are in the schema)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return raw
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or len(raw) > 9:
            raise InvalidInput(f"page：页码“{raw[:20]}”无效，应为正整数。", fields={"page": "应为正整数"})
        return raw

    def paginate_queryset(self, queryset, request, view=None):
        from rest_framework.exceptions import NotFound

        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotVisible("页码超出范围，没有这一页。", fields={"page": "超出范围"}) from None
