"""Supervision records: issue, answer, escalate, close (domain §7).

Every function is atomic and raises ``xinfang.core.errors``; the engine calls the same
``issue_record`` and ``escalate_record`` with ``actor=None``. Records of the written kinds
(督办单, 挂牌督办, 通报) are issued with their numbered paper (``papers.py``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import NotAllowed, StateConflict
from xinfang.matters.access import visible_matters
from xinfang.matters.choices import HandlingClass, State
from xinfang.matters.models import Deadline, Matter
from xinfang.matters.services.numbering import next_value
from xinfang.notices.services import notify_record
from xinfang.org import lookups
from xinfang.org.models import Unit

from ..access import access_record, may_issue, require_bureau, speaks_for
from ..choices import NEXT_STEP, Method, RecordKind, RecordState, Trigger
from ..dues import response_due_from
from ..models import SupervisionRecord
from .papers import issue_record_paper

KIND_LABELS = dict(RecordKind.choices)
MAX_MATTERS = 500


def _next_number(year: int) -> str:
    return f"DB{year}-{next_value('supervision', year):05d}"


def issue_record(
    *,
    kind: str,
    target_unit: Unit,
    title: str,
    content: str = "",
    matters: list[Matter] | tuple = (),
    method: str = Method.ONLINE,
    trigger: str = Trigger.MANUAL,
    trigger_key: str | None = None,
    deadline: Deadline | None = None,
    recommendation=None,
    escalated_from: SupervisionRecord | None = None,
    response_due: dt.date | None = None,
    issued_by=None,
    issued_at: dt.datetime | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> SupervisionRecord:
    """Write one record (no permission check: callers check). Runs inside the caller's transaction.

    A record of a written kind (督办单, 挂牌督办, 通报) gets its paper in the same transaction
    (``papers.issue_record_paper``); when the paper cannot be generated, ``DocumentGenerationFailed``
    propagates and the caller's transaction keeps nothing."""
    assert transaction.get_connection().in_atomic_block, "issue_record must run inside a transaction"
    issued_at = issued_at or timezone.now()
    record = SupervisionRecord.objects.create(
        number=_next_number(timezone.localtime(issued_at).year),
        kind=kind,
        method=method,
        trigger=trigger,
        trigger_key=trigger_key,
        target_unit=target_unit,
        deadline=deadline,
        recommendation=recommendation,
        escalated_from=escalated_from,
        title=title[:200],
        content=content,
        issued_at=issued_at,
        issued_by=issued_by,
        response_due=response_due,
        period_from=period_from,
        period_to=period_to,
    )
    if matters:
        record.matters.add(*matters)
    issue_record_paper(record, actor=issued_by)
    notify_record(record)
    return record


def record_create(*, actor, data: dict) -> SupervisionRecord:
    """The bureau issues a record by hand (提醒/催办/督办单 by case officers; 挂牌督办/约谈/通报 by leaders)."""
    require_bureau(actor, "只有信访局案件办理人员或局领导可以发出督办。")
    kind = v.choice(data, "kind", "督办类型", RecordKind)
    if not may_issue(actor, kind):
        raise NotAllowed(f"“{KIND_LABELS[kind]}”须由信访局领导签发。")
    method = v.choice(data, "method", "督办方式", Method)
    target = lookups.unit_by_code(data.get("target_unit"), field="target_unit", label="督办对象")
    title = v.text(data, "title", "标题", max_length=200)
    content = v.text(data, "content", "督办要求", required=kind != RecordKind.BULLETIN, max_length=20000)
    numbers = data.get("matters") or []
    if isinstance(numbers, str):
        numbers = [n for n in numbers.replace("，", ",").replace("\n", ",").split(",")]
    numbers = list(dict.fromkeys(str(n).strip() for n in numbers if str(n).strip()))
    if len(numbers) > MAX_MATTERS:
        v.fail("matters", f"一次最多督办 {MAX_MATTERS} 件事项。")
    matters = list(visible_matters(actor).filter(number__in=numbers))
    missing = sorted(set(numbers) - {m.number for m in matters})
    if missing:
        v.fail("matters", f"事项编号“{'、'.join(missing)}”不存在或您无权查看。")
    accused = sorted(m.number for m in matters if m.handling_class == HandlingClass.ACCUSATION
                     and m.accused_unit_id == target.pk)
    if accused:  # §30: the accused unit never receives the accusation, not even by its number
        v.fail("matters", f"事项“{'、'.join(accused)}”是反映“{target.name}”的检举控告，不能列入发给该单位的督办。")
    if kind != RecordKind.BULLETIN and not matters:
        v.fail("matters", "请填写被督办的信访事项编号。")
    today = timezone.localdate()
    response_due = v.date_value(data, "response_due", "答复期限", required=False)
    period_from = period_to = None
    if kind == RecordKind.BULLETIN:
        period_from = v.date_value(data, "period_from", "通报期间起")
        period_to = v.date_value(data, "period_to", "通报期间止")
        if period_to < period_from:
            v.fail("period_to", "通报期间止不能早于起始日期。")
    elif response_due is None:
        response_due = response_due_from(today)
    if response_due is not None and response_due <= today:
        v.fail("response_due", "答复期限应晚于今天。")
    with transaction.atomic():
        return issue_record(
            kind=kind, target_unit=target, title=title, content=content, matters=matters, method=method,
            trigger=Trigger.MANUAL, response_due=response_due, issued_by=actor,
            period_from=period_from, period_to=period_to,
        )


