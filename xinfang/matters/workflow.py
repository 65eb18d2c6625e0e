"""The statutory workflow as one declarative table (domain §3).

(state, action) → next state, who may act, which clocks are met, started and cancelled.
Every action service checks it on the server (``xinfang.matters.services.actions``) and the UI
reads it (``allowed_actions``) to decide which buttons to show. Nothing else changes ``status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xinfang.org.choices import Role
from xinfang.workdays.rules import ClockKind

from .choices import OPEN_STATES, State


class Actor(StrEnum):
    """Who may perform an action, relative to the matter."""

    BUREAU = "bureau"  # 信访局 案件办理: case officer or bureau leader
    BUREAU_INTAKE = "bureau_intake"  # 信访局 登记: registrar, case officer or bureau leader
    HANDLER = "handler"  # 责任单位 staff of the matter's handling unit
    HANDLER_LEADER = "handler_leader"  # 责任单位负责人 of the handling unit
    REVIEW_BODY = "review_body"  # 复查机关 staff, or bureau case officers recording for it
    RECHECK_BODY = "recheck_body"  # 复核机关 staff, or bureau case officers recording for it
    PETITIONER = "petitioner"  # the petitioner (portal), or bureau staff recording the act
    SYSTEM = "system"  # the scheduled deadline engine


C = ClockKind


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[State]
    target: State | None  # None: stays in the same state, or decided by the service (see notes)
    actors: frozenset[Actor]
    article: str
    meets: tuple[ClockKind, ...] = ()
    starts: tuple[ClockKind, ...] = ()
    cancels: tuple[ClockKind, ...] = ()
    close_reason: str = ""
    guard: str = ""  # name of a predicate in GUARDS (data conditions other than state)
    fields: tuple[str, ...] = ()
    notes: str = ""


def _t(action, label, sources, target, actors, article, **kw) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(actors), article, **kw)


S = State
A = Actor
ALL_OPEN = tuple(OPEN_STATES)
AFTER_ACCEPTANCE = (S.ACCEPTED, S.REPLIED, S.REVIEW_REQUESTED, S.REVIEWED, S.RECHECK_REQUESTED, S.CLOSED)

TRANSITIONS: tuple[Transition, ...] = (
    _t("forward", "转送", [S.REGISTERED], S.FORWARDED, [A.BUREAU], "第二十二条",
       meets=(C.DISPOSE,), starts=(C.ACCEPT, C.OBJECT), guard="bureau_held", fields=("unit", "co_units")),
    _t("assign", "交办", [S.REGISTERED], S.ASSIGNED, [A.BUREAU], "第二十二条第三项",
       meets=(C.DISPOSE,), starts=(C.ACCEPT, C.OBJECT, C.REPORT), guard="bureau_held", fields=("unit", "report_due")),
    _t("answer", "直接答复", [S.REGISTERED], S.CLOSED, [A.BUREAU_INTAKE, A.HANDLER], "第二十二条",
       meets=(C.DISPOSE, C.ACCEPT), close_reason="answered", fields=("reply",)),
    _t("decline", "不予受理", [S.REGISTERED, S.FORWARDED, S.ASSIGNED], S.CLOSED, [A.BUREAU, A.HANDLER],
       "第十九条、第三十六条", meets=(C.DISPOSE, C.ACCEPT), cancels=(C.OBJECT, C.REPORT),
       close_reason="not_accepted", fields=("reason", "note")),
    _t("object", "异议退回", [S.FORWARDED, S.ASSIGNED], S.RETURN_REQUESTED, [A.HANDLER], "第二十三条第三款",
       meets=(C.OBJECT,), guard="may_object", fields=("reason",)),
    _t("approve_return", "同意退回", [S.RETURN_REQUESTED], S.REGISTERED, [A.BUREAU], "第二十三条第三款",
       cancels=(C.ACCEPT, C.OBJECT, C.REPORT), starts=(C.DISPOSE,),
       notes="The bureau gets a new 15-day disposal period from the day it agrees (design)."),
    _t("refuse_return", "不同意退回", [S.RETURN_REQUESTED], None, [A.BUREAU], "第二十三条第三款",
       notes="Back to the previous state; the unit cannot object again."),
    _t("accept", "受理", [S.REGISTERED, S.FORWARDED, S.ASSIGNED], S.ACCEPTED, [A.HANDLER], "第二十三条第三款",
       meets=(C.ACCEPT,), cancels=(C.OBJECT,), starts=(C.HANDLE, C.EVALUATE), guard="unit_held",
       notes="Starts the petitioner's window to evaluate the bureau (evaluable matters only)."),
    _t("route", "导入法定程序", [S.FORWARDED, S.ASSIGNED, S.ACCEPTED], S.CLOSED, [A.HANDLER], "第三十一条",
       meets=(C.ACCEPT,), cancels=(C.OBJECT, C.HANDLE, C.REPORT), close_reason="routed", fields=("procedure", "note")),
    _t("request_extension", "申请延期", [S.ACCEPTED], S.ACCEPTED, [A.HANDLER], "第三十四条",
       guard="may_request_extension", fields=("days", "reason")),
    _t("approve_extension", "批准延期", [S.ACCEPTED], S.ACCEPTED, [A.HANDLER_LEADER], "第三十四条",
       guard="extension_pending"),
    _t("start_hearing", "开始听证", ALL_OPEN, None, [A.BUREAU, A.HANDLER, A.REVIEW_BODY, A.RECHECK_BODY],
       "第三十一条第六项、第三十六条", guard="not_in_hearing"),
    _t("end_hearing", "结束听证", ALL_OPEN, None, [A.BUREAU, A.HANDLER, A.REVIEW_BODY, A.RECHECK_BODY],
       "第三十六条", guard="in_hearing", notes="Hearing days are excluded from the 复核 clock."),
    _t("mediate", "调解和解", [S.ACCEPTED], S.CLOSED, [A.HANDLER], "第三十三条",
       meets=(C.HANDLE, C.REPORT), close_reason="mediated", fields=("agreement",)),
    _t("reply", "出具处理意见", [S.ACCEPTED], S.REPLIED, [A.HANDLER], "第三十二条、第三十四条",
       meets=(C.HANDLE, C.REPORT), starts=(C.EVALUATE,), fields=("outcome", "opinion", "legal_basis", "report")),
    _t("deliver", "送达", [S.REPLIED, S.REVIEWED], None, [A.HANDLER, A.BUREAU, A.REVIEW_BODY], "第三十五条、第三十六条",
       starts=(C.REVIEW_REQUEST, C.RECHECK_REQUEST), guard="not_delivered", fields=("method", "signed"),
       notes="Starts review_request (after a reply) or recheck_request (after a review decision)."),
    _t("evaluate", "评价", AFTER_ACCEPTANCE, None, [A.PETITIONER], "第二十一条",
       guard="evaluable", fields=("target", "rating", "comment")),
    _t("request_review", "申请复查", [S.REPLIED], S.REVIEW_REQUESTED, [A.PETITIONER], "第三十五条",
       meets=(C.REVIEW_REQUEST,), starts=(C.REVIEW,), guard="delivered", fields=("reason",)),
    _t("review_decide", "复查决定", [S.REVIEW_REQUESTED], None, [A.REVIEW_BODY], "第三十五条",
       meets=(C.REVIEW,), starts=(C.HANDLE,), fields=("outcome", "opinion", "redo_days"),
       notes="uphold/revise → reviewed; redo → accepted with a new handle clock of redo_days."),
    _t("request_recheck", "申请复核", [S.REVIEWED], S.RECHECK_REQUESTED, [A.PETITIONER], "第三十六条",
       meets=(C.RECHECK_REQUEST,), starts=(C.RECHECK,), guard="delivered", fields=("reason",)),
    _t("recheck_decide", "复核决定", [S.RECHECK_REQUESTED], S.CLOSED, [A.RECHECK_BODY], "第三十六条",
       meets=(C.RECHECK,), close_reason="rechecked", fields=("outcome", "opinion")),
    _t("close", "办结", [S.REPLIED, S.REVIEWED], S.CLOSED, [A.BUREAU, A.SYSTEM], "第三十五条、第三十六条",
       cancels=(C.REVIEW_REQUEST, C.RECHECK_REQUEST, C.REPORT), fields=("reason",),
       notes="no_review / no_recheck only after the window lapsed unused; confirmed by the bureau."),
)

WORKFLOW: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
ACTIONS = tuple(WORKFLOW)

# ---- who is who, relative to a matter ------------------------------------------------------

_BUREAU_CASE_ROLES = {Role.CASE_OFFICER, Role.BUREAU_LEADER}
_BUREAU_INTAKE_ROLES = {Role.REGISTRAR, Role.CASE_OFFICER, Role.BUREAU_LEADER}
_UNIT_ROLES = {Role.UNIT_HANDLER, Role.UNIT_LEADER}


def _in_bureau(user) -> bool:
    return bool(user is not None and user.unit_id and user.unit.kind == "bureau")


def actor_kinds(user, matter) -> set[Actor]:
    """The actor kinds this user is, for this matter (pure: reads attributes only)."""
    if user is None:
        return {Actor.SYSTEM}
    kinds: set[Actor] = set()
    roles = set(user.roles or [])
    if _in_bureau(user):
        if roles & _BUREAU_CASE_ROLES:
            kinds |= {Actor.BUREAU, Actor.REVIEW_BODY, Actor.RECHECK_BODY, Actor.PETITIONER}
        if roles & _BUREAU_INTAKE_ROLES:
            kinds |= {Actor.BUREAU_INTAKE, Actor.PETITIONER}
    if user.unit_id and roles & _UNIT_ROLES:
        if matter.handling_unit_id == user.unit_id:
            kinds.add(Actor.HANDLER)
            if Role.UNIT_LEADER in roles:
                kinds.add(Actor.HANDLER_LEADER)
        if matter.review_body_id == user.unit_id:
            kinds.add(Actor.REVIEW_BODY)
        if matter.recheck_body_id == user.unit_id:
            kinds.add(Actor.RECHECK_BODY)
    return kinds


# ---- data guards (conditions other than state and actor) -----------------------------------


def _bureau_held(m) -> bool:
    return m.handling_unit_id is None


GUARDS = {
    "bureau_held": _bureau_held,
    "unit_held": lambda m: m.status != State.REGISTERED or m.handling_unit_id is not None,
    "may_object": lambda m: not m.return_locked,
    "may_request_extension": lambda m: m.extension_days == 0,
    "extension_pending": lambda m: m.extension_days > 0 and not m.extension_approved,
    "not_in_hearing": lambda m: m.hearing_started_on is None,
    "in_hearing": lambda m: m.hearing_started_on is not None,
    "not_delivered": lambda m: not m.delivered,
    "delivered": lambda m: m.delivered,
    "evaluable": lambda m: m.is_evaluable,
}

GUARD_MESSAGES = {
    "bureau_held": "该事项已由登记单位直接办理，不能再转送或交办。",
    "unit_held": "该事项尚未转送或交办，不能受理。",
    "may_object": "该事项退回申请已被驳回，不能再次退回。",
    "may_request_extension": "该事项已申请过延期，不能再次申请。",
    "extension_pending": "没有待批准的延期申请。",
    "not_in_hearing": "听证正在进行中。",
    "in_hearing": "当前没有进行中的听证。",
    "not_delivered": "当前意见已经送达。",
    "delivered": "意见尚未送达，申请期限尚未起算。",
    "evaluable": "检举控告类、涉法涉诉、不公开、保密或匿名的事项不参加满意度评价。",
}

# Registered matters: which actors act depends on who holds the matter.
_REGISTERED_ACTOR_RULE = {
    "answer": lambda m: {Actor.BUREAU_INTAKE} if m.handling_unit_id is None else {Actor.HANDLER},
    "decline": lambda m: {Actor.BUREAU} if m.handling_unit_id is None else {Actor.HANDLER},
}


def permitted_actors(transition: Transition, matter) -> frozenset[Actor]:
    rule = _REGISTERED_ACTOR_RULE.get(transition.action)
    if rule is not None and matter.status == State.REGISTERED:
        return frozenset(rule(matter))
    if transition.action == "decline" and matter.status != State.REGISTERED:
        return frozenset({Actor.HANDLER})
    return transition.actors


def check(transition: Transition, matter, kinds: set[Actor]) -> str | None:
    """Return None when allowed, else the reason code: 'state', 'actor' or a guard name."""
    if matter.status not in transition.sources:
        return "state"
    if not (permitted_actors(transition, matter) & kinds):
        return "actor"
    if transition.guard and not GUARDS[transition.guard](matter):
        return transition.guard
    return None


def allowed_actions(user, matter) -> list[str]:
    """Actions the user may take on the matter now (read by the UI and the API)."""
    kinds = actor_kinds(user, matter)
    return [t.action for t in TRANSITIONS if check(t, matter, kinds) is None]
