"""Matters API (api-v1.md "Matters"): views parse input, call one service or selector, render."""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.api.pagination import Pagination
from xinfang.core.api.permissions import IsStaff
from xinfang.core.errors import IdempotencyKeyReused, InvalidInput
from xinfang.core.http import client_ip
from xinfang.core.idempotency import request_fingerprint
from xinfang.core.inputs import Input, Kind, parse_one
from xinfang.core.models import AccessLog, log_access

from ..access import access_matter, can_reveal, identity_hidden
from ..listing import count_source, page_source
from ..lookup import classify
from ..models import IdempotencyRecord
from ..selectors import (
    attachment_for,
    detail_queryset,
    filter_matters,
    list_queryset,
    redacted_event_params,
    with_references,
)
from ..services.actions import perform_action
from ..services.attachments import attachment_set_public
from ..services.registration import add_petition, register_petition
from ..services.search_log import log_id_search
from ..workflow import ACTIONS, WORKFLOW, allowed_actions
from .schema import AttachmentVisibilityShape, MatterDetailShape, PetitionAddedShape, RegisteredShape
from .serializers import (
    ACTION_SERIALIZERS,
    MatterDetailSerializer,
    MatterListSerializer,
    RegisterSerializer,
    RepeatPetitionSerializer,
)


def _data(request) -> dict:
    """request.data as a plain dict; JSON-encoded lists are accepted in multipart forms."""
    raw = request.data
    if hasattr(raw, "dict"):
        data = {k: raw.getlist(k) if k in ("co_units", "attachments") else raw.get(k) for k in raw}
    else:
        data = dict(raw)
    for key in ("petitioners", "co_units"):
        value = data.get(key)
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                data[key] = json.loads(value)
            except ValueError:
                raise InvalidInput("信访人信息格式错误。", fields={key: "JSON 格式错误"}) from None
    return data


def render_matter(request, matter, *, reveal: bool = False, held: bool = False, known_visible=frozenset()) -> dict:
    """The detail representation for this user (one access decision for masking).

    ``held``: the matter comes straight from the registration service with every related row it
    wrote attached (prefetch caches), so nothing is read again (issue 14). ``known_visible``:
    numbers of other matters already found among those this user may see."""
    if not held:
        matter = with_references(detail_queryset(type(matter).objects.filter(pk=matter.pk)).get())
    user = request.user
    hidden = identity_hidden(user, matter)
    reveal = reveal and can_reveal(user, matter)
    if reveal:
        log_access(user=user, kind=AccessLog.Kind.REVEAL, object_type="matter", object_ref=matter.number,
                   detail={"via": "api"}, ip=client_ip(request))
    context = {"reveal": reveal, "hidden": hidden, "allowed_actions": allowed_actions(user, matter),
               "today": timezone.localdate(), "user": user,
               "event_params": redacted_event_params(user, matter.events.all(), known_visible)}
    return MatterDetailSerializer(matter, context=context).data


def _idempotent(request, scope: str, produce, data):
    """Run ``produce`` once per (user, scope, Idempotency-Key); a retry gets the first response,
    the same key with another body a 409 (issue 9 §6)."""
    key = (request.headers.get("Idempotency-Key") or "").strip()[:80]
    if not key:
        body, code = produce(key)
        return Response(body, status=code)
    request_hash = request_fingerprint(data)

    def replay(existing):
        if existing.request_hash and existing.request_hash != request_hash:
            raise IdempotencyKeyReused()
        return Response(existing.response, status=existing.status_code, headers={"Idempotent-Replayed": "true"})

    existing = IdempotencyRecord.objects.filter(user=request.user, scope=scope, key=key).first()
    if existing is not None:
        return replay(existing)
    body, code = produce(key)
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(user=request.user, scope=scope, key=key, status_code=code, response=body,
                                             request_hash=request_hash)
    except IntegrityError:
        return replay(IdempotencyRecord.objects.get(user=request.user, scope=scope, key=key))
    return Response(body, status=code)


LIST_FILTERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=desc)
    for name, desc in [
        ("status", "state, comma-separated; 'open' for every open state"), ("unit", "handling unit code"),
        ("channel", "channel"), ("purpose", "purpose"), ("category", "category code (a parent includes children)"),
        ("region", "region code (a town includes its villages)"), ("overdue", "true/false"),
        ("due_before", "YYYY-MM-DD"), ("due_after", "YYYY-MM-DD"), ("received_after", "YYYY-MM-DD"),
        ("received_before", "YYYY-MM-DD"), ("q", "Chinese full text (segmented); also a matter or petition number, a 查询码, a petitioner's "
                                   "phone, name or ID number (ID numbers: roles that may reveal identities, logged)"),
        ("sort", "received, -received, due, -due, number, -number, updated, -updated"),
    ]
]


