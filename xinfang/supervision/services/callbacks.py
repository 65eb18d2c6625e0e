"""Callbacks and spot checks (回访/抽查, domain §7): tasks, the sampling plan, outcomes, follow-up."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core import clock
from xinfang.core import validation as v
from xinfang.core.errors import NotAllowed, StateConflict
from xinfang.matters.access import visible_matters
from xinfang.matters.choices import State
from xinfang.matters.models import Event, Matter
from xinfang.org.choices import Role, UnitKind
from xinfang.org.models import User
from xinfang.org.permissions import BUREAU_CASE_ROLES

from ..access import access_callback, is_bureau_staff, require_bureau
from ..choices import CallbackMethod, CallbackSource, CallbackState, Method, RecordKind, Trigger
from ..dues import response_due_from
from ..models import CallbackTask, SamplingPlan, current_policy
from .records import issue_record

CALLER_ROLES = tuple(BUREAU_CASE_ROLES)


def handled_by(matter: Matter):
    """The unit whose handling is being checked: the handling unit, else the registering unit."""
    return matter.handling_unit if matter.handling_unit_id else matter.registering_unit


def is_independent(user, task: CallbackTask) -> bool:
    return task.handled_by_unit_id is None or user.unit_id != task.handled_by_unit_id


def callback_for_event(event: Event, matter: Matter) -> CallbackTask | None:
    """A dissatisfied rating opens a callback task (in the evaluation's transaction; idempotent)."""
    if event.action != "evaluate" or (event.params or {}).get("rating") != "dissatisfied":
        return None
    existing = CallbackTask.objects.filter(event=event).first()
    if existing is not None:
        return existing
    day = timezone.localtime(event.occurred_at).date()
    with transaction.atomic():  # a savepoint: a concurrent insert of the same task loses quietly
        try:
            return CallbackTask.objects.create(
                matter=matter, source=CallbackSource.DISSATISFIED, event=event, handled_by_unit=handled_by(matter),
                due=day + dt.timedelta(days=current_policy().callback_days),
            )
        except IntegrityError:
            return None


def on_matter_event(event, matter) -> None:
    """In-transaction hook registered in ``SupervisionConfig.ready``."""
    callback_for_event(event, matter)


def _eligible_callers(exclude_unit_id) -> list[User]:
    users = User.objects.filter(is_active=True, unit__kind=UnitKind.BUREAU).order_by("id")
    return [u for u in users if u.has_role(*CALLER_ROLES) and u.unit_id != exclude_unit_id]


def sampling_plan_create(*, actor, year: int, month: int, percent: int | None = None) -> SamplingPlan:
    """抽查: N% (rounded up) of the matters each unit closed in the month, assigned round-robin to
    bureau staff who never belong to the unit that handled the matter. Anonymous matters are left
    out (nobody to call), and so are the matters of a unit nobody independent can call back (the
    bureau's own answers: every caller is bureau staff); the summary says so."""
    require_bureau(actor)
    percent = current_policy().sample_percent if percent in (None, "") else percent
    percent = v.integer({"percent": percent}, "percent", "抽查比例", minimum=1, maximum=100)
    year = v.integer({"year": year}, "year", "年份", minimum=2000, maximum=2100)
    month = v.integer({"month": month}, "month", "月份", minimum=1, maximum=12)
    first = dt.date(year, month, 1)
    if first > clock.today():
        v.fail("month", "不能为将来的月份安排抽查。")
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(nxt, dt.time.min, tzinfo=tz)
    closed = (
        visible_matters(actor)
        .filter(status=State.CLOSED, closed_at__gte=start, closed_at__lt=end, is_anonymous=False)
        .select_related("handling_unit", "registering_unit")
        .order_by("id")
    )
    by_unit: dict[int, list[Matter]] = defaultdict(list)
    for m in closed:
        by_unit[handled_by(m).pk].append(m)
    with transaction.atomic():
        if SamplingPlan.objects.filter(year=year, month=month).exists():
            raise StateConflict(f"{year}年{month}月的抽查计划已经生成。")
        plan = SamplingPlan.objects.create(year=year, month=month, percent=percent, created_by=actor)
        due = clock.today() + dt.timedelta(days=current_policy().callback_days)
        summary, turn = {}, 0
        for unit_id, matters in sorted(by_unit.items()):
            callers = _eligible_callers(unit_id)
            if not callers:
                summary[str(unit_id)] = {"closed": len(matters), "sampled": 0, "no_independent_caller": True}
                continue
            size = math.ceil(len(matters) * percent / 100)
            chosen = random.Random(f"{year}-{month}-{unit_id}").sample(matters, size)
            for m in sorted(chosen, key=lambda x: x.pk):
                caller = callers[turn % len(callers)]
                turn += 1
                CallbackTask.objects.create(matter=m, source=CallbackSource.SAMPLING, plan=plan,
                                            handled_by_unit_id=unit_id, assigned_to=caller, due=due)
            summary[str(unit_id)] = {"closed": len(matters), "sampled": size}
        plan.summary = summary
        plan.save(update_fields=["summary"])
    return plan


def callback_assign(*, actor, task_id, assignee: User) -> CallbackTask:
    require_bureau(actor)
    with transaction.atomic():
        task = access_callback(actor, task_id, for_update=True)
        if task.state != CallbackState.TODO:
            raise StateConflict("该回访已完成，不能改派。")
        if not (assignee.is_active and is_bureau_staff(assignee)):
            v.fail("assignee", "回访人应为信访局案件办理人员或局领导。")
        if not is_independent(assignee, task):
            v.fail("assignee", "回访人不能是办理该事项单位的工作人员。")
        task.assigned_to = assignee
        task.save(update_fields=["assigned_to"])
        return task


def callback_record(*, actor, task_id, data: dict) -> CallbackTask:
    """Record the outcome; a problem found opens a 督办单 to the unit that handled the matter."""
    require_bureau(actor, "只有信访局工作人员可以登记回访结果。")
    method = v.choice(data, "method", "回访方式", CallbackMethod)
    reached = v.boolean(data, "reached")
    satisfied = v.boolean(data, "satisfied") if reached else None
    problem = v.boolean(data, "problem_found")
    notes = v.text(data, "notes", "回访记录", required=problem or not reached, max_length=10000)
    with transaction.atomic():
        task = access_callback(actor, task_id, for_update=True)
        if task.state != CallbackState.TODO:
            raise StateConflict("该回访已登记结果。")
        if task.assigned_to_id and task.assigned_to_id != actor.pk and not actor.has_role(Role.BUREAU_LEADER):
            raise NotAllowed("该回访已指派给其他工作人员。")
        if not is_independent(actor, task):
            raise NotAllowed("办理该事项单位的工作人员不能回访本单位办理的事项。")
        task.method, task.reached, task.satisfied, task.problem_found = method, reached, satisfied, problem
        task.notes, task.done_at, task.done_by, task.state = notes, clock.now(), actor, CallbackState.DONE
        if problem:
            matter = task.matter
            task.follow_up = issue_record(
                kind=RecordKind.ORDER, target_unit=task.handled_by_unit or handled_by(matter),
                title=f"回访发现问题督办：{matter.title}", content=f"回访发现问题：{notes}", matters=[matter],
                method=Method.ONLINE, trigger=Trigger.CALLBACK, trigger_key=f"callback:{task.pk}",
                response_due=response_due_from(clock.today()), issued_by=actor,
            )
        task.save()
        return task

