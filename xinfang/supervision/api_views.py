"""Statistics API: views parse the scope, call one selector, render."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.api.permissions import IsStaff
from xinfang.core.errors import InvalidInput
from xinfang.workdays.models import current_rules

from . import rates
from .scope import parse_scope

FIGURE = inline_serializer("Figure", {
    "numerator": serializers.IntegerField(), "denominator": serializers.IntegerField(),
    "rate": serializers.FloatField(allow_null=True),
})
SCOPE_PARAMS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="开始日期（含），默认本月1日"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期（含），默认今天"),
    OpenApiParameter("unit", OpenApiTypes.STR, description="单位代码（可选）"),
    OpenApiParameter("region", OpenApiTypes.STR, description="乡镇区划代码（可选）"),
    OpenApiParameter("target", OpenApiTypes.STR, enum=["unit", "bureau"], description="评价对象，默认 unit"),
]


class RatesView(APIView):
    """The four rates of domain §8 for the clocks that fell due in the period."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=SCOPE_PARAMS, responses=inline_serializer("Rates", {
        "timely_acceptance": FIGURE, "on_time_completion": FIGURE, "participation": FIGURE, "satisfaction": FIGURE,
    }))
    def get(self, request):
        scope = parse_scope(request.query_params)
        return Response({k: v.as_dict() for k, v in rates.rates(request.user, scope).items()})


class RankingView(APIView):
    """Units ranked by one rate, with sample sizes; units below the minimum sample are listed apart."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=[*SCOPE_PARAMS, OpenApiParameter("measure", OpenApiTypes.STR, enum=list(rates.MEASURES))],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        scope = parse_scope(request.query_params)
        measure = request.query_params.get("measure") or "on_time_completion"
        if measure not in rates.MEASURES:
            raise InvalidInput("measure 无效。", fields={"measure": f"可选：{'、'.join(rates.MEASURES)}"})
        data = rates.ranking(request.user, scope, measure, current_rules().ranking_min_sample)

        def row(r):
            return {"rank": r.get("rank"), "unit": r["unit"].code, "unit_name": r["unit"].name,
                    "sample": r["figure"].denominator, **r["figure"].as_dict()}

        return Response({"measure": measure, "min_sample": data["min_sample"],
                         "ranked": [row(r) for r in data["ranked"]], "below_min_sample": [row(r) for r in data["small"]]})
