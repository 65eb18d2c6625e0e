"""Reads of the leaders' side: lists (with a fixed number of queries), the leader's day, the
monthly reception check, 积案 by rule, campaign progress, and ``tasks_on_time`` for assessment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import InvalidInput, NotVisible
from xinfang.matters.access import visible_matters
from xinfang.matters.choices import State
from xinfang.matters.models import Deadline, Matter
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

from .access import require_reader, visible_cases, visible_hearings, visible_tasks
from .choices import LIVE_BOOKING, BookingStatus, CaseStatus, SessionKind, TaskStatus
from .models import (
    Booking,
    Campaign,
    Decision,
    LeaderCase,
    Meeting,
    ReceptionRecord,
    ReceptionSession,
    Task,
    current_policy,
)


def _due_between(qs, params):
    """The ``due_from``/``due_to`` filters of the cases' and the tasks' lists (dates, 400 when malformed)."""
    return v.within(qs, "due", *v.date_range(params, ("due_from", "due_to"), ("期限起", "期限止")))


def _bool(params, name: str):
    raw = str(params.get(name) or "").strip().lower()
    if raw in ("", "all"):
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise InvalidInput(f"{name} 应为 true 或 false。", fields={name: "应为 true 或 false"})


def _date(params, name: str, label: str):
    return v.date_value(params, name, label, required=False)


# ---- receptions ------------------------------------------------------------------------------


def sessions(user, params) -> list | object:
    require_reader(user)
    qs = ReceptionSession.objects.select_related("leader", "town").annotate(
        taken=Count("bookings", filter=Q(bookings__status__in=LIVE_BOOKING)),
        record_count=Count("records", distinct=True),
    )
    if params.get("kind"):
        qs = qs.filter(kind=v.choice(params, "kind", "接访类型", SessionKind))
    if params.get("leader"):
        qs = qs.filter(leader__username=str(params["leader"]).strip())
    published = _bool(params, "published")
    if published is not None:
        qs = qs.filter(published=published)
    since, until = _date(params, "from", "开始日期"), _date(params, "to", "结束日期")
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    return qs.order_by("-date", "-start_time", "-id")


def session_detail(user, pk) -> ReceptionSession:
    require_reader(user)
    try:
        session = ReceptionSession.objects.select_related("leader", "town").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        session = None
    if session is None:
        raise NotVisible("未找到该接访安排。")
    return session


def session_bookings(session) -> list[Booking]:
    return list(session.bookings.select_related("matter", "sms").order_by("status", "created_at", "id"))


def session_records(session) -> list[ReceptionRecord]:
    return list(session.records.select_related("matter", "booking", "recorded_by").prefetch_related(
        Prefetch("tasks", queryset=Task.objects.select_related("unit"))).order_by("recorded_at", "id"))


def public_sessions(today: dt.date | None = None):
    """Published 接访日 from today on, with free places (the portal)."""
    today = today or timezone.localdate()
    return (ReceptionSession.objects.filter(published=True, kind=SessionKind.RECEPTION_DAY, date__gte=today)
            .select_related("leader").annotate(taken=Count("bookings", filter=Q(bookings__status__in=LIVE_BOOKING)))
            .order_by("date", "start_time", "id"))


def leader_day(user, leader, day: dt.date) -> dict:
    """The leader's day: sessions, who is coming, their matters' history and running clocks."""
    require_reader(user)
    day_sessions = list(ReceptionSession.objects.filter(leader=leader, date=day).order_by("start_time", "id"))
    bookings = list(Booking.objects.filter(session__in=day_sessions, status__in=LIVE_BOOKING)
                    .select_related("session", "matter").order_by("session__start_time", "created_at"))
    matter_ids = {b.matter_id for b in bookings if b.matter_id}
    matters = {m.pk: m for m in visible_matters(user).filter(pk__in=matter_ids).select_related("handling_unit")}
    clocks = defaultdict(list)
    for d in Deadline.objects.filter(matter_id__in=matters, met_at__isnull=True, cancelled_at__isnull=True).order_by("due"):
        d.label = CLOCK_RULES[ClockKind(d.kind)].label
        clocks[d.matter_id].append(d)
    history = defaultdict(list)
    for r in ReceptionRecord.objects.filter(matter_id__in=matters).select_related("session__leader").order_by("-recorded_at"):
        history[r.matter_id].append(r)
    rows = []
    for b in bookings:
        m = matters.get(b.matter_id)
        rows.append({"booking": b, "matter": m, "clocks": clocks.get(b.matter_id, []) if m else [],
                     "receptions": history.get(b.matter_id, [])[:5] if m else []})
    return {"sessions": day_sessions, "rows": rows, "day": day}


def reception_check(user, year: int, today: dt.date | None = None) -> dict:
    """Per month: did each leader the settings name (县委书记, 县长) hold a 接访日 that month? A 接访日 later in
    the current month counts as ``scheduled`` (its date), not yet as held."""
    require_reader(user)
    today = today or timezone.localdate()
    policy = current_policy()
    leaders = [(label, u) for label, u in (("县委书记", policy.party_secretary), ("县长", policy.county_head)) if u is not None]
    held, scheduled = set(), {}
    for leader_id, day in (ReceptionSession.objects.filter(kind=SessionKind.RECEPTION_DAY, date__year=year,
                                                           leader__in=[u for _, u in leaders])
                           .order_by("date").values_list("leader_id", "date")):
        if day <= today:
            held.add((leader_id, day.month))
        else:
            scheduled.setdefault((leader_id, day.month), day)
    months = []
    for month in range(1, 13):
        if dt.date(year, month, 1) > today:
            break
        cells = [{"label": label, "leader": u, "held": (u.pk, month) in held,
                  "scheduled": None if (u.pk, month) in held else scheduled.get((u.pk, month))} for label, u in leaders]
        current = (year, month) == (today.year, today.month)
        months.append({"month": month, "cells": cells, "complete": all(c["held"] for c in cells), "current": current})
    return {"year": year, "leaders": leaders, "months": months, "configured": bool(leaders)}


# ---- cases, backlog, campaigns ---------------------------------------------------------------


def cases(user, params, today: dt.date | None = None):
    today = today or timezone.localdate()
    qs = visible_cases(user).select_related("matter", "matter__handling_unit", "leader")
    if params.get("leader"):
        qs = qs.filter(leader__username=str(params["leader"]).strip())
    status = str(params.get("status") or "").strip()
    if status:
        qs = qs.filter(status=v.choice(params, "status", "状态", CaseStatus))
    qs = _due_between(qs, params)
    overdue = _bool(params, "overdue")
    if overdue is True:
        qs = qs.filter(status=CaseStatus.OPEN, target_date__lt=today)
    elif overdue is False:
        qs = qs.exclude(status=CaseStatus.OPEN, target_date__lt=today)
    return qs.order_by("status", "target_date", "id")


def backlog(user, params=None, today: dt.date | None = None):
    """积案: open matters flagged 积案, open longer than the setting, or repeated more than N times."""
    today = today or timezone.localdate()
    policy = current_policy()
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=policy.backlog_open_days), dt.time.min))
    rule = Q(is_backlog=True) | Q(received_at__lt=since) | Q(petition_count__gt=policy.backlog_repeat_count)
    qs = visible_matters(user).exclude(status=State.CLOSED).filter(rule).select_related("handling_unit")
    return qs.annotate(has_case=Exists(LeaderCase.objects.filter(matter=OuterRef("pk"), status=CaseStatus.OPEN))).order_by("received_at", "id")


def backlog_reasons(matter, policy, today: dt.date) -> list[str]:
    reasons = []
    if matter.is_backlog:
        reasons.append("标记为积案")
    days = (today - timezone.localtime(matter.received_at).date()).days
    if days > policy.backlog_open_days:
        reasons.append(f"办理已 {days} 日")
    if matter.petition_count > policy.backlog_repeat_count:
        reasons.append(f"重复信访 {matter.petition_count} 次")
    return reasons


def campaign_progress(user, campaign: Campaign) -> dict:
    """Total, resolved and rate, overall and by handling unit. A matter counts as resolved when it is
    closed or its 包案 was resolved (化解/息访/依法终结/移交)."""
    resolved_case = LeaderCase.objects.filter(matter=OuterRef("pk"), status=CaseStatus.RESOLVED)
    rows = (visible_matters(user).filter(campaigns=campaign)
            .annotate(done=Q(status=State.CLOSED) | Exists(resolved_case))
            .values("handling_unit__code", "handling_unit__name", "done"))
    by_unit: dict = {}
    for r in rows:
        key = r["handling_unit__code"] or ""
        entry = by_unit.setdefault(key, {"unit": key, "unit_name": r["handling_unit__name"] or "信访局（未转送）",
                                         "total": 0, "resolved": 0})
        entry["total"] += 1
        entry["resolved"] += 1 if r["done"] else 0
    units = sorted(by_unit.values(), key=lambda e: (-e["total"], e["unit"]))
    for e in units:
        e["rate"] = round(e["resolved"] / e["total"], 4) if e["total"] else None
    total = sum(e["total"] for e in units)
    resolved = sum(e["resolved"] for e in units)
    return {"total": total, "resolved": resolved, "rate": round(resolved / total, 4) if total else None, "by_unit": units}


def campaigns(user):
    require_reader(user)
    return Campaign.objects.prefetch_related("owners").annotate(matter_count=Count("matters")).order_by("-start", "-id")


# ---- hearings, meetings, tasks ---------------------------------------------------------------


def hearings(user, params):
    qs = visible_hearings(user).select_related("matter", "unit", "notice", "report")
    if params.get("status"):
        qs = qs.filter(status=str(params["status"]))
    if params.get("matter"):
        qs = qs.filter(matter__number=str(params["matter"]).strip())
    return qs.order_by("-scheduled_at", "-id")


def meetings(user, params):
    require_reader(user)
    qs = Meeting.objects.prefetch_related("units").annotate(decision_count=Count("decisions", distinct=True))
    if params.get("kind"):
        qs = qs.filter(kind=str(params["kind"]))
    return qs.order_by("-date", "-id")


def meeting_decisions(meeting) -> list[Decision]:
    return list(meeting.decisions.prefetch_related("matters", Prefetch("tasks", queryset=Task.objects.select_related("unit")))
                .order_by("created_at", "id"))


def tasks(user, params, today: dt.date | None = None):
    today = today or timezone.localdate()
    qs = visible_tasks(user).select_related("unit", "matter", "decision__meeting", "record__session__leader",
                                             "case__leader")
    if params.get("unit"):
        qs = qs.filter(unit__code=str(params["unit"]).strip())
    if params.get("status"):
        qs = qs.filter(status=v.choice(params, "status", "状态", TaskStatus))
    if params.get("source"):
        qs = qs.filter(source=str(params["source"]).strip())
    qs = _due_between(qs, params)
    overdue = _bool(params, "overdue")
    if overdue is True:
        qs = qs.exclude(status=TaskStatus.DONE).filter(due__lt=today)
    elif overdue is False:
        qs = qs.exclude(Q(due__lt=today) & ~Q(status=TaskStatus.DONE))
    return qs.order_by(F("completed_at").asc(nulls_first=True), "due", "id")


def visible_matter_ids(user, matter_ids) -> set[int]:
    ids = {i for i in matter_ids if i}
    if not ids:
        return set()
    return set(visible_matters(user).filter(pk__in=ids).values_list("pk", flat=True))


def leader_tasks(leader):
    """Tasks from the leader's receptions and 包案 (the leader's page)."""
    return (Task.objects.filter(Q(record__session__leader=leader) | Q(case__leader=leader))
            .select_related("unit", "matter").order_by(F("completed_at").asc(nulls_first=True), "due", "id"))


def open_instructions(leader):
    """The leader's 批示 not yet carried out: reception records with a task still open."""
    open_task = Task.objects.filter(record=OuterRef("pk")).exclude(status=TaskStatus.DONE)
    return (ReceptionRecord.objects.filter(session__leader=leader).exclude(instructions="").filter(Exists(open_task))
            .select_related("session", "matter").order_by("-recorded_at"))


