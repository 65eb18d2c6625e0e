"""`POST /api/v1/suggest/` (api-v1.md "Routing help and duplicates")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.api.permissions import IsStaff
from xinfang.matters.choices import Purpose
from xinfang.org.models import Region

from .selectors import suggest


class SuggestInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, error_messages={"required": "请填写标题。", "blank": "请填写标题。"})
    content = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.select_related("parent"), required=False,
                                          allow_null=True, error_messages={"does_not_exist": "区划代码不存在。"})
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True, default="")
    is_law_related = serializers.BooleanField(required=False, default=False)


SCORED_CATEGORY = inline_serializer("SuggestedCategory", {
    "code": serializers.CharField(), "label": serializers.CharField(), "score": serializers.FloatField()}, many=True)
SCORED_UNIT = inline_serializer("SuggestedUnit", {
    "code": serializers.CharField(), "name": serializers.CharField(), "score": serializers.FloatField(),
    "reason": serializers.CharField()}, many=True)
MODEL = inline_serializer("RoutingModelSummary", {
    "trained_on": serializers.IntegerField(), "trained_at": serializers.DateTimeField(),
    "held_out": serializers.IntegerField(), "accuracy": serializers.FloatField(allow_null=True),
    "accuracy_top3": serializers.FloatField(allow_null=True),
    "category_accuracy": serializers.FloatField(allow_null=True),
    "category_accuracy_top3": serializers.FloatField(allow_null=True)}, allow_null=True)


class SuggestView(APIView):
    """Suggested categories and handling units for a text, learnt from this deployment's closed matters.

    Rules that always apply (涉法涉诉 → 政法委, 检举控告公职人员 → 纪委监委; settings) come first with score 1.
    `model.accuracy` is the unit suggestion's top-1 accuracy on held-out matters.
    """

    permission_classes = [IsStaff]

    @extend_schema(request=SuggestInput, responses=inline_serializer("Suggestion", {
        "categories": SCORED_CATEGORY, "units": SCORED_UNIT, "model": MODEL,
    }))
    def post(self, request):
        data = SuggestInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        flags = frozenset({"is_law_related"} if v["is_law_related"] else ())
        result = suggest(title=v["title"], content=v["content"], region=v.get("region"), purpose=v["purpose"],
                         flags=flags)
        return Response({"categories": result.categories, "units": result.units, "model": result.model})
