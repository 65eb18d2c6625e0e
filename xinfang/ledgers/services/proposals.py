"""人大代表建议 / 政协委员提案: registration, reply by the handling unit, the proposer's feedback.

The deadline comes from the ledger settings (``LedgerPolicy``): ``proposal_months`` after the
day it was handed over (3 by default), ``proposal_urgent_days`` for urgent ones (30). An
unanswered proposal past its due day is supervised by the daily engine (``ledgers.engine``).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core.errors import NotAllowed, NotVisible, StateConflict
from xinfang.core.uploads import check_uploads
from xinfang.core.validation import occurred_at
from xinfang.documents.choices import DocType
from xinfang.documents.context import day_text
from xinfang.documents.services import issue_document
from xinfang.org.lookups import units_by_codes
from xinfang.supervision.choices import RecordState
from xinfang.supervision.models import SupervisionRecord

from .. import validation as v
from ..access import is_bureau_writer, require_bureau_writer, unit_staff, visible_proposals
from ..choices import ProposalKind, ProposalState, Rating
from ..models import Proposal, current_policy
from ..selectors.ledgers import REPLY_HEAVY


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_due(received_on: dt.date, urgent: bool) -> dt.date:
    policy = current_policy()
    if urgent:
        return received_on + dt.timedelta(days=policy.proposal_urgent_days)
    return add_months(received_on, policy.proposal_months)


def proposal_create(*, actor, data: dict) -> Proposal:
    v.no_nul(data)
    require_bureau_writer(actor, "只有信访局案件办理人员或局领导可以登记建议提案。")
    kind = v.choice(data, "kind", "类别", ProposalKind)
    number = v.text(data, "number", "建议/提案号", max_length=40)
    session = v.text(data, "session", "届次", required=False, max_length=60)
    title = v.text(data, "title", "标题", max_length=200)
    proposer = v.text(data, "proposer", "代表/委员", max_length=120)
    content = v.text(data, "content", "内容", max_length=20000)
    received_on = v.past_date(data, "received_on", "交办日期")
    urgent = v.boolean(data, "urgent")
    due = v.date_value(data, "due", "办理期限", required=False) or default_due(received_on, urgent)
    if due < received_on:
        v.fail("due", "办理期限不能早于交办日期。")
    unit = v.unit_by_code(data.get("unit"), field="unit", label="主办单位")
    co_codes = data.get("co_units") or []
    if isinstance(co_codes, str):
        co_codes = [c.strip() for c in co_codes.replace("，", ",").split(",") if c.strip()]
    if not isinstance(co_codes, list):
        v.fail("co_units", "协办单位应为单位代码列表。")
    co_units = [u for u in units_by_codes(co_codes, "co_units", "协办单位") if u.pk != unit.pk]
    try:
        with transaction.atomic():
            row = Proposal.objects.create(kind=kind, number=number, session=session, title=title, proposer=proposer,
                                          content=content, received_on=received_on, urgent=urgent, due=due, unit=unit,
                                          created_by=actor)
            row.co_units.set(co_units)
    except IntegrityError:
        raise StateConflict(f"{dict(ProposalKind.choices)[kind]}“{number}”（{session or '未填届次'}）已登记。",
                            fields={"number": "编号重复"}) from None
    return row


def access_proposal(actor, pk, *, for_update: bool = False) -> Proposal:
    qs = visible_proposals(actor).select_related("unit", "reply_document").defer(*REPLY_HEAVY)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotVisible("未找到该建议提案，或您无权查看。") from None
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotVisible("未找到该建议提案，或您无权查看。")
    if for_update:
        row = Proposal.objects.select_for_update().get(pk=row.pk)
    return row


def _close_supervision(row: Proposal, note: str) -> None:
    SupervisionRecord.objects.filter(trigger_key=f"proposal:{row.pk}:overdue",
                                     state__in=[RecordState.OPEN, RecordState.RESPONDED]).update(
        state=RecordState.CLOSED, closed_at=timezone.now(), close_note=note)


def reply_values(row: Proposal, text: str) -> dict:
    """The 答复函's placeholders (the builder of ``proposal_reply``; documents.placeholders lists them)."""
    return {
        "建议提案类别": row.get_kind_display(), "建议提案号": row.number, "届次": row.session,
        "代表委员": row.proposer, "建议提案标题": row.title, "交办日期": day_text(row.received_on),
        "承办单位": row.unit.name, "协办单位": "、".join(u.name for u in row.co_units.all()), "答复内容": text,
    }


def proposal_reply(*, actor, pk, data: dict, files=()) -> Proposal:
    """The handling unit (or the bureau) replies; a unit that only sees it as co-handler may not. The reply
    issues a numbered 答复函 (documents app, issued by the handling unit, addressed to the deputy or member,
    copied to the co-handlers) in the same transaction; the signed scan may be attached (checked upload)."""
    v.no_nul(data)
    text = v.text(data, "text", "答复内容", max_length=20000)
    doc_number = v.text(data, "doc_number", "答复文号", required=False, max_length=60)
    files = [f for f in files if f]
    if len(files) > 1:
        v.fail("file", "只能附一份答复函扫描件。")
    mimes = check_uploads(files, field="file") if files else []
    with transaction.atomic():
        row = access_proposal(actor, pk, for_update=True)
        if not (is_bureau_writer(actor) or (actor.unit_id == row.unit_id and unit_staff(actor))):
            raise NotAllowed("只有主办单位或信访局可以答复该建议提案。")
        if row.state != ProposalState.OPEN:
            raise StateConflict("该建议提案已答复。")
        when = occurred_at(data.get("occurred_at"), last_event_at=None)
        if timezone.localtime(when).date() < row.received_on:
            v.fail("occurred_at", "答复时间不能早于交办日期。")
        row.reply_text, row.reply_doc_number = text, doc_number
        row.replied_at, row.replied_by, row.state = when, actor, ProposalState.REPLIED
        row.reply_document = issue_document(DocType.PROPOSAL_REPLY, context=reply_values(row, text), issuing_unit=row.unit,
                                            recipient=row.proposer, copy_units=list(row.co_units.all()), source=row,
                                            actor=actor, issued_at=when)
        if files:
            row.reply_file, row.reply_file_name, row.reply_file_mime = files[0], files[0].name[:200], mimes[0]
        row.save()
        _close_supervision(row, "建议提案已答复，自动销号")
        return row


def proposal_feedback(*, actor, pk, data: dict) -> Proposal:
    """The deputy's or member's feedback on the reply, recorded by the bureau; closes the item."""
    v.no_nul(data)
    rating = v.choice(data, "rating", "反馈意见", Rating)
    with transaction.atomic():
        row = access_proposal(actor, pk, for_update=True)
        require_bureau_writer(actor, "代表/委员的反馈由信访局记录。")
        if row.state == ProposalState.OPEN:
            raise StateConflict("该建议提案尚未答复，不能记录反馈。")
        if row.state == ProposalState.CLOSED:
            raise StateConflict("反馈已记录。")
        row.rating, row.feedback_at, row.state = rating, timezone.now(), ProposalState.CLOSED
        row.save()
        return row