TASK_ON_TIME = Q(status=TaskStatus.DONE, completed_at__date__lte=F("due"))


def tasks_fallen_due(date_from: dt.date, date_to: dt.date, today: dt.date, tasks=None):
    """The tasks that count for "tasks done on time": due in the period and either done or past due
    on ``today`` (an open task not yet due is not judged)."""
    qs = Task.objects.all() if tasks is None else tasks
    return qs.filter(due__gte=date_from, due__lte=date_to).filter(Q(status=TaskStatus.DONE) | Q(due__lt=today))


def tasks_on_time_by_unit(date_from: dt.date, date_to: dt.date, today: dt.date, tasks=None) -> dict[int, dict]:
    """The one definition of the assessment measure "tasks done on time" (§39, ``tasks_on_time``):
    per unit, the tasks fallen due in the period and how many were done by their due day, in one
    grouped query. ``tasks`` narrows the rows (``visible_tasks(user)``)."""
    rows = (tasks_fallen_due(date_from, date_to, today, tasks).values("unit_id")
            .annotate(due_n=Count("pk"), on_time=Count("pk", filter=TASK_ON_TIME)))
    return {r["unit_id"]: {"due": r["due_n"], "on_time": r["on_time"],
                           "rate": round(r["on_time"] / r["due_n"], 4) if r["due_n"] else None} for r in rows}


