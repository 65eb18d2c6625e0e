"""The leaders' page, the leader's day, the bureau's page, the reception check and the backlog."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.org.models import User

from .. import access, selectors
from ..choices import CaseStatus, HearingStatus, MeetingKind, SessionKind, TaskStatus
from ..models import Booking, Campaign, Hearing, LeaderCase, Meeting, ReceptionSession, Task, current_policy
from ..services.cases import leaders_choices
from ..services.receptions import LEADER_ROLES, units_for_tasks
from .common import leaders_page


@leaders_page
def home(request):
    user = request.user
    if user.has_role(*LEADER_ROLES):
        return leader_page(request, user)
    if access.reads_county(user):
        return redirect("leaders:bureau")
    return redirect("leaders:tasks")


def leader_page(request, leader):
    today = timezone.localdate()
    tasks = list(selectors.leader_tasks(leader)[:50])
    return render(request, "leaders/leader.html", {
        "leader": leader, "today": today,
        "sessions": list(ReceptionSession.objects.filter(leader=leader, date__gte=today).order_by("date", "start_time")[:10]),
        "cases": list(LeaderCase.objects.filter(leader=leader, status=CaseStatus.OPEN).select_related("matter").order_by("target_date")),
        "tasks": tasks, "open_tasks": sum(1 for t in tasks if t.status != TaskStatus.DONE),
        "instructions": list(selectors.open_instructions(leader)[:20]),
        "is_bureau": access.is_case_staff(request.user),
    })


@leaders_page(who="reader")
def day(request):
    today = timezone.localdate()
    when = v.date_value(request.GET, "date", "日期", required=False) or today
    username = request.GET.get("leader") or request.user.username
    leader = User.objects.filter(username=username).first()
    if leader is None or not leader.has_role(*LEADER_ROLES):
        leader = request.user
    data = selectors.leader_day(request.user, leader, when)
    return render(request, "leaders/day.html", {**data, "leader": leader, "today": today,
                                                "prev": when - dt.timedelta(days=1), "next": when + dt.timedelta(days=1),
                                                "leaders": leaders_choices()})


@leaders_page(who="reader")
def bureau(request):
    today = timezone.localdate()
    return render(request, "leaders/bureau.html", {
        "today": today,
        "sessions": list(selectors.sessions(request.user, {"from": (today - dt.timedelta(days=30)).isoformat()})[:30]),
        "pending": list(Booking.objects.filter(status="pending", session__date__gte=today)
                        .select_related("session", "session__leader").order_by("session__date", "created_at")[:30]),
        "meetings": list(selectors.meetings(request.user, {})[:10]),
        "hearings": list(Hearing.objects.exclude(status=HearingStatus.CONCLUDED).select_related("matter", "unit").order_by("scheduled_at")[:20]),
        "cases": list(LeaderCase.objects.filter(status=CaseStatus.OPEN).select_related("matter", "leader").order_by("target_date")[:30]),
        "campaigns": list(Campaign.objects.order_by("-start")[:10]),
        "reported": list(Task.objects.filter(status=TaskStatus.REPORTED).select_related("unit").order_by("due")[:30]),
        "overdue_tasks": Task.objects.exclude(status=TaskStatus.DONE).filter(due__lt=today).count(),
        "check": selectors.reception_check(request.user, today.year, today),
        "kinds": SessionKind.choices, "meeting_kinds": MeetingKind.choices, "leaders": leaders_choices(),
        "units": units_for_tasks(), "can_receive": access.runs_receptions(request.user),
        "can_case": access.is_case_staff(request.user), "meetings_all": Meeting.objects.count(),
        "policy": current_policy(),
    })


@leaders_page(who="reader")
def backlog(request):
    today = timezone.localdate()
    policy = current_policy()
    rows = list(selectors.backlog(request.user, request.GET, today)[:200])
    return render(request, "leaders/backlog.html", {
        "rows": [{"m": m, "reasons": selectors.backlog_reasons(m, policy, today)} for m in rows],
        "policy": policy, "today": today})
