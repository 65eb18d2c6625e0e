from rest_framework.pagination import PageNumberPagination

from xinfang.core.counting import EstimatingPaginator


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    count_source = None

    def django_paginator_class(self, object_list, per_page):
        return EstimatingPaginator(object_list, per_page, count_source=self.count_source)

    def paginate_queryset(self, queryset, request, view=None, count_source=None):
        """``count_source``: the same rows written for counting (see EstimatingPaginator)."""
        self.count_source = count_source
        return super().paginate_queryset(queryset, request, view=view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # true when `count` is PostgreSQL's estimate of an unfiltered list (xinfang/core/counting.py)
        response.data["count_estimated"] = bool(getattr(self.page.paginator, "estimated", False))
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_estimated"] = {"type": "boolean"}
        return schema
