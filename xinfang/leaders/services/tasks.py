"""Tasks given to units (meeting decisions, receptions' 批示, 包案, 落实): create, report, complete.

The unit reports progress and asks for completion; the bureau completes. Two people completing
the same task at once: the row is locked, the second sees it done and gets 409.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import InvalidInput, NotAllowed, StateConflict
from xinfang.org.choices import COUNTY_KINDS
from xinfang.org.models import Unit
from xinfang.supervision.choices import RecordState
from xinfang.supervision.models import SupervisionRecord
from xinfang.supervision.services.records import close_quietly

from ..access import access_task, is_case_staff, is_unit_staff
from ..choices import TaskStatus
from ..models import Task, TaskReport

TASK_UNIT_KINDS = set(COUNTY_KINDS)  # the county's own bodies, the bureau included
MAX_TASKS = 50


def parse_tasks(raw, *, not_before: dt.date, field: str = "tasks", before_label: str = "会议日期") -> list[dict]:
    """``[{unit, due, text}]`` → validated dicts with the Unit; a due day before ``not_before`` is refused."""
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list):
        v.fail(field, "任务应为列表：[{unit, due, text}]。")
    if len(raw) > MAX_TASKS:
        v.fail(field, f"一次最多下达 {MAX_TASKS} 项任务。")
    codes = {str(t.get("unit") or "").strip() for t in raw if isinstance(t, dict)}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes, active=True)}
    out = []
    for i, item in enumerate(raw):
        name = f"{field}[{i}]"
        if not isinstance(item, dict):
            v.fail(name, "每项任务应包含 unit、due、text。")
        code = str(item.get("unit") or "").strip()
        if not code:
            v.fail(f"{name}.unit", "请选择任务的责任单位。")
        unit = units.get(code)
        if unit is None or unit.kind not in TASK_UNIT_KINDS:
            v.fail(f"{name}.unit", f"责任单位“{code}”不存在或不能承办任务。")
        due = v.date_value(item, "due", "完成期限")
        if due < not_before:
            v.fail(f"{name}.due", f"任务完成期限（{due.isoformat()}）不能早于{before_label}（{not_before.isoformat()}）。")
        text = v.text(item, "text", "任务内容", max_length=2000)
        out.append({"unit": unit, "due": due, "text": text})
    return out


def create_tasks(items: list[dict], *, source: str, actor, at: dt.datetime | None = None, **links) -> list[Task]:
    """Write parsed tasks (inside the caller's transaction)."""
    at = at or timezone.now()
    return [Task.objects.create(source=source, unit=t["unit"], due=t["due"], text=t["text"], created_by=actor,
                                created_at=at, **links) for t in items]


def task_report(*, actor, task_id, data: dict) -> TaskReport:
    """The task's unit reports what it did; ``done`` asks the bureau to close the task."""
    with transaction.atomic():
        task = access_task(actor, task_id, for_update=True)
        if not (is_unit_staff(actor) and actor.unit_id == task.unit_id):
            raise NotAllowed("只有承办单位的工作人员可以报告任务办理情况。")
        text = v.text(data, "text", "办理情况", max_length=5000)
        done = v.boolean(data, "done", default=True)
        if task.status == TaskStatus.DONE:
            raise StateConflict("该任务已办结，不能再报告。")
        report = TaskReport.objects.create(task=task, text=text, done=done, reported_by=actor, reported_at=timezone.now())
        if done and task.status != TaskStatus.REPORTED:
            task.status = TaskStatus.REPORTED
            task.save(update_fields=["status"])
        return report


def task_complete(*, actor, task_id, data: dict | None = None) -> Task:
    """The bureau closes a task (after the unit's report, or on its own knowledge with a note)."""
    data = data or {}
    note = v.text(data, "note", "办结说明", required=False, max_length=2000)
    if not is_case_staff(actor):
        raise NotAllowed("只有信访局案件办理人员或局领导可以办结任务。")
    with transaction.atomic():
        task = access_task(actor, task_id, for_update=True)
        if task.status == TaskStatus.DONE:
            raise StateConflict("该任务已办结。")
        if task.status != TaskStatus.REPORTED and not note:
            raise InvalidInput("承办单位尚未报告办理情况，直接办结须填写办结说明。", fields={"note": "请填写办结说明"})
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.completed_by = actor
        task.save(update_fields=["status", "completed_at", "completed_by"])
        if note:
            TaskReport.objects.create(task=task, text=f"信访局办结：{note}", done=True, reported_by=actor,
                                      reported_at=task.completed_at)
        for record in task_records(task):
            if record.state in (RecordState.OPEN, RecordState.RESPONDED):
                close_quietly(record, "任务已办结，自动销号")
        return task


def task_records(task: Task) -> list[SupervisionRecord]:
    """The supervision records raised on a task: the engine's (keys ``task:<id>:…``) and their escalations."""
    return records_for_key(f"task:{task.pk}:")


def records_for_key(prefix: str) -> list[SupervisionRecord]:
    found = list(SupervisionRecord.objects.filter(trigger_key__startswith=prefix).order_by("issued_at", "pk"))
    seen = {r.pk for r in found}
    frontier = list(seen)
    while frontier:  # the ladder has five rungs: at most five short queries
        nxt = [r for r in SupervisionRecord.objects.filter(escalated_from_id__in=frontier).order_by("issued_at", "pk")
               if r.pk not in seen]
        found += nxt
        seen |= {r.pk for r in nxt}
        frontier = [r.pk for r in nxt]
    return sorted(found, key=lambda r: (r.issued_at, r.pk))
