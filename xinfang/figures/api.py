"""API of api-v1.md "Figures, assessment and reports": views parse, call one selector/service, render."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.api.pagination import Pagination
from xinfang.core.api.permissions import IsStaff
from xinfang.core.errors import InvalidInput, NotVisible
from xinfang.core.http import client_ip
from xinfang.core.models import log_access
from xinfang.documents import selectors as doc_selectors
from xinfang.documents.rendering import file_bytes
from xinfang.documents.views.common import file_response

from . import assessment, reports, volume
from .alerts import alerts
from .models import AssessmentScheme, Report, ReportState
from .periods import parse_day, parse_period

PERIOD_PARAMS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="开始日期（含），默认本年1月1日"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期（含），默认今天；不能晚于今天"),
]
VOLUME_FIELDS = ("key", "label", "petitions", "matters", "batches", "persons", "visits", "visit_persons",
                 "collective", "collective_persons", "repeats", "online", "skip_level")


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidInput("请求体应为 JSON 对象。")
    return request.data


class VolumeView(APIView):
    """Volume figures by one dimension (petitions, matters, 批次, 人次 and the other counts)."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=[*PERIOD_PARAMS,
                               OpenApiParameter("by", OpenApiTypes.STR, enum=list(volume.DIMENSIONS)),
                               OpenApiParameter("level", OpenApiTypes.INT, description="内容分类 1–3，问题属地 1（乡镇）–2（村）")],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        period = parse_period(request.query_params)
        by = volume.check_dimension((request.query_params.get("by") or "category").strip())
        level = volume.parse_level(request.query_params.get("level"), by)
        data = volume.volume(request.user, period, by, level)
        total = {k: data["total"][k] for k in VOLUME_FIELDS if k in data["total"]}
        return Response({"from": period.date_from, "to": period.date_to, "by": by, "level": data["level"],
                         "rows": [{k: r[k] for k in VOLUME_FIELDS} for r in data["rows"]], "total": total})


class VolumeDrillView(APIView):
    """The rows behind one figure: ``measure`` and optional ``by``/``key`` (and ``category``/``region``)."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=[*PERIOD_PARAMS, OpenApiParameter("measure", OpenApiTypes.STR),
                               OpenApiParameter("by", OpenApiTypes.STR), OpenApiParameter("key", OpenApiTypes.STR)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        q = request.query_params
        period = parse_period(q)
        qs = volume.drill(request.user, period, (q.get("measure") or "petitions").strip(), drill_filters(q))
        page = Pagination()
        rows = page.paginate_queryset(qs, request, view=self)
        return page.get_paginated_response([drill_row(r) for r in rows])


def drill_filters(q) -> list[tuple[str, str]]:
    filters = []
    by, key = (q.get("by") or "").strip(), (q.get("key") or "").strip()
    if by:
        filters.append((volume.check_dimension(by), key))
    for dim in ("category", "region"):
        if q.get(dim) and by != dim:
            filters.append((dim, q.get(dim).strip()))
    return filters


def drill_row(r) -> dict:
    matter = getattr(r, "matter", r)
    return {"matter": matter.number, "petition": getattr(r, "number", None) if r is not matter else None,
            "received_at": r.received_at, "channel": r.channel, "headcount": r.headcount,
            "repeat": getattr(r, "is_repeat", None) if r is not matter else matter.is_repeat,
            "category": matter.category.code, "region": matter.region.code,
            "unit": matter.handling_unit.code if matter.handling_unit_id else None}


class AlertsView(APIView):
    """Early warnings for a day (default today), each explained in Chinese."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=[OpenApiParameter("date", OpenApiTypes.DATE)],
                   responses={200: {"type": "array", "items": {"type": "object"}}})
    def get(self, request):
        raw = (request.query_params.get("date") or "").strip()
        today = timezone.localdate()
        day = parse_day(raw, "date", "日期") if raw else today
        if day > today:
            raise InvalidInput("预警日期不能晚于今天。", fields={"date": "不能晚于今天"})
        fields = ("kind", "region", "category", "count", "baseline", "explanation", "region_label", "category_label",
                  "from", "to", "matter")
        return Response([{k: a[k] for k in fields} for a in alerts(request.user, day)])


def scheme_json(scheme: AssessmentScheme) -> dict:
    return {"id": scheme.pk, "year": scheme.year, "name": scheme.name, "state": scheme.state,
            "published_at": scheme.published_at,
            "indicators": [{"code": i.code, "label": i.label, "weight": float(i.weight), "measure": i.measure,
                            "rule": i.rule, "per_item": float(i.per_item)} for i in scheme.indicators.all()]}