def record_respond(*, actor, record_id, response: str) -> SupervisionRecord:
    """The target unit answers in writing. Refused for other units, closed records, closed matters."""
    text = v.text({"response": response}, "response", "书面答复", max_length=20000)
    with transaction.atomic():
        record = access_record(actor, record_id, for_update=True)
        if not speaks_for(actor, record.target_unit_id):
            raise NotAllowed("该督办不是发给本单位的，只有督办对象单位的工作人员可以答复。")
        if record.kind == RecordKind.BULLETIN:
            raise StateConflict("通报无需答复。")
        if record.state != RecordState.OPEN:
            raise StateConflict(f"该督办当前状态为“{record.get_state_display()}”，不能再答复。")
        if closed_since_issued(record):
            raise StateConflict("所督办的信访事项已办结，不能再答复该督办。")
        record.response = text
        record.responded_at = timezone.now()
        record.responded_by = actor
        record.state = RecordState.RESPONDED
        record.save(update_fields=["response", "responded_at", "responded_by", "state"])
        return record


def escalate_record(record: SupervisionRecord, *, actor=None, today: dt.date, reason: str, trigger_key: str | None = None,
                    calendar=None, trigger: str = Trigger.ESCALATION) -> SupervisionRecord:
    """Move a record one step up the ladder (提醒→催办→督办单→挂牌督办→约谈). Caller holds the transaction."""
    nxt = NEXT_STEP.get(RecordKind(record.kind))
    if nxt is None:
        raise StateConflict("约谈是最高督办层级，不能再升级；请考虑通报或提出追究责任建议。")
    if record.state not in (RecordState.OPEN, RecordState.RESPONDED):
        raise StateConflict(f"该督办当前状态为“{record.get_state_display()}”，不能升级。")
    matters = list(record.matters.all())
    new = issue_record(
        kind=nxt,
        target_unit=record.target_unit,
        title=f"{KIND_LABELS[nxt]}：{record.title.split('：', 1)[-1]}",
        content=f"{reason}\n\n原{record.get_kind_display()}（{record.number}）要求：{record.content}".strip(),
        matters=matters,
        method=record.method,
        trigger=trigger,
        trigger_key=trigger_key or f"escalate:{record.pk}",
        deadline=record.deadline,
        recommendation=record.recommendation,
        escalated_from=record,
        response_due=response_due_from(today, calendar=calendar),
        issued_by=actor,
    )
    record.state = RecordState.ESCALATED
    record.closed_at = timezone.now()
    record.close_note = f"升级为{KIND_LABELS[nxt]}（{new.number}）"
    record.save(update_fields=["state", "closed_at", "close_note"])
    return new


def record_escalate(*, actor, record_id, reason: str) -> SupervisionRecord:
    """The bureau escalates by hand (e.g. the unit's answer is not acceptable)."""
    require_bureau(actor)
    reason = v.text({"reason": reason}, "reason", "升级理由", max_length=5000)
    with transaction.atomic():
        record = access_record(actor, record_id, for_update=True)
        nxt = NEXT_STEP.get(RecordKind(record.kind))
        if nxt is not None and not may_issue(actor, nxt):
            raise NotAllowed(f"升级为“{KIND_LABELS[nxt]}”须由信访局领导签发。")
        return escalate_record(record, actor=actor, today=timezone.localdate(), reason=reason)


def record_close(*, actor, record_id, note: str = "") -> SupervisionRecord:
    """The bureau accepts the answer (销号)."""
    require_bureau(actor)
    note = v.text({"note": note}, "note", "销号说明", required=False, max_length=200)
    with transaction.atomic():
        record = access_record(actor, record_id, for_update=True)
        if record.state in (RecordState.ESCALATED, RecordState.CLOSED):
            raise StateConflict(f"该督办当前状态为“{record.get_state_display()}”，不能销号。")
        close_quietly(record, note or "信访局审核销号")
        return record


def closed_since_issued(record: SupervisionRecord) -> bool:
    """All the record's matters closed after it was issued: its reason is gone (follow-ups on matters
    that were already closed when the record was issued stay answerable)."""
    rows = list(record.matters.values_list("status", "closed_at"))
    return bool(rows) and all(s == State.CLOSED and c is not None and c >= record.issued_at for s, c in rows)


def close_quietly(record: SupervisionRecord, note: str) -> None:
    record.state = RecordState.CLOSED
    record.closed_at = timezone.now()
    record.close_note = note[:200]
    record.save(update_fields=["state", "closed_at", "close_note"])