def tasks_on_time(unit, year: int) -> dict:
    """One unit's tasks due in ``year`` that are past due or done, and how many were done by their
    due day: ``{"due", "on_time", "rate"}`` (rate None when nothing fell due)."""
    found = tasks_on_time_by_unit(dt.date(year, 1, 1), dt.date(year, 12, 31), timezone.localdate(),
                                  Task.objects.filter(unit=unit))
    return found.get(unit.pk) or {"due": 0, "on_time": 0, "rate": None}


def unit_inbox_tasks(user, limit: int = 20) -> list[Task]:
    return list(visible_tasks(user).exclude(status=TaskStatus.DONE).select_related("unit", "matter")
                .order_by("due", "id")[:limit])


def matter_leader_items(user, matter: Matter) -> dict:
    """What the leaders' side holds about one matter (for its page and the API)."""
    return {
        "cases": list(LeaderCase.objects.filter(matter=matter).select_related("leader").order_by("-created_at")),
        "hearings": list(visible_hearings(user).filter(matter=matter).order_by("-scheduled_at")),
        "receptions": list(ReceptionRecord.objects.filter(matter=matter).select_related("session__leader").order_by("-recorded_at")),
    }


BOOKING_ORDER = [BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.RECEIVED, BookingStatus.CANCELLED]


def public_hearings(limit: int = 50) -> list:
    """Concluded public hearings for the portal: no petitioner data, only the body, date, subject and conclusion."""
    from .choices import HearingStatus
    from .models import Hearing

    return list(Hearing.objects.filter(public=True, status=HearingStatus.CONCLUDED, matter__is_public=True,
                                       matter__is_confidential=False)
                .select_related("unit", "matter").order_by("-concluded_at")[:limit])
