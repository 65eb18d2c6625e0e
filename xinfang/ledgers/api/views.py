"""The ledgers' API (api-v1.md "The bureau's ledgers"): views parse input, call one service or
selector, render. Errors are ``core.errors`` rendered by the one API error shape."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.api.pagination import Pagination
from xinfang.core.api.permissions import IsStaff
from xinfang.core.errors import InvalidInput, NotAllowed

from .. import access
from .. import validation as v
from ..models import FundAllocation
from ..selectors import ledgers as sel
from ..selectors.suggestions import suggestion_figures
from ..services import fund, library, proposals, publicity, risk_import, risks, suggestions
from . import serializers as out

LISTS = ("co_units", "attendees", "categories")


def data_of(request) -> dict:
    raw = request.data
    if hasattr(raw, "getlist"):
        return {k: (raw.getlist(k) if k in LISTS else raw.get(k)) for k in raw if k != "files"}
    if not isinstance(raw, dict):
        raise InvalidInput("请求内容应为 JSON 对象。")
    return dict(raw)


def paged(request, view, qs, render):
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response([render(x) for x in page])


class Base(APIView):
    permission_classes = [IsStaff]
    parser_classes = [JSONParser, FormParser, MultiPartParser]


SCHEMA = extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)


# ---- suggestions -----------------------------------------------------------------------------


class AdoptView(Base):
    api_error_statuses = {"POST": (409, 422)}  # the matter-act convention (xinfang.core.api.schema)
    @SCHEMA
    def get(self, request, number):
        return Response(out.adoption(suggestions.adoption_of(request.user, number)))

    @SCHEMA
    def post(self, request, number):
        row = suggestions.adopt(actor=request.user, number=number, data=data_of(request))
        return Response(out.adoption(row), status=status.HTTP_201_CREATED)


class RewardView(Base):
    api_error_statuses = {"POST": (409, 422)}  # the matter-act convention (xinfang.core.api.schema)
    @SCHEMA
    def post(self, request, number):
        return Response(out.adoption(suggestions.reward_decide(actor=request.user, number=number, data=data_of(request))))


class PublishSuggestionView(Base):
    api_error_statuses = {"POST": (409, 422)}  # the matter-act convention (xinfang.core.api.schema)
    @SCHEMA
    def post(self, request, number):
        return Response(out.adoption(suggestions.publish(actor=request.user, number=number, data=data_of(request))))


class SuggestionStatsView(Base):
    @SCHEMA
    def get(self, request):
        return Response(suggestion_figures(request.user, request.query_params))


# ---- proposals -------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(operation_id="proposals_list"))
class ProposalListView(Base):
    @SCHEMA
    def get(self, request):
        today = timezone.localdate()
        qs = sel.filter_proposals(request.user, request.query_params, today=today)
        return paged(request, self, qs, lambda r: out.proposal(r, today))

    @SCHEMA
    def post(self, request):
        row = proposals.proposal_create(actor=request.user, data=data_of(request))
        return Response(out.proposal(row, timezone.localdate()), status=status.HTTP_201_CREATED)


class ProposalDetailView(Base):
    @SCHEMA
    def get(self, request, pk):
        return Response(out.proposal(proposals.access_proposal(request.user, pk), timezone.localdate()))


class ProposalReplyView(Base):
    @SCHEMA
    def post(self, request, pk):
        row = proposals.proposal_reply(actor=request.user, pk=pk, data=data_of(request),
                                       files=request.FILES.getlist("file") if hasattr(request, "FILES") else ())
        return Response(out.proposal(row, timezone.localdate()))


class ProposalFeedbackView(Base):
    @SCHEMA
    def post(self, request, pk):
        row = proposals.proposal_feedback(actor=request.user, pk=pk, data=data_of(request))
        return Response(out.proposal(row, timezone.localdate()))


# ---- risks -----------------------------------------------------------------------------------


def _require_risks(user):
    if not access.may_use_risks(user):
        raise NotAllowed("您无权使用隐患排查台账。")


@extend_schema_view(get=extend_schema(operation_id="risks_list"))
class RiskListView(Base):
    @SCHEMA
    def get(self, request):
        _require_risks(request.user)
        return paged(request, self, sel.filter_risks(request.user, request.query_params), out.risk)

    @SCHEMA
    def post(self, request):
        _require_risks(request.user)
        return Response(out.risk(risks.risk_create(actor=request.user, data=data_of(request))),
                        status=status.HTTP_201_CREATED)


def _risk_full(user, row) -> dict:
    return {**out.risk(row), "matters": [m.number for m in sel.risk_matters(user, row)],
            "history": [out.risk_change(h) for h in sel.risk_history(user, row)]}


class RiskDetailView(Base):
    @SCHEMA
    def get(self, request, pk):
        return Response(_risk_full(request.user, risks.access_risk(request.user, pk)))

    @SCHEMA
    def patch(self, request, pk):
        row = risks.risk_update(actor=request.user, pk=pk, data=data_of(request))
        return Response(_risk_full(request.user, row))


class RiskMattersView(Base):
    @SCHEMA
    def post(self, request, pk):
        link = risks.risk_link(actor=request.user, pk=pk, data=data_of(request))
        return Response(_risk_full(request.user, link.risk), status=status.HTTP_201_CREATED)


class RiskMatterView(Base):
    @SCHEMA
    def delete(self, request, pk, number):
        row = risks.risk_unlink(actor=request.user, pk=pk, data={"matter": number})
        return Response(_risk_full(request.user, row))


class RiskResolveView(Base):
    @SCHEMA
    def post(self, request, pk):
        return Response(out.risk(risks.risk_resolve(actor=request.user, pk=pk, data=data_of(request))))


class RiskReportView(Base):
    @SCHEMA
    def get(self, request):
        _require_risks(request.user)
        params = dict(request.query_params.items())
        params.setdefault("month", timezone.localdate().strftime("%Y-%m"))
        month = v.month(params)
        rows = sel.report_status(request.user, month)
        return Response({"month": month.strftime("%Y-%m"), "results": [
            {"unit": r["unit"].code, "unit_name": r["unit"].name, "kind": r["unit"].kind,
             "reported": r["report"] is not None, "nil_report": r["report"].nil_report if r["report"] else None,
             "filed_at": out._dt(r["report"].filed_at) if r["report"] else None} for r in rows]})

    @SCHEMA
    def post(self, request):
        _require_risks(request.user)
        return Response(out.report(risks.report_file(actor=request.user, data=data_of(request))),
                        status=status.HTTP_201_CREATED)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RiskImportView(Base):
    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, summary="下载隐患排查台账导入模板（Excel）")
    def get(self, request):
        _require_risks(request.user)
        response = HttpResponse(risk_import.template_bytes(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''risk-template.xlsx"
        return response

    @SCHEMA
    def post(self, request):
        _require_risks(request.user)
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("请选择要导入的 Excel 文件。", fields={"file": "请选择文件"})
        result = risk_import.import_risks(actor=request.user, upload=upload)
        if result.errors:
            fields = {f"rows[{n}]": msg for n, msg in result.errors}
            return Response({"error": {"code": "invalid", "fields": fields,
                                       "message": f"有 {len(result.errors)} 行有误，未导入任何数据。"},
                             "rows": [{"row": n, "message": m} for n, m in result.errors]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"saved": result.saved}, status=status.HTTP_201_CREATED)


# ---- fund ------------------------------------------------------------------------------------


class AllocationView(Base):
    @SCHEMA
    def get(self, request):
        access.require_fund_reader(request.user)
        qs = FundAllocation.objects.select_related("fund_year").order_by("-created_at", "-id")
        return paged(request, self, qs, out.allocation)

    @SCHEMA
    def post(self, request):
        return Response(out.allocation(fund.allocate(actor=request.user, data=data_of(request))),
                        status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(operation_id="fund_grants_list"))
class GrantListView(Base):
    @SCHEMA
    def get(self, request):
        access.require_fund_reader(request.user)
        return paged(request, self, sel.filter_grants(request.query_params), out.grant)

    @SCHEMA
    def post(self, request):
        row = fund.grant_request(actor=request.user, data=data_of(request), files=request.FILES.getlist("files"))
        return Response(out.grant(row), status=status.HTTP_201_CREATED)


class GrantDetailView(Base):
    @SCHEMA
    def get(self, request, pk):
        return Response(out.grant(fund.access_grant(request.user, pk)))


def _grant_act(service):
    class View(Base):
        @SCHEMA
        def post(self, request, pk):
            return Response(out.grant(service(actor=request.user, pk=pk, data=data_of(request))))

    return View


GrantApproveView = _grant_act(fund.grant_approve)
GrantRejectView = _grant_act(fund.grant_reject)
GrantPayView = _grant_act(fund.grant_pay)
GrantWithdrawView = _grant_act(fund.grant_withdraw)


class BalanceView(Base):
    @SCHEMA
    def get(self, request):
        access.require_fund_reader(request.user)
        year = v.year(request.query_params, required=False, default=timezone.localdate().year)
        return Response(fund.balance_of(year).as_dict())


# ---- library, publicity, training ------------------------------------------------------------


@extend_schema_view(get=extend_schema(operation_id="library_list"))
class LibraryListView(Base):
    @SCHEMA
    def get(self, request):
        return paged(request, self, sel.filter_library(request.query_params), out.library_item)

    @SCHEMA
    def post(self, request):
        return Response(out.library_item(library.item_create(actor=request.user, data=data_of(request)), full=True),
                        status=status.HTTP_201_CREATED)


class LibraryDetailView(Base):
    @SCHEMA
    def get(self, request, pk):
        return Response(out.library_item(library.access_item(request.user, pk), full=True))

    @SCHEMA
    def put(self, request, pk):
        return Response(out.library_item(library.item_update(actor=request.user, pk=pk, data=data_of(request)), full=True))


class LibraryCommentView(Base):
    @SCHEMA
    def post(self, request, pk):
        row = library.comment_add(actor=request.user, pk=pk, data=data_of(request))
        return Response({"id": row.pk, "version": row.version, "text": row.text}, status=status.HTTP_201_CREATED)


class LibraryPublishView(Base):
    @SCHEMA
    def post(self, request, pk):
        return Response(out.library_item(library.item_publish(actor=request.user, pk=pk, data=data_of(request))))


class PublicityView(Base):
    @SCHEMA
    def get(self, request):
        return paged(request, self, sel.filter_publicity(request.query_params), out.publicity)

    @SCHEMA
    def post(self, request):
        return Response(out.publicity(publicity.publicity_create(actor=request.user, data=data_of(request))),
                        status=status.HTTP_201_CREATED)


class TrainingView(Base):
    @SCHEMA
    def get(self, request):
        qs = sel.filter_trainings(request.query_params).prefetch_related("attendees")
        return paged(request, self, qs, out.training)

    @SCHEMA
    def post(self, request):
        return Response(out.training(publicity.training_create(actor=request.user, data=data_of(request))),
                        status=status.HTTP_201_CREATED)


class TrainingHoursView(Base):
    @SCHEMA
    def get(self, request):
        year = v.year(request.query_params, required=False, default=timezone.localdate().year)
        mine = None if (access.sees_county(request.user) and request.user.in_bureau) else request.user
        rows = sel.hours_by_person(year, user=mine)
        return Response({"year": year, "results": [{"username": r["username"], "name": r["full_name"],
                                                    "unit": r["unit__name"], "sessions": r["sessions"],
                                                    "hours": str(r["hours"])} for r in rows]})