@extend_schema_view(get=extend_schema(operation_id="assessments_list"))
class AssessmentListView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        assessment.require_read(request.user)
        page = Pagination()
        rows = page.paginate_queryset(AssessmentScheme.objects.prefetch_related("indicators").order_by("-year", "-id"),
                                      request, view=self)
        return page.get_paginated_response([scheme_json(s) for s in rows])

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        scheme = assessment.create_scheme(actor=request.user, data=_body(request))
        return Response(scheme_json(scheme), status=status.HTTP_201_CREATED)


class AssessmentDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        return Response(scheme_json(assessment.access_scheme(request.user, pk)))

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def patch(self, request, pk):
        return Response(scheme_json(assessment.update_scheme(actor=request.user, pk=pk, data=_body(request))))


class AssessmentPublishView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        return Response(scheme_json(assessment.publish_scheme(actor=request.user, pk=pk)))


class ManualScoreView(APIView):
    """``{indicator, unit, points, evidence}``: a manual item's points for a unit."""

    permission_classes = [IsStaff]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        d = _body(request)
        row = assessment.enter_manual_score(actor=request.user, pk=pk, indicator_code=d.get("indicator"),
                                            unit_code=d.get("unit"), points=d.get("points"), evidence=d.get("evidence"))
        return Response({"indicator": row.indicator.code, "unit": row.unit.code, "points": float(row.points),
                         "evidence": row.evidence, "entered_by": request.user.username}, status=status.HTTP_201_CREATED)


class ScoresView(APIView):
    """``[{unit, score, rank, parts: [{code, value, points}]}]``; rank null when the sample is too small."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        result = assessment.scores(request.user, assessment.access_scheme(request.user, pk))
        return Response([{
            "unit": r["unit"].code, "unit_name": r["unit"].name, "score": float(r["score"]), "rank": r["rank"],
            "sample": r["sample"], "small_sample": r["small_sample"],
            "parts": [{"code": p["code"], "value": p["value"], "points": float(p["points"]),
                       "numerator": p["numerator"], "denominator": p["denominator"], "note": p["note"],
                       "drill": request.build_absolute_uri(p["drill"]) if p.get("drill") else None}
                      for p in r["parts"]],
        } for r in result["rows"]])


def report_json(request, report: Report) -> dict:
    doc = report.document
    out = {"id": report.pk, "kind": report.kind, "title": report.title, "state": report.state,
           "from": report.period_from, "to": report.period_to, "doc_number": doc.doc_number if doc else None,
           "type": doc.doc_type if doc else None, "issued_at": doc.issued_at if doc else None,
           "pdf_url": None, "docx_url": None}
    if doc:
        for fmt in ("pdf", "docx"):
            out[f"{fmt}_url"] = request.build_absolute_uri(reverse("api-report-file", args=[report.pk, fmt]))
    return out


@extend_schema_view(get=extend_schema(operation_id="reports_list"))
class ReportListView(APIView):
    """Issued reports (``?state=draft`` lists the drafts) with download links."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=["issued", "draft"])],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        reports.require_read(request.user)
        state = (request.query_params.get("state") or ReportState.ISSUED).strip()
        if state not in ReportState.values:
            raise InvalidInput("state 无效。", fields={"state": "可选 issued、draft"})
        qs = Report.objects.filter(state=state).select_related("document").order_by("-period_to", "-id")
        page = Pagination()
        return page.get_paginated_response([report_json(request, r) for r in page.paginate_queryset(qs, request, view=self)])


class AnnualReportView(APIView):
    """``{year, work?}``: the §41 annual report written from the figures and issued (DOCX and PDF)."""

    permission_classes = [IsStaff]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        from .periods import parse_year

        d = _body(request)
        report = reports.issue_annual(actor=request.user, year=parse_year(d.get("year")), work=str(d.get("work") or ""))
        return Response(report_json(request, report), status=status.HTTP_201_CREATED)


class ReportFileView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk, fmt):
        report = reports.access_report(request.user, pk)
        if report.document_id is None:
            raise NotVisible("该报告尚未印发。")
        doc = doc_selectors.document_for(request.user, report.document_id)
        log_access(user=request.user, kind="export", object_type="document", object_ref=doc.doc_number,
                   detail={"document": doc.pk, "format": fmt, "report": report.pk, "via": "api"},
                   ip=client_ip(request))
        return file_response(doc, fmt, file_bytes(doc, fmt), inline=False)
