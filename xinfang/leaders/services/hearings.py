"""听证 as records (§31(6), §36): schedule with notice, open, close, conclude with report.

Opening and closing are the core's ``start_hearing`` / ``end_hearing`` acts, performed through
``perform_action`` in the same transaction as the hearing row: one path for the clock (the hearing
days are excluded from the 复核 clock there, nowhere else). A document that cannot be generated
refuses the whole act.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import NotAllowed, StateConflict
from xinfang.documents.choices import DocType
from xinfang.documents.context import day_text, matter_values, petitioner_names
from xinfang.documents.services import issue_document
from xinfang.matters.access import access_matter
from xinfang.matters.choices import State
from xinfang.matters.services.actions import perform_action
from xinfang.org.models import Unit

from ..access import access_hearing, is_case_staff, is_unit_staff, runs_hearing
from ..choices import ExecutionBasis, HearingStatus, TaskSource
from ..models import Hearing, Task, current_policy

REVIEW_STATES = {State.REVIEW_REQUESTED, State.RECHECK_REQUESTED}
MAX_PANEL = 15


def _organiser(actor, matter) -> Unit:
    """Who holds the hearing: the 复查/复核 body (worked by the bureau for the county government), or a
    handling unit hearing its own matter under §31(6)."""
    if matter.status in REVIEW_STATES:
        body = matter.recheck_body if matter.status == State.RECHECK_REQUESTED else matter.review_body
        if is_case_staff(actor):
            return body or actor.unit
        if is_unit_staff(actor) and body is not None and body.pk == actor.unit_id:
            return body
        raise NotAllowed("只有复查、复核机关（或代为办理的信访局）可以组织该事项的听证。")
    if matter.status == State.ACCEPTED and is_unit_staff(actor) and matter.handling_unit_id == actor.unit_id:
        return actor.unit
    raise StateConflict("只能对复查、复核中的信访事项举行听证（办理单位可对本单位办理中的事项依照第三十一条第六项举行听证）。")


def _panel(data: dict) -> list[str]:
    raw = data.get("panel")
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").replace("、", ",").split(",")]
    if not isinstance(raw, list):
        v.fail("panel", "听证员应为姓名列表。")
    names = [str(n).strip()[:40] for n in raw if str(n).strip()]
    if not names:
        v.fail("panel", "请填写听证员。")
    if len(names) > MAX_PANEL:
        v.fail("panel", f"听证员不超过 {MAX_PANEL} 人。")
    return names


def _values(hearing: Hearing) -> dict:
    matter = hearing.matter
    units = [u.name for u in {hearing.unit, matter.handling_unit} if u is not None]
    local = timezone.localtime(hearing.scheduled_at)
    return {
        **matter_values(matter),
        "听证机关": hearing.unit.name,
        "听证时间": f"{day_text(local)} {local.strftime('%H:%M')}",
        "听证地点": hearing.place,
        "主持人": hearing.host,
        "听证员": "、".join(hearing.panel),
        "参加单位": "、".join(sorted(set(units))) or None,
        "公开方式": "公开听证" if hearing.public else "不公开听证",
        "听证经过": hearing.minutes or None,
        "听证结论": hearing.conclusion or None,
    }


def hearing_create(*, actor, data: dict) -> Hearing:
    if not (is_case_staff(actor) or is_unit_staff(actor)):
        raise NotAllowed("只有复查、复核机关（或代为办理的信访局）和办理单位可以安排听证。")
    number = str(data.get("matter") or "").strip()
    if not number:
        v.fail("matter", "请填写信访事项编号。")
    scheduled = v.datetime_value(data.get("scheduled_at"), "scheduled_at", "听证时间") if data.get("scheduled_at") else None
    if scheduled is None:
        v.fail("scheduled_at", "请填写听证时间。")
    place = v.text(data, "place", "听证地点", max_length=120)
    host = v.text(data, "host", "主持人", max_length=60)
    panel = _panel(data)
    participants = v.text(data, "participants", "参加人", required=False, max_length=2000)
    public = v.boolean(data, "public", default=False)
    with transaction.atomic():
        matter = access_matter(actor, number, for_update=True)
        unit = _organiser(actor, matter)
        if Hearing.objects.filter(matter=matter).exclude(status=HearingStatus.CONCLUDED).exists():
            raise StateConflict("该事项已有未结束的听证。")
        hearing = Hearing.objects.create(matter=matter, unit=unit, scheduled_at=scheduled, place=place, host=host,
                                         panel=panel, participants=participants, public=public, created_by=actor)
        recipient = f"{petitioner_names(matter)}；{matter.handling_unit.name}" if matter.handling_unit else petitioner_names(matter)
        hearing.notice = issue_document(DocType.HEARING_NOTICE, context=_values(hearing), issuing_unit=unit,
                                        recipient=recipient, matter=matter, source=hearing, actor=actor)
        hearing.save(update_fields=["notice"])
        return hearing


def _occurred(data: dict, hearing: Hearing):
    occurred = v.occurred_at(data.get("occurred_at"), last_event_at=hearing.matter.last_event_at)
    return occurred


def hearing_open(*, actor, hearing_id, data: dict) -> Hearing:
    with transaction.atomic():
        hearing = access_hearing(actor, hearing_id, for_update=True)
        if not runs_hearing(actor, hearing):
            raise NotAllowed("只有组织听证的机关可以记录听证开始。")
        if hearing.status != HearingStatus.SCHEDULED:
            raise StateConflict(f"该听证当前为“{hearing.get_status_display()}”，不能再开始。")
        occurred = _occurred(data, hearing)
        perform_action(actor=actor, number=hearing.matter.number, action="start_hearing",
                       params={"occurred_at": occurred.isoformat(), "note": f"听证（{hearing.place}，主持人{hearing.host}）"})
        hearing.status = HearingStatus.OPEN
        hearing.opened_at = occurred
        hearing.save(update_fields=["status", "opened_at"])
        return hearing


def hearing_close(*, actor, hearing_id, data: dict) -> Hearing:
    with transaction.atomic():
        hearing = access_hearing(actor, hearing_id, for_update=True)
        if not runs_hearing(actor, hearing):
            raise NotAllowed("只有组织听证的机关可以记录听证结束。")
        if hearing.status == HearingStatus.SCHEDULED:
            raise StateConflict("该听证尚未开始，不能结束。")
        if hearing.status != HearingStatus.OPEN:
            raise StateConflict("该听证已经结束。")
        occurred = _occurred(data, hearing)
        perform_action(actor=actor, number=hearing.matter.number, action="end_hearing",
                       params={"occurred_at": occurred.isoformat()})
        hearing.status = HearingStatus.CLOSED
        hearing.closed_at = occurred
        hearing.save(update_fields=["status", "closed_at"])
        return hearing


def hearing_conclude(*, actor, hearing_id, data: dict) -> Hearing:
    """Minutes and the panel's conclusion → 听证报告; the conclusion is carried out by the handling
    unit (an execution task, 落实) unless ``execution`` is false."""
    with transaction.atomic():
        hearing = access_hearing(actor, hearing_id, for_update=True)
        if not runs_hearing(actor, hearing):
            raise NotAllowed("只有组织听证的机关可以出具听证报告。")
        minutes = v.text(data, "minutes", "听证笔录", max_length=50000)
        conclusion = v.text(data, "conclusion", "听证结论", max_length=10000)
        execute = v.boolean(data, "execution", default=True)
        if hearing.status != HearingStatus.CLOSED:
            raise StateConflict("听证结束后才能出具听证报告。" if hearing.status != HearingStatus.CONCLUDED
                                else "该听证已出具听证报告。")
        hearing.minutes, hearing.conclusion = minutes, conclusion
        hearing.status = HearingStatus.CONCLUDED
        hearing.concluded_at = timezone.now()
        matter = hearing.matter
        hearing.report = issue_document(DocType.HEARING_REPORT, context=_values(hearing), issuing_unit=hearing.unit,
                                        recipient=petitioner_names(matter), matter=matter, source=hearing, actor=actor)
        hearing.save(update_fields=["minutes", "conclusion", "status", "concluded_at", "report"])
        if execute and matter.handling_unit_id:
            due = timezone.localdate() + dt.timedelta(days=current_policy().execution_days)
            Task.objects.create(source=TaskSource.EXECUTION, basis=ExecutionBasis.HEARING, hearing=hearing, matter=matter,
                                unit=matter.handling_unit, due=due, text=f"落实听证结论：{conclusion[:300]}",
                                created_by=actor, created_at=hearing.concluded_at)
        return hearing
