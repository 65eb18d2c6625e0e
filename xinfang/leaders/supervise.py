"""The daily engine's checks for the leaders' side (called from ``supervision.engine``, one step).

* A task due within ``LeadersPolicy.task_due_soon_days`` (default 3) days gets a 提醒 to its unit
  (answer due on the task's due day), once (``Task.warned_on``).
* A task past due and not done gets a 催办 (the task's 提醒 escalated when there is one, else a new
  one), once (``Task.overdue_marked_on``). From there the existing ladder takes over: an
  unanswered 催办 becomes a 督办单 with its paper (``escalate_late``), and so on. Every record names
  the task in its title and requirement; its ``trigger_key`` is ``task:<id>:…``.
* An open 包案 past its target date gets a 催办 to the matter's handling unit (the bureau when it
  holds the matter), once (``LeaderCase.overdue_marked_on``), key ``case:<id>:urge``.

Same rules as the engine's own steps: each row is claimed with a conditional UPDATE and its record
written in the same small transaction; unique trigger keys make duplicates impossible.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from xinfang.supervision.choices import RecordKind, RecordState, Trigger
from xinfang.supervision.models import SupervisionRecord
from xinfang.supervision.services.records import escalate_record, issue_record, response_due_from

from .choices import CaseStatus, TaskStatus
from .models import LeaderCase, Task, current_policy

OPEN = [TaskStatus.OPEN, TaskStatus.REPORTED]


def task_label(task: Task) -> str:
    text = task.text if len(task.text) <= 40 else task.text[:40] + "…"
    return f"任务“{text}”（{task.get_source_display()}，编号 RW{task.pk}）"


def _matters(task: Task) -> list:
    return [task.matter] if task.matter_id else []


def warn_tasks(today: dt.date, calendar) -> int:
    policy = current_policy()
    last = today + dt.timedelta(days=policy.task_due_soon_days)
    n = 0
    qs = Task.objects.filter(status__in=OPEN, due__gte=today, due__lte=last, warned_on__isnull=True)
    for task in qs.select_related("unit", "matter").order_by("pk"):
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, warned_on__isnull=True).update(warned_on=today):
                continue
            try:
                with transaction.atomic():
                    issue_record(kind=RecordKind.REMINDER, target_unit=task.unit, title=f"提醒：{task_label(task)}将于 {task.due.isoformat()} 到期",
                                 content=f"{task_label(task)}：{task.text}\n请在期限内办理并报告办理情况。",
                                 matters=_matters(task), trigger=Trigger.DUE_SOON, trigger_key=f"task:{task.pk}:reminder",
                                 response_due=task.due)
            except IntegrityError:
                pass
            n += 1
    return n


def urge_tasks(today: dt.date, calendar) -> int:
    n = 0
    qs = Task.objects.filter(status__in=OPEN, due__lt=today, overdue_marked_on__isnull=True)
    for task in qs.select_related("unit", "matter").order_by("pk"):
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, overdue_marked_on__isnull=True).update(overdue_marked_on=today):
                continue
            key = f"task:{task.pk}:urge"
            if SupervisionRecord.objects.filter(trigger_key=key).exists():
                continue
            reason = f"{task_label(task)}的完成期限 {task.due.isoformat()} 已过，尚未办结。"
            reminder = SupervisionRecord.objects.select_for_update().filter(
                trigger_key=f"task:{task.pk}:reminder", state__in=[RecordState.OPEN, RecordState.RESPONDED]).first()
            if reminder is not None:
                escalate_record(reminder, today=today, reason=reason, trigger_key=key, calendar=calendar,
                                trigger=Trigger.OVERDUE)
            else:
                issue_record(kind=RecordKind.URGE, target_unit=task.unit, title=f"催办：{task_label(task)}逾期未办结",
                             content=f"{reason}\n任务内容：{task.text}\n请立即办理，并书面报告办理情况。",
                             matters=_matters(task), trigger=Trigger.OVERDUE, trigger_key=key,
                             response_due=response_due_from(today, calendar=calendar))
            n += 1
    return n


def urge_cases(today: dt.date, calendar) -> int:
    n = 0
    qs = LeaderCase.objects.filter(status=CaseStatus.OPEN, target_date__lt=today, overdue_marked_on__isnull=True)
    for case in qs.select_related("matter", "matter__handling_unit", "matter__registering_unit", "leader").order_by("pk"):
        with transaction.atomic():
            if not LeaderCase.objects.filter(pk=case.pk, overdue_marked_on__isnull=True).update(overdue_marked_on=today):
                continue
            m = case.matter
            leader = case.leader.full_name or case.leader.username
            try:
                with transaction.atomic():
                    issue_record(kind=RecordKind.URGE, target_unit=m.handling_unit or m.registering_unit,
                                 title=f"催办：{m.number} 领导包案超过化解目标日期",
                                 content=(f"该事项由{leader}包案，化解目标日期 {case.target_date.isoformat()} 已过，尚未化解。"
                                          f"\n化解方案：{case.plan[:500]}\n请抓紧落实包案领导的要求，并书面报告化解进展。"),
                                 matters=[m], trigger=Trigger.OVERDUE, trigger_key=f"case:{case.pk}:urge",
                                 response_due=response_due_from(today, calendar=calendar))
            except IntegrityError:
                pass
            n += 1
    return n


def run(today: dt.date, calendar) -> dict[str, int]:
    """All checks for ``today``; returns the counts for the engine's run row."""
    return {
        "leader_tasks_overdue": urge_tasks(today, calendar),
        "leader_tasks_due_soon": warn_tasks(today, calendar),
        "leader_cases_overdue": urge_cases(today, calendar),
    }
