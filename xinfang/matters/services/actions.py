"""One service per workflow action (domain §3), all run through ``perform_action``.

``perform_action`` locks the matter row, checks the workflow table (state, actor, guard),
validates ``occurred_at``, runs the action's handler, applies the table's clocks, writes the
event and the new status in the same transaction, then runs the hooks. ``_set_status`` is the
only place in the code base that assigns ``Matter.status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
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
from xinfang.core.inputs import jsonable
from xinfang.core.inputs import parse as parse_inputs
from xinfang.org import lookups
from xinfang.org.choices import ROUTABLE_KINDS, UnitKind
from xinfang.org.models import Unit, User
from xinfang.org.permissions import RECEPTION_LEADER_ROLES
from xinfang.workdays.clocks import excluded_interval_days
from xinfang.workdays.models import current_rules, load_calendar
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

from .. import hooks
from ..access import access_matter
from ..choices import (
    STATE_LABELS,
    CloseReason,
    DecisionOutcome,
    DeclineReason,
    EvaluationTarget,
    HandlingClass,
    State,
)
from ..models import Deadline, Matter, MatterUnit
from ..rows import rows
from ..workflow import (
    ATTACHMENT_INPUTS,
    COMMON_INPUTS,
    GUARD_MESSAGES,
    WORKFLOW,
    Actor,
    actor_kinds,
    check,
    with_notices,
)
from .attachments import save_act_attachments
from .deadlines import ClockContext, lapse_clock, meet_clock, recompute, start_clock
from .events import record_event
from .merge import matter_absorb, matter_merge


@dataclass
class Ctx:
    actor: object
    matter: Matter
    action: str
    params: dict  # the inputs, parsed by the action's declaration
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
    # a follow-on act on another matter in the same transaction (``merge`` records ``absorb``)
    perform: Callable | None = None
    files: list = field(default_factory=list)  # the act's checked uploads (ATTACHMENT_INPUTS)

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


def _require_running_window(ctx: Ctx, kind: ClockKind, message: str, target: str = "") -> Deadline:
    deadline = rows().running(ctx.matter, kind, target)
    if deadline is None:
        raise ClockViolation(message)
    if ctx.day > deadline.due:
        raise ClockViolation(f"{CLOCK_RULES[kind].label}已于 {deadline.due.isoformat()} 届满，不能再办理此项。")
    return deadline


def _routing_units(ctx: Ctx, *, with_co: bool) -> tuple[Unit, list[Unit]]:
    unit = lookups.unit_by_code(ctx.params["unit"], field="unit", label="责任单位")
    co_units = lookups.units_by_codes(ctx.params["co_units"], "co_units", "协办单位") if with_co else []
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
    rows().link(m, unit, MatterUnit.Role.LEAD, ctx.occurred_at)
    for c in co_units:
        rows().link(m, c, MatterUnit.Role.CO, ctx.occurred_at)
    m.return_locked = False
    m.acknowledged_at = None  # a new handling unit has not yet signed for it
    ctx.event_params.update({"unit_name": unit.name})
    ctx.starts[ClockKind.ACCEPT] = {"unit": unit}
    ctx.starts[ClockKind.OBJECT] = {"unit": unit}


# ---- handlers: one per action ---------------------------------------------------------------


def matter_forward(ctx: Ctx) -> None:
    unit, co_units = _routing_units(ctx, with_co=True)
    _hand_to_unit(ctx, unit, co_units)


def matter_assign(ctx: Ctx) -> None:
    unit, co_units = _routing_units(ctx, with_co=True)
    report_due = ctx.params["report_due"]
    if report_due <= ctx.day:
        v.fail("report_due", "办结报告期限应晚于交办日期。")
    if report_due > ctx.day + dt.timedelta(days=90 + 30):
        v.fail("report_due", "办结报告期限不应超过法定办理期限（60日，延期不超过30日）加受理期限。")
    _hand_to_unit(ctx, unit, co_units)
    ctx.starts[ClockKind.REPORT] = {"unit": unit, "due": report_due}


def matter_decline(ctx: Ctx) -> None:
    if ctx.matter.status == State.CLOSED and ctx.params["reason"] != DeclineReason.SAME_FACTS_AFTER_RECHECK:
        v.fail("reason", "复核终结的事项只能以“复核后以同一事实和理由再次提出”不再受理。")


def matter_object(ctx: Ctx) -> None:
    _require_running_window(ctx, ClockKind.OBJECT, "异议退回期限未起算或已使用，不能退回。")
    ctx.matter.previous_status = ctx.matter.status
    ctx.matter.return_count += 1


def matter_approve_return(ctx: Ctx) -> None:
    m = ctx.matter
    previous = m.handling_unit
    if previous is not None:
        rows().unlink_handlers(m, previous)
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


def matter_acknowledge(ctx: Ctx) -> None:
    ctx.matter.acknowledged_at = ctx.occurred_at


def matter_accept(ctx: Ctx) -> None:
    m = ctx.matter
    ctx.starts[ClockKind.HANDLE] = {"unit": m.handling_unit}
    if m.is_evaluable:
        ctx.starts[ClockKind.EVALUATE] = {"target": EvaluationTarget.BUREAU.value}


def matter_request_extension(ctx: Ctx) -> None:
    _require_running_window(ctx, ClockKind.HANDLE, "办理期限未在运行，不能申请延期。")
    ctx.matter.extension_days = ctx.params["days"]
    ctx.matter.extension_reason = ctx.params["reason"]


def matter_approve_extension(ctx: Ctx) -> None:
    m = ctx.matter
    deadline = rows().running(m, ClockKind.HANDLE)
    if deadline is None:
        raise StateConflict("办理期限未在运行，不能批准延期。")
    old_due = deadline.due
    recompute(ctx.clocks, deadline, extension_days=m.extension_days)
    m.extension_approved = True
    ctx.event_params.update({
        "days": m.extension_days, "old_due": old_due.isoformat(), "new_due": deadline.due.isoformat(),
        "reason": m.extension_reason,
    })


def matter_drop_extension_request(ctx: Ctx) -> None:
    """不批准 or 撤回: the pending request lapses (the clock is unchanged); a new one may follow."""
    m = ctx.matter
    ctx.event_params["days"] = m.extension_days
    m.extension_days = 0
    m.extension_reason = ""


def matter_start_hearing(ctx: Ctx) -> None:
    ctx.matter.hearing_started_on = ctx.day


def matter_end_hearing(ctx: Ctx) -> None:
    m = ctx.matter
    first = m.hearing_started_on
    m.hearing_started_on = None
    deadline = rows().running(m, ClockKind.RECHECK)
    excluded = 0
    if deadline is not None and first is not None:
        counted_from = max(first, deadline.start + dt.timedelta(days=1))
        if ctx.day >= counted_from:
            excluded = excluded_interval_days(counted_from, ctx.day)
            recompute(ctx.clocks, deadline, excluded_days=deadline.excluded_days + excluded)
    ctx.event_params.update({"started_on": first.isoformat() if first else None, "excluded_days": excluded})


def matter_reply(ctx: Ctx) -> None:
    m = ctx.matter
    review_body = m.handling_unit.superior if m.handling_unit else None
    m.reply_outcome = ctx.params["outcome"]
    m.delivered = False
    m.review_body = review_body
    if m.is_evaluable:
        ctx.starts[ClockKind.EVALUATE] = {"target": EvaluationTarget.UNIT.value}
    ctx.event_params.update({
        "review_body": review_body.code if review_body else "", "review_body_name": review_body.name if review_body else "",
        "completion_report": rows().has_clock(m, ClockKind.REPORT),
    })


def matter_deliver(ctx: Ctx) -> None:
    m = ctx.matter
    m.delivered = True
    kind = ClockKind.REVIEW_REQUEST if m.status == State.REPLIED else ClockKind.RECHECK_REQUEST
    ctx.starts[kind] = {}
    ctx.event_params["opens"] = kind.value


def matter_evaluate(ctx: Ctx) -> None:
    m = ctx.matter
    target = ctx.params["target"]
    window = rows().running(m, ClockKind.EVALUATE, target)
    if window is None:
        earlier = rows().latest_clock(m, ClockKind.EVALUATE, target)
        if earlier is None:
            raise ClockViolation("评价期限尚未开始：受理后可评价信访部门，出具处理意见后可评价责任单位。")
        if earlier.met_at is None:
            raise ClockViolation("评价期限已经结束。")
        evaluations = rows().count_evaluations(m, target)
        if not ctx.clocks.params.allow_reevaluation or evaluations >= 2:
            raise StateConflict("已对该对象作出评价，不能重复评价。")
        if ctx.day > earlier.due:
            raise ClockViolation(f"评价期限已于 {earlier.due.isoformat()} 届满。")
    elif ctx.day > window.due:
        raise ClockViolation(f"评价期限已于 {window.due.isoformat()} 届满。")
    else:
        meet_clock(m, ClockKind.EVALUATE, ctx.occurred_at, target)
    unit = m.handling_unit if target == EvaluationTarget.UNIT else m.registering_unit
    ctx.event_params["evaluated_unit"] = unit.code if unit else ""


def _superior_or_government(unit: Unit | None) -> Unit | None:
    if unit is not None and unit.superior_id:
        return unit.superior
    return Unit.objects.filter(kind=UnitKind.GOVERNMENT).order_by("id").first()


def matter_request_review(ctx: Ctx) -> None:
    m = ctx.matter
    _require_running_window(ctx, ClockKind.REVIEW_REQUEST, "处理意见尚未送达，复查申请期限未起算。")
    body = m.review_body or _superior_or_government(m.handling_unit)
    if body is None:
        raise InvalidInput("未找到复查机关，请先在单位设置中设置责任单位的上级机关。")
    m.review_body = body
    m.delivered = False
    rows().link(m, body, MatterUnit.Role.REVIEW, ctx.occurred_at)
    ctx.starts[ClockKind.REVIEW] = {"unit": body}
    ctx.event_params.update({"review_body": body.code, "review_body_name": body.name})


def matter_review_decide(ctx: Ctx) -> None:
    m = ctx.matter
    m.delivered = False
    if ctx.params["outcome"] == DecisionOutcome.REDO:
        days = ctx.params["redo_days"]
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


def matter_request_recheck(ctx: Ctx) -> None:
    m = ctx.matter
    _require_running_window(ctx, ClockKind.RECHECK_REQUEST, "复查意见尚未送达，复核申请期限未起算。")
    body = m.recheck_body or _superior_or_government(m.review_body)
    if body is None:
        raise InvalidInput("未找到复核机关，请先设置复查机关的上级机关。")
    m.recheck_body = body
    m.delivered = False
    rows().link(m, body, MatterUnit.Role.RECHECK, ctx.occurred_at)
    ctx.starts[ClockKind.RECHECK] = {"unit": body}
    ctx.event_params.update({"recheck_body": body.code, "recheck_body_name": body.name})


def matter_close(ctx: Ctx) -> None:
    m = ctx.matter
    reason = ctx.params["reason"]
    if reason in (CloseReason.NO_REVIEW, CloseReason.NO_RECHECK):
        expected = State.REPLIED if reason == CloseReason.NO_REVIEW else State.REVIEWED
        if m.status != expected:
            v.fail("reason", f"当前状态（{STATE_LABELS[m.status]}）不能以“{CloseReason(reason).label}”办结。")
        kind = ClockKind.REVIEW_REQUEST if reason == CloseReason.NO_REVIEW else ClockKind.RECHECK_REQUEST
        window = rows().running(m, kind)
        if window is None:
            raise ClockViolation("意见尚未送达，申请期限未起算，不能以期满未申请办结。")
        if ctx.day <= window.due:
            raise ClockViolation(f"{CLOCK_RULES[kind].label}至 {window.due.isoformat()} 届满，期限未过不能办结。")
        lapse_clock(window, ctx.day, ctx.occurred_at)
    ctx.close_reason = reason


def matter_raise_level(ctx: Ctx) -> None:
    """提级调度: the leader named must be a county or bureau leader (the permission matrix)."""
    username = ctx.params["leader"]
    leader = User.objects.filter(username=username, is_active=True).first()
    if leader is None or not leader.has_role(*RECEPTION_LEADER_ROLES):
        v.fail("leader", f"“{username}”不是县领导或信访局领导账号。")
    ctx.event_params["leader_name"] = leader.full_name or leader.username


def matter_add_material(ctx: Ctx) -> None:
    """补充材料: text, files or both (the files are stored with the event by ``apply_action``)."""
    if not ctx.params["content"] and not ctx.files:
        v.fail("content", "请填写补充内容或上传补充材料。")


def matter_set_flags(ctx: Ctx) -> None:
    """积案 / 重大紧急 edited after registration, with a reason (the event keeps the old value)."""
    m, field = ctx.matter, {"backlog": "is_backlog", "major": "is_major"}[ctx.params["flag"]]
    was, value = getattr(m, field), bool(ctx.params["value"])
    if was == value:
        v.fail("value", "该事项" + ("已有" if value else "没有") + "这一标记，无需调整。")
    setattr(m, field, value)
    ctx.event_params["was"] = was


HANDLERS: dict[str, Callable[[Ctx], None]] = {
    "forward": matter_forward,
    "acknowledge": matter_acknowledge,
    "merge": matter_merge,
    "absorb": matter_absorb,
    "assign": matter_assign,
    "decline": matter_decline,
    "object": matter_object,
    "approve_return": matter_approve_return,
    "refuse_return": matter_refuse_return,
    "accept": matter_accept,
    "request_extension": matter_request_extension,
    "approve_extension": matter_approve_extension,
    "refuse_extension": matter_drop_extension_request,
    "withdraw_extension": matter_drop_extension_request,
    "start_hearing": matter_start_hearing,
    "end_hearing": matter_end_hearing,
    "reply": matter_reply,
    "deliver": matter_deliver,
    "evaluate": matter_evaluate,
    "request_review": matter_request_review,
    "review_decide": matter_review_decide,
    "request_recheck": matter_request_recheck,
    "close": matter_close,
    "raise_level": matter_raise_level,
    "set_flags": matter_set_flags,
    "add_material": matter_add_material,
}
assert set(HANDLERS) <= set(WORKFLOW), "a handler for an action the workflow table does not declare"


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
    facts: dict | None = None,
) -> Matter:
    """Perform one workflow action on the matter ``number`` as ``actor``.

    ``actor`` is a staff user; ``None`` with ``via="system"`` is the deadline engine and with
    ``via="portal"`` the petitioner (the caller has checked the query code). ``facts``: declared
    event params the calling service knows (the petition whose 查询码 the petitioner used).
    """
    transition = WORKFLOW.get(action)
    if transition is None:
        raise InvalidInput(f"未知的操作“{action}”。", fields={"action": "未知的操作"})
    with transaction.atomic():
        matter, kinds = lock_matter(actor, number, via)
        if expected_version is not None and int(expected_version) != matter.version:
            raise StaleVersion()
        event = apply_action(actor=actor, matter=matter, kinds=kinds, action=action, params=params, via=via,
                             facts=facts)
        rows().save(matter)
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


def apply_action(*, actor, matter: Matter, kinds: set, action: str, params: dict | None, via: str,
                 facts: dict | None = None):
    """The act itself on a locked matter: check the table, parse the declared inputs, run the
    handler (if the action has logic), move the clocks, set the status and append the event
    (returned). The caller saves the matter and runs the hooks. ``facts`` are declared event
    params a calling service supplies (e.g. the petition a repeat decline answers)."""
    transition = WORKFLOW[action]
    raw = params if params is not None else {}
    if not isinstance(raw, Mapping):
        raise InvalidInput("请求内容应为 JSON 对象。", fields={"non_field_errors": "请求内容应为 JSON 对象"})
    note = parse_inputs(COMMON_INPUTS[1:2], raw)["note"] if "note" not in transition.fields else ""
    reason = check(transition, matter, kinds)
    if reason is not None:
        raise _refusal(reason, transition.label, matter)
    attached = parse_inputs(ATTACHMENT_INPUTS, raw)  # size, count, real type: a 400 before anything is written
    occurred = v.occurred_at(raw.get("occurred_at"), last_event_at=matter.last_event_at)
    rules = current_rules()
    inputs = parse_inputs(transition.inputs, raw, settings=rules)
    for name, value, actors, message in transition.input_actors:
        if inputs.get(name) == value and not (actors & kinds):
            raise NotAllowed(message)
    ctx = Ctx(actor=actor, matter=matter, action=action, params=inputs, occurred_at=occurred,
              clocks=ClockContext(rules, load_calendar()), kinds=kinds, via=via, perform=perform_action,
              files=attached["attachments"])
    ctx.event_params.update({i.name: jsonable(inputs[i.name]) for i in transition.inputs if i.record})
    ctx.event_params.update(facts or {})
    if "note" in transition.fields:
        note = inputs["note"]
    from_status = matter.status
    handler = HANDLERS.get(action)
    if handler is not None:
        handler(ctx)
    ctx.event_params = with_notices(action, ctx.event_params)
    if ctx.files:
        ctx.event_params["attachments"] = len(ctx.files)
    undeclared = set(ctx.event_params) - set(transition.params)
    assert not undeclared, f"{action} wrote event params the workflow table does not declare: {undeclared}"

    target = ctx.target or transition.target or State(from_status)
    close_reason = ctx.close_reason or transition.close_reason
    for kind in transition.meets:
        meet_clock(matter, kind, occurred)
    for kind in transition.cancels:
        rows().cancel_clock(matter, kind, occurred)
    if target == State.CLOSED and from_status != State.CLOSED:
        rows().cancel_all_authority_clocks(matter, occurred)
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
    rows().refresh_next_due(matter)
    if ctx.files:
        # what the petitioner sends is theirs to see; staff choose per act (对信访人可见)
        save_act_attachments(event, ctx.files, actor=actor, public=via == "portal" or bool(attached["attachments_public"]))
    return event
