"""GET /api/v1/public/track/ (api-v1.md "Public"): the petitioner's view by number and 查询码.

A dedicated public serializer with an explicit field list (never the staff serializers), fed by
``presenter.public_view``. Wrong codes: 404 with the error shape; after too many: 429 with
``Retry-After``. Notices are downloaded with the same number and code. ``POST …/track/material/``
is the portal's 补充材料 (same service, same checks, same counters; docs/portal.md).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from xinfang.core.api.errors import error_response
from xinfang.core.errors import NotVisible
from xinfang.core.http import client_ip

from . import documents
from .errors import TooManyAttempts
from .presenter import public_view
from .services.petitioner import add_material
from .services.track import authenticate


class TimelineEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField()
    label = serializers.CharField()
    date = serializers.DateField()
    unit_name = serializers.CharField()
    detail = serializers.CharField()


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    target = serializers.CharField()
    label = serializers.CharField()
    unit_name = serializers.CharField()
    start = serializers.DateField()
    due = serializers.DateField()
    met_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=["running", "met", "met_late", "overdue", "lapsed"])
    provisional = serializers.BooleanField()
    explanation = serializers.CharField()


class NoticeSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    event_seq = serializers.IntegerField(allow_null=True, help_text="产生该文书的办理环节；听证文书为 null（见 doc_id）")
    doc_id = serializers.IntegerField(allow_null=True, help_text="听证通知书、听证报告：文书编号（下载用 doc）")
    issued_on = serializers.DateField(allow_null=True)
    doc_number = serializers.CharField()
    available = serializers.BooleanField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, row) -> str | None:
        if not row["available"]:
            return None
        if row.get("doc_id"):
            return "/api/v1/public/track/notice/?" + urlencode({"doc": row["doc_id"]})
        return "/api/v1/public/track/notice/?" + urlencode({"seq": row["event_seq"], "type": row["type"]})


class RatingSerializer(serializers.Serializer):
    rating = serializers.CharField()
    label = serializers.CharField()
    date = serializers.DateField()


class EvaluationTargetSerializer(serializers.Serializer):
    target = serializers.CharField()
    label = serializers.CharField()
    unit_name = serializers.CharField()
    can_evaluate = serializers.BooleanField()
    due = serializers.DateField(allow_null=True)
    ratings = RatingSerializer(many=True)
    message = serializers.CharField()


class EvaluationSerializer(serializers.Serializer):
    evaluable = serializers.BooleanField()
    reason = serializers.CharField()
    targets = EvaluationTargetSerializer(many=True)


class AppealSerializer(serializers.Serializer):
    action = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    body_name = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    can_request = serializers.BooleanField()
    message = serializers.CharField()


class OverdueSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField()
    unit_name = serializers.CharField()


class ReminderSerializer(serializers.Serializer):
    overdue = OverdueSerializer(many=True)
    can_request = serializers.BooleanField()
    requested_on = serializers.DateField(allow_null=True)


class MaterialOfferSerializer(serializers.Serializer):
    can_add = serializers.BooleanField(help_text="true: the matter is open and takes 补充材料 (POST track/material/)")


class PublicMatterSerializer(serializers.Serializer):
    """The only representation of a matter the public API returns."""

    number = serializers.CharField()
    petition_number = serializers.CharField()
    limited = serializers.BooleanField(help_text="true: the matter is not published (不公开/保密); only this notice is shown")
    limited_reason = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    close_reason = serializers.CharField()
    received_on = serializers.DateField()
    handling_unit_name = serializers.CharField()
    review_body_name = serializers.CharField()
    recheck_body_name = serializers.CharField()
    timeline = TimelineEntrySerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    notices = NoticeSerializer(many=True)
    evaluation = EvaluationSerializer()
    appeal = AppealSerializer()
    reminder = ReminderSerializer()
    material = MaterialOfferSerializer()


class PublicTrackThrottle(AnonRateThrottle):
    scope = "public_track"


PARAMS = [
    OpenApiParameter("number", OpenApiTypes.STR, required=True, description="事项编号或信访件编号"),
    OpenApiParameter("code", OpenApiTypes.STR, required=True, description="查询码"),
]


class _PublicView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicTrackThrottle]
    api_error_statuses = (404,)  # wrong number or code (xinfang.core.api.schema)

    def _access(self, request, params=None):
        params = request.query_params if params is None else params
        return authenticate(number=params.get("number", ""), code=params.get("code", ""), ip=client_ip(request), via="api")

    def handle_exception(self, exc):
        if isinstance(exc, TooManyAttempts):
            return error_response(exc.code, exc.message, exc.http_status, exc.fields,
                                  headers={"Retry-After": str(exc.wait_seconds)})
        return super().handle_exception(exc)


class TrackView(_PublicView):
    @extend_schema(operation_id="public_track", parameters=PARAMS, responses=PublicMatterSerializer, auth=[],
                   summary="信访人凭编号和查询码查询办理进度")
    def get(self, request):
        access = self._access(request)
        return Response(PublicMatterSerializer(public_view(access.matter, access.petition)).data)


class NoticeView(_PublicView):
    @extend_schema(operation_id="public_track_notice", auth=[], responses={
                       (200, "application/pdf"): OpenApiTypes.BINARY,
                       (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"):
                           OpenApiTypes.BINARY},
                   parameters=[*PARAMS, OpenApiParameter("seq", OpenApiTypes.INT, required=False),
                               OpenApiParameter("type", OpenApiTypes.STR, required=False),
                               OpenApiParameter("doc", OpenApiTypes.INT, required=False,
                                                description="听证通知书、听证报告的 doc_id（代替 seq 和 type）"),
                               OpenApiParameter("fmt", OpenApiTypes.STR, enum=["pdf", "docx"],
                                                description="pdf（默认）或 docx")],
                   summary="下载告知书或意见书")
    def get(self, request):
        access = self._access(request)
        view = public_view(access.matter, access.petition)
        fmt = request.query_params.get("fmt", "pdf")
        if request.query_params.get("doc"):
            try:
                doc_id = int(request.query_params["doc"])
            except ValueError:
                raise NotVisible("未找到该文书。") from None
            entry = next((n for n in view["notices"] if n.get("doc_id") == doc_id), None)
            result = documents.paper_file(access.matter, doc_id, fmt) if entry and entry["available"] else None
        else:
            try:
                seq = int(request.query_params.get("seq", ""))
            except ValueError:
                raise NotVisible("未找到该文书。") from None
            notice_type = request.query_params.get("type", "")
            entry = next((n for n in view["notices"] if n["event_seq"] == seq and n["type"] == notice_type), None)
            result = documents.file_for(access.matter, seq, notice_type, fmt) if entry and entry["available"] else None
        if result is None or fmt not in ("pdf", "docx"):
            raise NotVisible("未找到该文书，或该文书暂不提供网上下载。")
        filename, content_type, data = result
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
        response["Cache-Control"] = "no-store"
        return response


class MaterialRequestSerializer(serializers.Serializer):
    """The schema of the multipart body (the service checks the values, as on the portal page)."""

    number = serializers.CharField(help_text="事项编号或信访件编号")
    code = serializers.CharField(help_text="查询码")
    content = serializers.CharField(required=False, help_text="补充内容（≤ 10000 字）；与附件至少有一项")
    attachments = serializers.ListField(child=serializers.FileField(), required=False,
                                        help_text="照片、PDF 等（与登记相同的大小、数量和类型检查）")


class MaterialView(_PublicView):
    """补充材料 by number and 查询码: the ``add_material`` act of the portal page, through the same
    service (``services.petitioner.add_material``); the code is checked and counted like a track."""

    api_error_statuses = (400, 404, 409)

    @extend_schema(operation_id="public_track_material", auth=[], request={"multipart/form-data": MaterialRequestSerializer},
                   responses={201: PublicMatterSerializer}, summary="信访人凭编号和查询码补充材料")
    def post(self, request):
        access = self._access(request, request.data)
        matter = add_material(petition=access.petition, content=request.data.get("content", "") or "",
                              files=request.FILES.getlist("attachments"))
        return Response(PublicMatterSerializer(public_view(matter, access.petition)).data, status=201)
