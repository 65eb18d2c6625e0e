"""One service per workflow action (domain §3), all run through ``perform_action``.

``perform_action`` locks the matter row, checks the workflow table (state, actor, guard),
validates ``occurred_at``, runs the action's handler, applies the table's clocks, writes the
event and the new status in the same transaction, then runs the hooks. ``_set_status`` is the
only place in the code base that assigns ``Matter.status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import (
    ClockViolation,
    InvalidInput,
    NotAllowed,
    NotVisible,
    StaleVersion,
    StateConflict,
)
from xinfang.org import lookups
from xinfang.org.models import Unit
from xinfang.workdays.clocks import excluded_interval_days
from xinfang.workdays.models import current_rules, load_calendar
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

from .. import hooks
from ..access import access_matter
from ..choices import (
    CloseReason,
    DecisionOutcome,
    DeclineReason,
    DeliveryMethod,
    EvaluationTarget,
    HandlingClass,
    NoticeType,
    Rating,
    ReplyOutcome,
    RouteProcedure,
    State,
)
from ..models import Deadline, Matter, MatterUnit
from ..workflow import GUARD_MESSAGES, WORKFLOW, Actor, actor_kinds, check
from .deadlines import (
    ClockContext,
    cancel_all_authority_clocks,
    cancel_clock,
    has_clock,
    lapse_clock,
    latest_clock,
    meet_clock,
    recompute,
    refresh_next_due,
    running,
    start_clock,
)
from .events import count_evaluations, record_event

STATE_LABELS = dict(State.choices)
ROUTABLE_KINDS = {"town", "department", "government", "legal_affairs", "discipline", "organization"}


@dataclass
class Ctx:
    actor: object
    matter: Matter
    action: str
    params: dict
    occurred_at: dt.datetime
    clocks: ClockContext
    kinds: set
    via: str
    # filled by handlers
    event_params: dict = field(default_factory=dict)
    target: State | None = None
    close_reason: str = ""
    starts: dict = field(default_factory=dict)  # kind -> kwargs for start_clock, or None to skip
    after_event: list[Callable] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.occurred_at).date()


def _set_status(matter: Matter, status: State, close_reason: str = "", at: dt.datetime | None = None) -> None:
    """The only assignment of ``Matter.status`` in the code base."""
    matter.status = status
    if status == State.CLOSED:
        matter.close_reason = close_reason
        matter.closed_at = at
    else:
        matter.close_reason = ""
        matter.closed_at = None


def _link(matter: Matter, unit: Unit, role: str, at: dt.datetime) -> None:
    link, created = MatterUnit.objects.get_or_create(matter=matter, unit=unit, role=role, defaults={"since": at})
    if not created and not link.active:
        link.active = True
        link.since = at
        link.save(update_fields=["active", "since"])


def _unlink_handlers(matter: Matter, lead: Unit) -> None:
    """The lead unit and the co-handlers give the matter back (an approved return)."""
    MatterUnit.objects.filter(matter=matter, unit=lead, role=MatterUnit.Role.LEAD).update(active=False)
    MatterUnit.objects.filter(matter=matter, role=MatterUnit.Role.CO).update(active=False)


def _require_running_window(ctx: Ctx, kind: ClockKind, message: str, target: str = "") -> Deadline:
    deadline = running(ctx.matter, kind, target)
    if deadline is None:
        raise ClockViolation(message)
    if ctx.day > deadline.due:
        raise ClockViolation(f"{CLOCK_RULES[kind].label}已于 {deadline.due.isoformat()} 届满，不能再办理此项。")
    return deadline


def _routing_units(ctx: Ctx, *, with_co: bool) -> tuple[Unit, list[Unit]]:
    unit = lookups.unit_by_code(ctx.params.get("unit"), field="unit", label="责任单位")
    co_units = lookups.units_by_codes(ctx.params.get("co_units") or [], "co_units", "协办单位") if with_co else []
    for field_name, u in [("unit", unit)] + [("co_units", c) for c in co_units]:
        if u.kind not in ROUTABLE_KINDS:
            v.fail(field_name, f"“{u.name}”不是县内有权处理的机关或单位，不能转送或交办。")
    if unit in co_units:
        v.fail("co_units", "主办单位不能同时是协办单位。")
    m = ctx.matter
    if m.handling_class == HandlingClass.ACCUSATION and m.accused_unit_id:
        if unit.pk == m.accused_unit_id or any(c.pk == m.accused_unit_id for c in co_units):
            field_name = "unit" if unit.pk == m.accused_unit_id else "co_units"
            v.fail(field_name, "检举控告事项不得转送、交办给被检举控告的单位（《信访工作条例》第三十条）。")
    return unit, co_units


def _hand_to_unit(ctx: Ctx, unit: Unit, co_units: list[Unit]) -> None:
    m = ctx.matter
    m.handling_unit = unit
    _link(m, unit, MatterUnit.Role.LEAD, ctx.occurred_at)
    for c in co_units:
        _link(m, c, MatterUnit.Role.CO, ctx.occurred_at)
    m.return_locked = False
    ctx.event_params.update({"unit": unit.code, "unit_name": unit.name, "co_units": [c.code for c in co_units]})
    ctx.starts[ClockKind.ACCEPT] = {"unit": unit}
    ctx.starts[ClockKind.OBJECT] = {"unit": unit}


# ---- handlers: one per action ---------------------------------------------------------------


def matter_forward(ctx: Ctx) -> None:
    unit, co_units = _routing_units(ctx, with_co=True)
    _hand_to_unit(ctx, unit, co_units)
    ctx.event_params["notice_type"] = NoticeType.FORWARDING_LETTER.value


def matter_assign(ctx: Ctx) -> None:
    unit, co_units = _routing_units(ctx, with_co=True)
    report_due = v.date_value(ctx.params, "report_due", "办结报告期限")
    if report_due <= ctx.day:
        v.fail("report_due", "办结报告期限应晚于交办日期。")
    if report_due > ctx.day + dt.timedelta(days=90 + 30):
        v.fail("report_due", "办结报告期限不应超过法定办理期限（60日，延期不超过30日）加受理期限。")
    _hand_to_unit(ctx, unit, co_units)
    ctx.starts[ClockKind.REPORT] = {"unit": unit, "due": report_due}
    ctx.event_params.update({"report_due": report_due.isoformat(), "notice_type": NoticeType.ASSIGNMENT_SHEET.value})


def matter_answer(ctx: Ctx) -> None:
    ctx.event_params["reply"] = v.text(ctx.params, "reply", "答复内容", max_length=10000)


def matter_decline(ctx: Ctx) -> None:
    reason = v.choice(ctx.params, "reason", "不予受理理由", DeclineReason)
    note = v.text(ctx.params, "note", "说明", required=reason == DeclineReason.OTHER, max_length=5000)
    notice = (
        NoticeType.NO_FURTHER_ACCEPTANCE_NOTICE
        if reason == DeclineReason.SAME_FACTS_AFTER_RECHECK
        else NoticeType.NON_ACCEPTANCE_NOTICE
    )
    ctx.event_params.update({"reason": reason, "note": note, "notice_type": notice.value})


def matter_object(ctx: Ctx) -> None:
    reason = v.text(ctx.params, "reason", "退回理由", max_length=5000)
    _require_running_window(ctx, ClockKind.OBJECT, "异议退回期限未起算或已使用，不能退回。")
    ctx.matter.previous_status = ctx.matter.status
    ctx.matter.return_count += 1
    ctx.event_params["reason"] = reason


def matter_approve_return(ctx: Ctx) -> None:
    m = ctx.matter
    previous = m.handling_unit
    if previous is not None:
        _unlink_handlers(m, previous)
    m.handling_unit = None
    m.previous_status = ""
    m.return_locked = False
    ctx.starts[ClockKind.DISPOSE] = {"unit": m.registering_unit}
    ctx.event_params["returned_by"] = previous.code if previous else ""


def matter_refuse_return(ctx: Ctx) -> None:
    m = ctx.matter
    ctx.target = State(m.previous_status or State.FORWARDED)
    m.previous_status = ""
    m.return_locked = True
    ctx.event_params["reason"] = v.text(ctx.params, "reason", "不同意退回的理由", required=False, max_length=5000)


def matter_accept(ctx: Ctx) -> None:
    m = ctx.matter
    ctx.starts[ClockKind.HANDLE] = {"unit": m.handling_unit}
    if m.is_evaluable:
        ctx.starts[ClockKind.EVALUATE] = {"target": EvaluationTarget.BUREAU.value}
    ctx.event_params["notice_type"] = NoticeType.ACCEPTANCE_NOTICE.value


def matter_route(ctx: Ctx) -> None:
    procedure = v.choice(ctx.params, "procedure", "法定途径", RouteProcedure)
    note = v.text(ctx.params, "note", "告知内容", required=False, max_length=5000)
    ctx.event_params.update({"procedure": procedure, "note": note})


def matter_request_extension(ctx: Ctx) -> None:
    limit = ctx.clocks.params.max_extension_days
    days = v.integer(ctx.params, "days", "延期天数", minimum=1, maximum=limit)
    reason = v.text(ctx.params, "reason", "延期理由", max_length=500)
    _require_running_window(ctx, ClockKind.HANDLE, "办理期限未在运行，不能申请延期。")
    ctx.matter.extension_days = days
    ctx.matter.extension_reason = reason
    ctx.event_params.update({"days": days, "reason": reason})


def matter_approve_extension(ctx: Ctx) -> None:
    m = ctx.matter
    deadline = running(m, ClockKind.HANDLE)
    if deadline is None:
        raise StateConflict("办理期限未在运行，不能批准延期。")
    old_due = deadline.due
    recompute(ctx.clocks, deadline, extension_days=m.extension_days)
    m.extension_approved = True
    ctx.event_params.update({
        "days": m.extension_days, "old_due": old_due.isoformat(), "new_due": deadline.due.isoformat(),
        "reason": m.extension_reason, "notice_type": NoticeType.EXTENSION_NOTICE.value,
    })


def matter_start_hearing(ctx: Ctx) -> None:
    ctx.matter.hearing_started_on = ctx.day
    ctx.event_params["note"] = v.text(ctx.params, "note", "听证说明", required=False, max_length=2000)


def matter_end_hearing(ctx: Ctx) -> None:
    m = ctx.matter
    first = m.hearing_started_on
    m.hearing_started_on = None
    deadline = running(m, ClockKind.RECHECK)
    excluded = 0
    if deadline is not None and first is not None:
        counted_from = max(first, deadline.start + dt.timedelta(days=1))
        if ctx.day >= counted_from:
            excluded = excluded_interval_days(counted_from, ctx.day)
            recompute(ctx.clocks, deadline, excluded_days=deadline.excluded_days + excluded)
    ctx.event_params.update({"started_on": first.isoformat() if first else None, "excluded_days": excluded})


def matter_mediate(ctx: Ctx) -> None:
    ctx.event_params["agreement"] = v.text(ctx.params, "agreement", "调解/和解协议内容", max_length=10000)


def matter_reply(ctx: Ctx) -> None:
    m = ctx.matter
    outcome = v.choice(ctx.params, "outcome", "处理结果", ReplyOutcome)
    opinion = v.text(ctx.params, "opinion", "处理意见", max_length=20000)
    legal_basis = v.text(ctx.params, "legal_basis", "法律政策依据", max_length=5000)
    report = v.text(ctx.params, "report", "办结报告", required=False, max_length=20000)
    review_body = m.handling_unit.superior if m.handling_unit else None
    m.reply_outcome = outcome
    m.delivered = False
    m.review_body = review_body
    if m.is_evaluable:
        ctx.starts[ClockKind.EVALUATE] = {"target": EvaluationTarget.UNIT.value}
    notices = [NoticeType.HANDLING_OPINION.value]
    if has_clock(m, ClockKind.REPORT):
        notices.append(NoticeType.COMPLETION_REPORT.value)
    ctx.event_params.update({
        "outcome": outcome, "opinion": opinion, "legal_basis": legal_basis, "report": report,
        "review_body": review_body.code if review_body else "", "review_body_name": review_body.name if review_body else "",
        "notice_type": notices[0], "notice_types": notices,
    })


def matter_deliver(ctx: Ctx) -> None:
    m = ctx.matter
    method = v.choice(ctx.params, "method", "送达方式", DeliveryMethod)
    signed = v.boolean(ctx.params, "signed", default=True)
    m.delivered = True
    kind = ClockKind.REVIEW_REQUEST if m.status == State.REPLIED else ClockKind.RECHECK_REQUEST
    ctx.starts[kind] = {}
    ctx.event_params.update({"method": method, "signed": signed, "opens": kind.value})


def matter_evaluate(ctx: Ctx) -> None:
    m = ctx.matter
    target = v.choice(ctx.params, "target", "评价对象", EvaluationTarget)
    rating = v.choice(ctx.params, "rating", "评价结果", Rating)
    comment = v.text(ctx.params, "comment", "评价意见", required=False, max_length=2000)
    window = running(m, ClockKind.EVALUATE, target)
    if window is None:
        earlier = latest_clock(m, ClockKind.EVALUATE, target)
        if earlier is None:
            raise ClockViolation("评价期限尚未开始：受理后可评价信访部门，出具处理意见后可评价责任单位。")
        if earlier.met_at is None:
            raise ClockViolation("评价期限已经结束。")
        evaluations = count_evaluations(m, target)
        if not ctx.clocks.params.allow_reevaluation or evaluations >= 2:
            raise StateConflict("已对该对象作出评价，不能重复评价。")
        if ctx.day > earlier.due:
            raise ClockViolation(f"评价期限已于 {earlier.due.isoformat()} 届满。")
    elif ctx.day > window.due:
        raise ClockViolation(f"评价期限已于 {window.due.isoformat()} 届满。")
    else:
        meet_clock(m, ClockKind.EVALUATE, ctx.occurred_at, target)
    unit = m.handling_unit if target == EvaluationTarget.UNIT else m.registering_unit
    ctx.event_params.update({"target": target, "rating": rating, "comment": comment,
                             "evaluated_unit": unit.code if unit else ""})


def _superior_or_government(unit: Unit | None) -> Unit | None:
    if unit is not None and unit.superior_id:
        return unit.superior
    return Unit.objects.filter(kind="government").order_by("id").first()


def matter_request_review(ctx: Ctx) -> None:
    m = ctx.matter
    reason = v.text(ctx.params, "reason", "申请复查理由", max_length=10000)
    _require_running_window(ctx, ClockKind.REVIEW_REQUEST, "处理意见尚未送达，复查申请期限未起算。")
    body = m.review_body or _superior_or_government(m.handling_unit)
    if body is None:
        raise InvalidInput("未找到复查机关，请先在单位设置中设置责任单位的上级机关。")
    m.review_body = body
    m.delivered = False
    _link(m, body, MatterUnit.Role.REVIEW, ctx.occurred_at)
    ctx.starts[ClockKind.REVIEW] = {"unit": body}
    ctx.event_params.update({"reason": reason, "review_body": body.code, "review_body_name": body.name})


def matter_review_decide(ctx: Ctx) -> None:
    m = ctx.matter
    outcome = v.choice(ctx.params, "outcome", "复查结果", DecisionOutcome)
    opinion = v.text(ctx.params, "opinion", "复查意见", max_length=20000)
    m.delivered = False
    if outcome == DecisionOutcome.REDO:
        days = v.integer(ctx.params, "redo_days", "重新办理期限（日）", required=False, minimum=1, maximum=90, default=60)
        ctx.target = State.ACCEPTED
        m.reply_outcome = ""
        m.extension_days = 0
        m.extension_approved = False
        m.extension_reason = ""
        ctx.starts[ClockKind.HANDLE] = {"unit": m.handling_unit, "period": days}
        ctx.event_params["redo_days"] = days
    else:
        ctx.target = State.REVIEWED
        body = _superior_or_government(m.review_body)
        m.recheck_body = body
    ctx.event_params.update({"outcome": outcome, "opinion": opinion, "notice_type": NoticeType.REVIEW_OPINION.value})


def matter_request_recheck(ctx: Ctx) -> None:
    m = ctx.matter
    reason = v.text(ctx.params, "reason", "申请复核理由", max_length=10000)
    _require_running_window(ctx, ClockKind.RECHECK_REQUEST, "复查意见尚未送达，复核申请期限未起算。")
    body = m.recheck_body or _superior_or_government(m.review_body)
    if body is None:
        raise InvalidInput("未找到复核机关，请先设置复查机关的上级机关。")
    m.recheck_body = body
    m.delivered = False
    _link(m, body, MatterUnit.Role.RECHECK, ctx.occurred_at)
    ctx.starts[ClockKind.RECHECK] = {"unit": body}
    ctx.event_params.update({"reason": reason, "recheck_body": body.code, "recheck_body_name": body.name})


def matter_recheck_decide(ctx: Ctx) -> None:
    outcome = v.choice(ctx.params, "outcome", "复核结果", DecisionOutcome,
                       allowed={DecisionOutcome.UPHOLD, DecisionOutcome.REVISE})
    opinion = v.text(ctx.params, "opinion", "复核意见", max_length=20000)
    ctx.event_params.update({"outcome": outcome, "opinion": opinion, "notice_type": NoticeType.RECHECK_OPINION.value})


def matter_close(ctx: Ctx) -> None:
    m = ctx.matter
    allowed = {CloseReason.NO_REVIEW, CloseReason.NO_RECHECK, CloseReason.CONFIRMED}
    reason = v.choice(ctx.params, "reason", "办结方式", CloseReason, allowed=allowed)
    if reason == CloseReason.CONFIRMED and Actor.BUREAU not in ctx.kinds:
        raise NotAllowed("只有信访部门可以审核认定办结。")
    if reason in (CloseReason.NO_REVIEW, CloseReason.NO_RECHECK):
        expected = State.REPLIED if reason == CloseReason.NO_REVIEW else State.REVIEWED
        if m.status != expected:
            v.fail("reason", f"当前状态（{STATE_LABELS[m.status]}）不能以“{CloseReason(reason).label}”办结。")
        kind = ClockKind.REVIEW_REQUEST if reason == CloseReason.NO_REVIEW else ClockKind.RECHECK_REQUEST
        window = running(m, kind)
        if window is None:
            raise ClockViolation("意见尚未送达，申请期限未起算，不能以期满未申请办结。")
        if ctx.day <= window.due:
            raise ClockViolation(f"{CLOCK_RULES[kind].label}至 {window.due.isoformat()} 届满，期限未过不能办结。")
        lapse_clock(window, ctx.day, ctx.occurred_at)
    ctx.close_reason = reason
    ctx.event_params["reason"] = reason


HANDLERS: dict[str, Callable[[Ctx], None]] = {
    "forward": matter_forward,
    "assign": matter_assign,
    "answer": matter_answer,
    "decline": matter_decline,
    "object": matter_object,
    "approve_return": matter_approve_return,
    "refuse_return": matter_refuse_return,
    "accept": matter_accept,
    "route": matter_route,
    "request_extension": matter_request_extension,
    "approve_extension": matter_approve_extension,
    "start_hearing": matter_start_hearing,
    "end_hearing": matter_end_hearing,
    "mediate": matter_mediate,
    "reply": matter_reply,
    "deliver": matter_deliver,
    "evaluate": matter_evaluate,
    "request_review": matter_request_review,
    "review_decide": matter_review_decide,
    "request_recheck": matter_request_recheck,
    "recheck_decide": matter_recheck_decide,
    "close": matter_close,
}
assert set(HANDLERS) == set(WORKFLOW), "every workflow action needs exactly one service"


def _refusal(reason: str, action_label: str, matter: Matter):
    if reason == "state":
        return StateConflict(f"该事项当前状态为“{STATE_LABELS[matter.status]}”，不能执行“{action_label}”。")
    if reason == "actor":
        return NotAllowed(f"您无权对该事项执行“{action_label}”。")
    if reason == "evaluable":
        return InvalidInput(GUARD_MESSAGES[reason], fields={"target": GUARD_MESSAGES[reason]})
    return StateConflict(GUARD_MESSAGES.get(reason, "当前不能执行此操作。"))


def perform_action(
    *,
    actor,
    number: str,
    action: str,
    params: dict | None = None,
    expected_version: int | None = None,
    via: str = "staff",
) -> Matter:
    """Perform one workflow action on the matter ``number`` as ``actor``.

    ``actor`` is a staff user; ``None`` with ``via="system"`` is the deadline engine and with
    ``via="portal"`` the petitioner (the caller has checked the query code).
    """
    transition = WORKFLOW.get(action)
    if transition is None:
        raise InvalidInput(f"未知的操作“{action}”。", fields={"action": "未知的操作"})
    with transaction.atomic():
        matter, kinds = lock_matter(actor, number, via)
        if expected_version is not None and int(expected_version) != matter.version:
            raise StaleVersion()
        event = apply_action(actor=actor, matter=matter, kinds=kinds, action=action, params=params, via=via)
        matter.save()
        hooks.run(event, matter)
    return matter


def lock_matter(actor, number: str, via: str) -> tuple[Matter, set]:
    """The matter, row-locked for this transaction, and the actor kinds the caller is for it."""
    if actor is None:
        matter = Matter.objects.select_for_update().filter(number=number).first()
        if matter is None:
            raise NotVisible()
        return matter, {Actor.PETITIONER} if via == "portal" else {Actor.SYSTEM}
    matter = access_matter(actor, number, for_update=True)
    return matter, actor_kinds(actor, matter)


def apply_action(*, actor, matter: Matter, kinds: set, action: str, params: dict | None, via: str):
    """The act itself on a locked matter: check the table, run the handler, move the clocks, set
    the status and append the event (returned). The caller saves the matter and runs the hooks."""
    transition = WORKFLOW[action]
    params = dict(params or {})
    note = v.text(params, "note", "备注", required=False, max_length=5000)
    reason = check(transition, matter, kinds)
    if reason is not None:
        raise _refusal(reason, transition.label, matter)
    occurred = v.occurred_at(params.get("occurred_at"), last_event_at=matter.last_event_at)
    ctx = Ctx(actor=actor, matter=matter, action=action, params=params, occurred_at=occurred,
              clocks=ClockContext(current_rules(), load_calendar()), kinds=kinds, via=via)
    from_status = matter.status
    HANDLERS[action](ctx)

    target = ctx.target or transition.target or State(from_status)
    close_reason = ctx.close_reason or transition.close_reason
    for kind in transition.meets:
        meet_clock(matter, kind, occurred)
    for kind in transition.cancels:
        cancel_clock(matter, kind, occurred)
    if target == State.CLOSED and from_status != State.CLOSED:
        cancel_all_authority_clocks(matter, occurred)
        _set_status(matter, target, close_reason, occurred)
    elif target != from_status:
        _set_status(matter, target)
    event = record_event(
        matter, action, actor=actor, occurred_at=occurred, params=ctx.event_params, note=note, via=via,
        from_status=from_status, to_status=target,
    )
    undeclared = set(ctx.starts) - set(transition.starts)
    assert not undeclared, f"{action} started clocks the workflow table does not declare: {undeclared}"
    for kind, kwargs in ctx.starts.items():
        start_clock(ctx.clocks, matter, kind, ctx.day, event=event, **kwargs)
    refresh_next_due(matter)
    return event
