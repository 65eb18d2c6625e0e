"""API of the leaders' side (api-v1.md "Leaders and hard cases"): views parse, call one service or
selector, render. Errors are the project's one shape; what the caller may not see is a 404."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from xinfang.core.api.errors import error_response
from xinfang.core.api.pagination import Pagination
from xinfang.core.api.permissions import IsStaff
from xinfang.core.errors import InvalidInput
from xinfang.core.http import client_ip
from xinfang.portal.errors import TooManyAttempts

from .. import access, selectors
from ..inputs import refuse_nul
from ..services import cases as case_svc
from ..services import hearings as hearing_svc
from ..services import meetings as meeting_svc
from ..services import receptions as reception_svc
from ..services import tasks as task_svc
from . import present

OBJ = OpenApiTypes.OBJECT


def data_of(request) -> dict:
    raw = request.data
    if hasattr(raw, "getlist"):
        return refuse_nul({k: (raw.getlist(k) if len(raw.getlist(k)) > 1 else raw.get(k)) for k in raw})
    if not isinstance(raw, dict):
        raise InvalidInput("请求内容应为 JSON 对象。")
    return refuse_nul(dict(raw))


def paginated(request, view, qs, render):
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(render(page))


class Base(APIView):
    permission_classes = [IsStaff]


def _schema(summary: str, request=None, responses=OBJ, **kw):
    return extend_schema(summary=summary, request=request, responses=responses, **kw)


# ---- receptions ------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(operation_id="receptions_list"))
class SessionListView(Base):
    @_schema("领导接访安排列表（from、to、kind、leader、published）")
    def get(self, request):
        return paginated(request, self, selectors.sessions(request.user, request.query_params),
                         lambda page: [present.session(s) for s in page])

    @_schema("安排领导接访（接访日、约访、下访）", request=OBJ, responses={201: OBJ})
    def post(self, request):
        s = reception_svc.session_create(actor=request.user, data=data_of(request))
        return Response(present.session(s, taken=0), status=status.HTTP_201_CREATED)


class SessionDetailView(Base):
    @_schema("领导接访详情：预约与接访记录")
    def get(self, request, pk):
        s = selectors.session_detail(request.user, pk)
        records = selectors.session_records(s)
        bookings = selectors.session_bookings(s)
        visible = selectors.visible_matter_ids(request.user, [r.matter_id for r in records] +
                                               [t.matter_id for r in records for t in r.tasks.all()])
        today = timezone.localdate()
        live = sum(1 for b in bookings if b.status in ("pending", "confirmed", "received"))
        return Response({**present.session(s, taken=live), "bookings": [present.booking(b) for b in bookings],
                         "records": [present.record(r, visible, today) for r in records]})

    @_schema("修改领导接访安排（含公布）", request=OBJ)
    def patch(self, request, pk):
        s = reception_svc.session_update(actor=request.user, session_id=pk, data=data_of(request))
        return Response(present.session(s, taken=s.bookings.filter(status__in=["pending", "confirmed", "received"]).count()))


class RecordCreateView(Base):
    @_schema("录入接访记录：{matter?, booking?, new_petition?, summary, instructions, tasks}", request=OBJ, responses={201: OBJ})
    def post(self, request, pk):
        r = reception_svc.record_create(actor=request.user, session_id=pk, data=data_of(request))
        visible = selectors.visible_matter_ids(request.user, [r.matter_id])
        return Response(present.record(r, visible, timezone.localdate()), status=status.HTTP_201_CREATED)


class BookingActView(Base):
    act = ""

    @_schema("预约：确认、改约（session）、取消（note）", request=OBJ)
    def post(self, request, pk):
        fn = {"confirm": lambda: reception_svc.booking_confirm(actor=request.user, booking_id=pk),
              "reschedule": lambda: reception_svc.booking_reschedule(actor=request.user, booking_id=pk, data=data_of(request)),
              "cancel": lambda: reception_svc.booking_cancel(actor=request.user, booking_id=pk, data=data_of(request))}[self.act]
        return Response(present.booking(fn()))


class ReceptionCheckView(Base):
    @_schema("每月县委书记、县长是否各安排了领导接访日（year）")
    def get(self, request):
        try:
            year = int(request.query_params.get("year") or timezone.localdate().year)
        except ValueError:
            raise InvalidInput("year 应为年份。", fields={"year": "应为年份"}) from None
        data = selectors.reception_check(request.user, year)
        return Response({"year": year, "configured": data["configured"], "months": [
            {"month": m["month"], "complete": m["complete"],
             "leaders": [{"role": c["label"], "leader": c["leader"].username, "held": c["held"],
                         "scheduled": c["scheduled"].isoformat() if c["scheduled"] else None} for c in m["cells"]]}
            for m in data["months"]]})


class BookingThrottle(AnonRateThrottle):
    scope = "public_booking"
    rate = "20/hour"


class PublicListThrottle(AnonRateThrottle):
    scope = "public_receptions"
    rate = "120/hour"


class PublicSessionsView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicListThrottle]
    api_error_statuses = (404,)  # the public-API convention (xinfang.core.api.schema)

    @extend_schema(summary="门户：可预约的领导接访日", auth=[], responses=OBJ)
    def get(self, request):
        return Response({"results": [present.public_session(s) for s in selectors.public_sessions()]})


class PublicBookingView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [BookingThrottle]

    def handle_exception(self, exc):
        if isinstance(exc, TooManyAttempts):
            return error_response(exc.code, exc.message, exc.http_status, exc.fields,
                                  headers={"Retry-After": str(exc.wait_seconds)})
        return super().handle_exception(exc)

    @extend_schema(summary="门户：预约领导接访日 {name, phone, summary, matter_number?, query_code?}", auth=[],
                   request=OBJ, responses={201: OBJ, 200: OBJ})
    def post(self, request, pk):
        data = data_of(request)
        matter = reception_svc.proved_matter(data, client_ip(request))
        booking, created = reception_svc.booking_create(session_id=pk, data=data, matter=matter)
        return Response({"booking_code": booking.booking_code, "status": booking.status},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# ---- cases, backlog, campaigns ---------------------------------------------------------------


class OwnershipView(Base):
    api_error_statuses = {"POST": (409, 422)}  # the matter-act convention (xinfang.core.api.schema)
    @_schema("领导包案 {leader, target_date, plan}", request=OBJ, responses={201: OBJ})
    def post(self, request, number):
        case = case_svc.case_create(actor=request.user, number=number, data=data_of(request))
        return Response({"id": case.pk, **present.case(case, timezone.localdate())}, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(operation_id="cases_list"))
class CaseListView(Base):
    @_schema("包案列表（leader、status=open|resolved、overdue）")
    def get(self, request):
        today = timezone.localdate()
        return paginated(request, self, selectors.cases(request.user, request.query_params, today),
                         lambda page: [present.case(c, today) for c in page])


class CaseDetailView(Base):
    @_schema("包案详情与进展")
    def get(self, request, pk):
        c = access.access_case(request.user, pk)
        return Response(present.case(c, timezone.localdate(), progress=list(c.progress.all())))


class CaseProgressView(Base):
    @_schema("记录包案进展 {text, occurred_at, tasks?}", request=OBJ, responses={201: OBJ})
    def post(self, request, pk):
        p = case_svc.case_progress(actor=request.user, case_id=pk, data=data_of(request))
        c = p.case
        return Response(present.case(c, timezone.localdate(), progress=list(c.progress.all())), status=status.HTTP_201_CREATED)


class CaseResolveView(Base):
    @_schema("办结包案 {outcome: resolved|stopped|terminated|referred, note}", request=OBJ)
    def post(self, request, pk):
        c = case_svc.case_resolve(actor=request.user, case_id=pk, data=data_of(request))
        return Response(present.case(c, timezone.localdate()))


class BacklogView(Base):
    @_schema("积案（按规则：标记积案、办理超过设定日数、重复信访超过设定次数）")
    def get(self, request):
        access.require_reader(request.user)
        today = timezone.localdate()
        policy = selectors.current_policy()
        return paginated(request, self, selectors.backlog(request.user, request.query_params, today), lambda page: [
            {"number": m.number, "title": m.title, "status": m.status,
             "handling_unit": m.handling_unit.code if m.handling_unit_id else None,
             "received_at": present._iso(m.received_at), "petition_count": m.petition_count,
             "is_backlog": m.is_backlog, "is_major": m.is_major, "has_case": m.has_case,
             "reasons": selectors.backlog_reasons(m, policy, today)} for m in page])


@extend_schema_view(get=extend_schema(operation_id="campaigns_list"))
class CampaignListView(Base):
    @_schema("积案化解专项行动列表")
    def get(self, request):
        return paginated(request, self, selectors.campaigns(request.user), lambda page: [present.campaign(c) for c in page])

    @_schema("建立专项行动 {name, start, end, owners, matters, description}", request=OBJ, responses={201: OBJ})
    def post(self, request):
        c = case_svc.campaign_create(actor=request.user, data=data_of(request))
        return Response(present.campaign(c, selectors.campaign_progress(request.user, c)), status=status.HTTP_201_CREATED)


class CampaignDetailView(Base):
    @_schema("专项行动详情：总数、已化解、化解率（分单位）")
    def get(self, request, pk):
        c = selectors.campaigns(request.user).filter(pk=pk).first()
        if c is None:
            from xinfang.core.errors import NotVisible

            raise NotVisible("未找到该专项行动。")
        return Response(present.campaign(c, selectors.campaign_progress(request.user, c)))


class CampaignMattersView(Base):
    @_schema("专项行动纳入事项 {matters}", request=OBJ)
    def post(self, request, pk):
        c = case_svc.campaign_add_matters(actor=request.user, campaign_id=pk, data=data_of(request))
        return Response(present.campaign(c, selectors.campaign_progress(request.user, c)))


# ---- hearings --------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(operation_id="hearings_list"))
class HearingListView(Base):
    @_schema("听证列表（status、matter）")
    def get(self, request):
        return paginated(request, self, selectors.hearings(request.user, request.query_params),
                         lambda page: [present.hearing(h) for h in page])

    @_schema("安排听证并发出听证通知书 {matter, scheduled_at, place, host, panel, participants?, public}",
             request=OBJ, responses={201: OBJ})
    def post(self, request):
        h = hearing_svc.hearing_create(actor=request.user, data=data_of(request))
        return Response(present.hearing(h), status=status.HTTP_201_CREATED)


class HearingDetailView(Base):
    @_schema("听证详情")
    def get(self, request, pk):
        return Response(present.hearing(access.access_hearing(request.user, pk)))


class HearingActView(Base):
    act = ""

    @_schema("听证开始（open）、结束（close）{occurred_at}；出具听证报告（conclude）{minutes, conclusion}", request=OBJ)
    def post(self, request, pk):
        fn = {"open": hearing_svc.hearing_open, "close": hearing_svc.hearing_close,
              "conclude": hearing_svc.hearing_conclude}[self.act]
        return Response(present.hearing(fn(actor=request.user, hearing_id=pk, data=data_of(request))))


# ---- meetings and tasks ----------------------------------------------------------------------


@extend_schema_view(get=extend_schema(operation_id="meetings_list"))
class MeetingListView(Base):
    @_schema("会议列表（kind）")
    def get(self, request):
        return paginated(request, self, selectors.meetings(request.user, request.query_params),
                         lambda page: [present.meeting(m) for m in page])

    @_schema("登记会议 {kind, date, title, units}", request=OBJ, responses={201: OBJ})
    def post(self, request):
        m = meeting_svc.meeting_create(actor=request.user, data=data_of(request))
        return Response(present.meeting(m), status=status.HTTP_201_CREATED)


class MeetingDetailView(Base):
    @_schema("会议详情：议定事项与任务")
    def get(self, request, pk):
        m = selectors.meetings(request.user, {}).filter(pk=pk).first()
        if m is None:
            from xinfang.core.errors import NotVisible

            raise NotVisible("未找到该会议。")
        decisions = selectors.meeting_decisions(m)
        visible = selectors.visible_matter_ids(request.user, [x.pk for d in decisions for x in d.matters.all()] +
                                               [t.matter_id for d in decisions for t in d.tasks.all()])
        today = timezone.localdate()
        return Response({**present.meeting(m), "decisions": [present.decision(d, visible, today) for d in decisions]})


class DecisionCreateView(Base):
    @_schema("会议议定事项 {text, matters, tasks: [{unit, due, text}]}", request=OBJ, responses={201: OBJ})
    def post(self, request, pk):
        d = meeting_svc.decision_create(actor=request.user, meeting_id=pk, data=data_of(request))
        visible = selectors.visible_matter_ids(request.user, [x.pk for x in d.matters.all()])
        return Response(present.decision(d, visible, timezone.localdate()), status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(operation_id="tasks_list"))
class TaskListView(Base):
    @_schema("任务列表（unit、status=open|reported|done、overdue、source）；单位只看本单位任务")
    def get(self, request):
        today = timezone.localdate()
        qs = selectors.tasks(request.user, request.query_params, today)

        def render(page):
            visible = selectors.visible_matter_ids(request.user, [t.matter_id for t in page])
            return [present.task(t, visible, today) for t in page]

        return paginated(request, self, qs, render)


class TaskDetailView(Base):
    @_schema("任务详情（含 supervision：对该任务的督办记录）")
    def get(self, request, pk):
        t = access.access_task(request.user, pk)
        visible = selectors.visible_matter_ids(request.user, [t.matter_id])
        out = present.task(t, visible, timezone.localdate(), records=task_svc.task_records(t))
        out["reports"] = [{"text": r.text, "done": r.done, "reported_at": present._iso(r.reported_at)}
                          for r in t.reports.all()]
        return Response(out)


class TaskReportView(Base):
    @_schema("承办单位报告任务办理情况 {text, done?}", request=OBJ, responses={201: OBJ})
    def post(self, request, pk):
        r = task_svc.task_report(actor=request.user, task_id=pk, data=data_of(request))
        t = r.task
        visible = selectors.visible_matter_ids(request.user, [t.matter_id])
        return Response(present.task(t, visible, timezone.localdate()), status=status.HTTP_201_CREATED)


class TaskCompleteView(Base):
    @_schema("信访局办结任务 {note?}", request=OBJ)
    def post(self, request, pk):
        t = task_svc.task_complete(actor=request.user, task_id=pk, data=data_of(request))
        visible = selectors.visible_matter_ids(request.user, [t.matter_id])
        return Response(present.task(t, visible, timezone.localdate(), records=task_svc.task_records(t)))