class MatterListCreateView(APIView):
    permission_classes = [IsStaff]
    pagination_class = Pagination  # the schema declares the list paginated
    api_error_statuses = {"POST": (409, 422)}  # xinfang.core.api.schema: replays and conflicts

    @extend_schema(parameters=LIST_FILTERS, responses=MatterListSerializer(many=True), summary="信访事项列表")
    def get(self, request):
        qs = list_queryset(filter_matters(request.user, request.query_params))
        paginator = self.pagination_class()
        params = request.query_params
        page = paginator.paginate_queryset(qs, request, view=self, count_source=count_source(request.user, params),
                                           page_source=page_source(request.user, params))
        if request.query_params.get("q"):  # a search by ID number is logged like a reveal
            log_id_search(user=request.user, lookup=classify(request.query_params["q"]),
                          found=[m.number for m in page], total=paginator.page.paginator.count, via="api",
                          ip=client_ip(request))
        context = {"today": timezone.localdate(), "user": request.user}
        return paginator.get_paginated_response(MatterListSerializer(page, many=True, context=context).data)

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredShape, 200: RegisteredShape},
                   summary="登记信访件（新事项）",
                   parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER)])
    def post(self, request):
        data = _data(request)
        files = request.FILES.getlist("attachments") if request.FILES else []
        key = (request.headers.get("Idempotency-Key") or "").strip()
        result = register_petition(actor=request.user, data=data, files=files, idempotency_key=key)
        body = render_matter(request, result.matter_with_rows(), held=bool(result.held),
                             known_visible={d["number"] for d in result.duplicates})  # found with this user's view
        body["duplicates"] = result.duplicates
        body["petition"] = result.petition.number
        body["query_code"] = result.petition.query_code
        code = status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(body, status=code, headers=headers)


class MatterDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        responses=MatterDetailShape, summary="信访事项详情",
        parameters=[OpenApiParameter("reveal", OpenApiTypes.BOOL, description="show full ID numbers and phones (logged)")],
    )
    def get(self, request, number):
        matter = access_matter(request.user, number)
        log_access(user=request.user, kind=AccessLog.Kind.VIEW, object_type="matter", object_ref=matter.number,
                   detail={"via": "api"}, ip=client_ip(request))
        reveal = str(request.query_params.get("reveal", "")).lower() in {"1", "true", "yes"}
        return Response(render_matter(request, matter, reveal=reveal))


class MatterAttachmentView(APIView):
    """GET the file of one attachment; PATCH ``{"public": true|false}`` marks it 对信访人可见 (issue 15 §6)."""

    permission_classes = [IsStaff]
    api_error_statuses = (403,)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, summary="下载附件（经访问控制）",
                   operation_id="matters_attachment_download")
    def get(self, request, number, pk):
        _matter, att = attachment_for(request.user, number, pk)
        log_access(user=request.user, kind=AccessLog.Kind.VIEW, object_type="attachment",
                   object_ref=f"{number}/{att.pk}", detail={"name": att.name, "via": "api"}, ip=client_ip(request))
        response = FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name,
                                content_type=att.mime or "application/octet-stream")
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(request=AttachmentVisibilityShape, responses={200: AttachmentVisibilityShape},
                   summary="设置附件是否对信访人可见", operation_id="matters_attachment_visibility")
    def patch(self, request, number, pk):
        data = request.data if hasattr(request.data, "get") else {}
        if "public" not in data:
            raise InvalidInput("请说明附件是否对信访人可见（public: true/false）。", fields={"public": "必填"})
        public = parse_one(Input("public", Kind.BOOLEAN, "对信访人可见"), data.get("public"))
        att = attachment_set_public(actor=request.user, number=number, pk=pk, public=public)
        return Response({"id": att.pk, "public": att.public})


class MatterPetitionView(APIView):
    permission_classes = [IsStaff]
    api_error_statuses = (409, 422)

    @extend_schema(request=RepeatPetitionSerializer, responses={201: PetitionAddedShape, 200: PetitionAddedShape},
                   summary="登记重复信访件")
    def post(self, request, number):
        matter = access_matter(request.user, number)
        data = _data(request)
        files = request.FILES.getlist("attachments") if request.FILES else []
        key = (request.headers.get("Idempotency-Key") or "").strip()
        result = add_petition(actor=request.user, matter=matter, data=data, files=files, idempotency_key=key)
        body = render_matter(request, result.matter)
        body["petition"] = result.petition.number
        body["query_code"] = result.petition.query_code
        return Response(body, status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED)


class MatterActionView(APIView):
    """POST /api/v1/matters/{number}/{action}/ — one workflow action (domain §3)."""

    permission_classes = [IsStaff]
    api_error_statuses = (409, 422)
    action_name = ""

    def post(self, request, number):
        fingerprinted = _data(request)  # the body as sent (issue 9 §6)
        inputs = ACTION_SERIALIZERS[self.action_name](data=fingerprinted)
        inputs.is_valid(raise_exception=True)  # the declaration's parse: 400 naming the field in Chinese
        data = dict(inputs.validated_data)
        expected = data.pop("expected_version", None)

        def produce(_key):
            matter = perform_action(actor=request.user, number=number, action=self.action_name, params=data,
                                    expected_version=expected)
            return render_matter(request, matter), status.HTTP_200_OK

        return _idempotent(request, f"{number}:{self.action_name}", produce, fingerprinted)


def action_view(action: str):
    """One view class per action, with its own documented ``post`` (the request body is the
    action's derived serializer; a shared ``post`` would give every action the last schema)."""
    serializer = ACTION_SERIALIZERS[action]

    @extend_schema(request=serializer, responses={200: MatterDetailShape}, operation_id=f"matters_{action}",
                   summary=f"办理：{WORKFLOW[action].label}（{action}）", description=serializer.__doc__)
    def post(self, request, number):
        return MatterActionView.post(self, request, number)

    view = type(
        f"Matter{action.title().replace('_', '')}View",
        (MatterActionView,),
        {"action_name": action, "post": post, "__doc__": f"Perform `{action}` on a matter (domain §3)."},
    )
    return view.as_view()


ACTION_VIEWS = {action: action_view(action) for action in ACTIONS}

__all__ = ["ACTION_VIEWS", "MatterDetailView", "MatterListCreateView", "MatterPetitionView"]
