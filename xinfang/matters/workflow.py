"""The statutory workflow as one declarative table (domain §3): one declaration per action.

Each row says, for one action: the states it applies in and leads to, who may act (with the
exceptions as data), which clocks it meets, starts and cancels, the article, its typed inputs
(``xinfang.core.inputs.Input``), the extra parameters its event carries and the notices it issues.
Everything else is derived from the row: the service checks it (``services.actions``), the API
input serializer and the OpenAPI schema (``matters.api.serializers``), the workbench form
(``workbench.forms.actions``), ``docs/workflow.md`` (``matters.docs``), the property test's inputs
and every audience's presenter (typed params through ``matters.params``). Nothing else changes
``status``. How to add an action: docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xinfang.core.inputs import Input, Kind, Param, as_param
from xinfang.org.permissions import BUREAU_CASE_ROLES, INTAKE_ROLES, UNIT_LEADER_ROLES, UNIT_ROLES
from xinfang.workdays.rules import ClockKind

from .choices import (
    OPEN_STATES,
    Channel,
    CloseReason,
    DecisionOutcome,
    DeclineReason,
    DeliveryMethod,
    EvaluationTarget,
    Rating,
    ReplyOutcome,
    RouteProcedure,
    State,
)


class Actor(StrEnum):
    """Who may perform an action, relative to the matter."""

    BUREAU = "bureau"  # 信访局 案件办理: case officer or bureau leader
    BUREAU_INTAKE = "bureau_intake"  # 信访局 登记: registrar, case officer or bureau leader
    HANDLER = "handler"  # 责任单位 staff of the matter's handling unit
    HANDLER_LEADER = "handler_leader"  # 责任单位负责人 of the handling unit
    REVIEW_BODY = "review_body"  # 复查机关 staff, or bureau case officers recording for it
    RECHECK_BODY = "recheck_body"  # 复核机关 staff, or bureau case officers recording for it
    PETITIONER = "petitioner"  # the petitioner (portal), or bureau staff recording the act
    SYSTEM = "system"  # the scheduled deadline engine, or a service acting on its own rule


C = ClockKind


@dataclass(frozen=True)
class Notice:
    """A document the act issues (a value of ``documents.choices.DocType``), optionally only when
    one of the event's params has a value (``when``) or has not (``unless``)."""

    doc_type: str
    when: tuple[str, object] | None = None
    unless: tuple[str, object] | None = None

    def applies(self, params: dict) -> bool:
        if self.when is not None and params.get(self.when[0]) != self.when[1]:
            return False
        return not (self.unless is not None and params.get(self.unless[0]) == self.unless[1])


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
    inputs: tuple[Input, ...] = ()
    emits: tuple[Param, ...] = ()  # params the handler adds to the event besides the recorded inputs
    notices: tuple[Notice, ...] = ()
    # Actor exceptions: the first rule whose matter condition (ACTOR_CONDITIONS) holds decides.
    actor_rules: tuple[tuple[str, frozenset[Actor]], ...] = ()
    # Some input values need a narrower actor: (input, value, actors, message).
    input_actors: tuple[tuple[str, str, frozenset[Actor], str], ...] = ()
    confirm: str = ""  # the question the workbench asks before acting
    notes: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)

    @property
    def params(self) -> dict[str, Param]:
        """Every param the event may carry, typed and labelled (inputs first, then extras)."""
        out = {i.name: as_param(i) for i in self.inputs if i.record}
        out.update({p.name: p for p in self.emits})
        out.update(NOTICE_PARAMS)
        return out


@dataclass(frozen=True)
class EventType:
    """An event written by another service (registration): its label and typed params."""

    action: str
    label: str
    emits: tuple[Param, ...] = ()
    notices: tuple[Notice, ...] = ()

    @property
    def params(self) -> dict[str, Param]:
        return {**{p.name: p for p in self.emits}, **NOTICE_PARAMS}


def _t(action, label, sources, target, actors, article, **kw) -> Transition:
    kw["actor_rules"] = tuple((cond, frozenset(a)) for cond, a in kw.get("actor_rules", ()))
    kw["input_actors"] = tuple((n, v, frozenset(a), m) for n, v, a, m in kw.get("input_actors", ()))
    return Transition(action, label, frozenset(sources), target, frozenset(actors), article, **kw)


# ---- input shorthands (name, Chinese label, bounds) ----------------------------------------


def text(name, label, **kw) -> Input:
    return Input(name, Kind.TEXT, label, **kw)


def choice(name, label, choices, *, allowed=None, **kw) -> Input:
    items = tuple((k, v) for k, v in choices.choices if allowed is None or k in allowed)
    return Input(name, Kind.CHOICE, label, choices=items, **kw)


def integer(name, label, **kw) -> Input:
    return Input(name, Kind.INTEGER, label, **kw)


def unit(name, label, **kw) -> Input:
    return Input(name, Kind.CODE, label, help=kw.pop("help", "单位代码"), **kw)


def param(name, label, kind=Kind.TEXT, **kw) -> Param:
    return Param(name, label, kind, **kw)


# Files any act may carry (issue 15 §6): investigation reports, photos, the scanned signed 意见书,
# the 送达回证. Declared once here; the service stores them with the act's event (``Attachment.event``).
ATTACHMENT_INPUTS = (
    Input("attachments", Kind.FILES, "附件", required=False, record=False,
          help="调查报告、照片、签收的意见书扫描件、送达回证等；可多选，大小和类型限制同登记"),
    Input("attachments_public", Kind.BOOLEAN, "附件对信访人可见", required=False, default=False, record=False,
          yes_no=("对信访人可见", "仅工作人员可见"), help="勾选后信访人可在门户查看和下载这些附件"),
)
# Inputs every action takes besides its own (the API adds ``expected_version``).
COMMON_INPUTS = (
    Input("occurred_at", Kind.DATETIME, "发生时间", required=False,
          help="补录纸质办理时填写实际时间（ISO 8601）；留空为现在；不能晚于现在，也不能早于上一次办理"),
    text("note", "备注", required=False),
    *ATTACHMENT_INPUTS,
)
NOTICE_PARAMS = {
    "notice_type": Param("notice_type", "文书", Kind.CHOICE),
    "notice_types": Param("notice_types", "文书", Kind.CODES, shown=False),
    # how many files the act carried (their names stay on the attachment rows, behind the access check)
    "attachments": Param("attachments", "附件数", Kind.INTEGER),
}
UNIT_PARAMS = (param("unit_name", "责任单位"),)
ROUTE_INPUTS = (
    unit("unit", "主办单位", help="有权处理的县内机关或单位的代码", example="T01"),
    Input("co_units", Kind.CODES, "协办单位（可多选）", required=False, help="单位代码列表"),
)
REVIEW_BODY_PARAMS = (param("review_body", "复查机关代码", shown=False), param("review_body_name", "复查机关"))
S = State
A = Actor
ALL_OPEN = tuple(OPEN_STATES)
FLAG_CHOICES = (("backlog", "积案"), ("major", "重大紧急"))
RECEPTION_KINDS = (("reception_day", "领导接访日"), ("appointment", "约访"), ("visit_down", "下访"))
CASE_OUTCOMES = (("resolved", "化解"), ("stopped", "息访"), ("terminated", "依法终结"), ("referred", "移交"))
AFTER_ACCEPTANCE = (S.ACCEPTED, S.REPLIED, S.REVIEW_REQUESTED, S.REVIEWED, S.RECHECK_REQUESTED, S.CLOSED)
SAME_FACTS = DeclineReason.SAME_FACTS_AFTER_RECHECK.value

TRANSITIONS: tuple[Transition, ...] = (
    _t("forward", "转送", [S.REGISTERED], S.FORWARDED, [A.BUREAU], "第二十二条",
       meets=(C.DISPOSE,), starts=(C.ACCEPT, C.OBJECT), guard="bureau_held",
       inputs=ROUTE_INPUTS, emits=UNIT_PARAMS, notices=(Notice("forwarding_letter"),),
       confirm="确认将该事项转送给所选单位？"),
    _t("assign", "交办", [S.REGISTERED], S.ASSIGNED, [A.BUREAU], "第二十二条第三项",
       meets=(C.DISPOSE,), starts=(C.ACCEPT, C.OBJECT, C.REPORT), guard="bureau_held",
       inputs=(*ROUTE_INPUTS, Input("report_due", Kind.DATE, "办结报告期限", help="晚于交办日期，不超过 120 日")),
       emits=UNIT_PARAMS, notices=(Notice("assignment_sheet"),),
       confirm="确认交办？交办后责任单位须按期报送办结报告。"),
    _t("answer", "直接答复", [S.REGISTERED], S.CLOSED, [A.BUREAU_INTAKE, A.HANDLER], "第二十二条",
       meets=(C.DISPOSE, C.ACCEPT), close_reason="answered",
       actor_rules=(("bureau_held", [A.BUREAU_INTAKE]), ("unit_held", [A.HANDLER])),
       inputs=(text("reply", "答复内容", max_length=10000, lines=4),),
       confirm="确认直接答复并办结该事项？"),
    _t("decline", "不予受理", [S.REGISTERED, S.FORWARDED, S.ASSIGNED, S.CLOSED], S.CLOSED,
       [A.BUREAU, A.HANDLER, A.SYSTEM], "第十九条、第三十六条", meets=(C.DISPOSE, C.ACCEPT), cancels=(C.OBJECT, C.REPORT),
       close_reason="not_accepted", guard="declinable",
       actor_rules=(("closed", [A.SYSTEM]), ("bureau_held", [A.BUREAU]), ("unit_held", [A.HANDLER])),
       inputs=(choice("reason", "不予受理理由", DeclineReason),
               text("note", "说明", required=False, required_if=("reason", DeclineReason.OTHER.value),
                    help="选择“其他”时必填")),
       emits=(param("petition", "信访件编号"),),
       notices=(Notice("non_acceptance_notice", unless=("reason", SAME_FACTS)),
                Notice("no_further_acceptance_notice", when=("reason", SAME_FACTS))),
       confirm="确认不予受理？将生成不予受理告知书。",
       notes="On a matter closed by 复核, a repeat petition is answered by the registration service "
             "itself (actor `system`): 不再受理 with its notice."),
    _t("object", "异议退回", [S.FORWARDED, S.ASSIGNED], S.RETURN_REQUESTED, [A.HANDLER], "第二十三条第三款",
       meets=(C.OBJECT,), guard="may_object",
       inputs=(text("reason", "退回理由", help="写明不属于本单位职责的理由（《信访工作条例》第二十三条）"),),
       confirm="确认提出异议并申请退回？"),
    _t("approve_return", "同意退回", [S.RETURN_REQUESTED], S.REGISTERED, [A.BUREAU], "第二十三条第三款",
       cancels=(C.ACCEPT, C.OBJECT, C.REPORT), starts=(C.DISPOSE,),
       emits=(param("returned_by", "退回单位"),),
       confirm="确认同意退回？事项将回到信访局重新处置。",
       notes="The bureau gets a new 15-day disposal period from the day it agrees (design)."),
    _t("refuse_return", "不同意退回", [S.RETURN_REQUESTED], None, [A.BUREAU], "第二十三条第三款",
       inputs=(text("reason", "不同意退回的理由", required=False),),
       confirm="确认不同意退回？该单位将不能再次退回。",
       notes="Back to the previous state; the unit cannot object again."),
    _t("merge", "合并办理", [S.REGISTERED, S.FORWARDED, S.ASSIGNED, S.RETURN_REQUESTED, S.ACCEPTED], S.CLOSED,
       [A.BUREAU], "第十九条", cancels=(C.DISPOSE, C.ACCEPT, C.OBJECT, C.REPORT, C.HANDLE, C.EVALUATE),
       close_reason="merged",
       inputs=(Input("into", Kind.TEXT, "并入的事项编号", max_length=32, help="同一事项另行登记的另一件事项的编号"),
               text("note", "合并说明", required=False, max_length=2000, lines=2)),
       emits=(param("into_title", "并入事项标题"), param("petitions", "并入信访件数", Kind.INTEGER)),
       confirm="确认将本事项合并到所填事项办理？本事项以“合并办理”办结，信访件并入该事项，本事项时限终止，文书保留。",
       notes="Duplicates registered separately: the petitions move to the other matter (which records `absorb`)."),
    _t("absorb", "并入信访件", ALL_OPEN, None, [A.SYSTEM], "第十九条",
       inputs=(Input("source", Kind.TEXT, "被合并的事项编号", max_length=32),),
       emits=(param("petitions", "并入信访件数", Kind.INTEGER),),
       notes="Recorded on the matter a `merge` went into, by that act (never offered by itself)."),
    _t("acknowledge", "签收", [S.FORWARDED, S.ASSIGNED], None, [A.HANDLER], "第二十三条第三款",
       guard="not_acknowledged",
       confirm="确认签收？签收只表示本单位已收到；受理、退回或不予受理仍须在期限内办理。",
       notes="Records that the unit has received the matter (stops the not-yet-seen alarm); no notice, no clock."),
    _t("accept", "受理", [S.REGISTERED, S.FORWARDED, S.ASSIGNED], S.ACCEPTED, [A.HANDLER], "第二十三条第三款",
       meets=(C.ACCEPT,), cancels=(C.OBJECT,), starts=(C.HANDLE, C.EVALUATE), guard="unit_held",
       notices=(Notice("acceptance_notice"),),
       confirm="确认受理？将生成受理告知书，办理期限开始计算。",
       notes="Starts the petitioner's window to evaluate the bureau (evaluable matters only)."),
    _t("route", "导入法定程序", [S.FORWARDED, S.ASSIGNED, S.ACCEPTED], S.CLOSED, [A.HANDLER], "第三十一条",
       meets=(C.ACCEPT,), cancels=(C.OBJECT, C.HANDLE, C.REPORT), close_reason="routed",
       inputs=(choice("procedure", "法定途径", RouteProcedure), text("note", "告知内容", required=False)),
       confirm="确认导入其他法定程序并办结？"),
    _t("request_extension", "申请延期", [S.ACCEPTED], S.ACCEPTED, [A.HANDLER], "第三十四条",
       guard="may_request_extension",
       inputs=(integer("days", "延期天数", minimum=1, maximum=30, limit="max_extension_days",
                       help="不超过 30 日（第三十四条），以设置为准"),
               text("reason", "延期理由", max_length=500, lines=2)),
       confirm="确认申请延期？需本单位负责人批准。"),
    _t("approve_extension", "批准延期", [S.ACCEPTED], S.ACCEPTED, [A.HANDLER_LEADER], "第三十四条",
       guard="extension_pending",
       emits=(param("days", "延期天数", Kind.INTEGER), param("old_due", "原期满日", Kind.DATE),
              param("new_due", "新期满日", Kind.DATE), param("reason", "延期理由")),
       notices=(Notice("extension_notice"),),
       confirm="确认批准延期？将生成延期告知书。"),
    _t("refuse_extension", "不批准延期", [S.ACCEPTED], S.ACCEPTED, [A.HANDLER_LEADER], "第三十四条",
       guard="extension_pending",
       inputs=(text("reason", "不批准的理由", max_length=500, lines=2),),
       emits=(param("days", "申请延期天数", Kind.INTEGER),),
       confirm="确认不批准延期？办理期限不变，经办人可以重新申请。",
       notes="The request lapses and the handle clock is unchanged; the handler may request again."),
    _t("withdraw_extension", "撤回延期申请", [S.ACCEPTED], S.ACCEPTED, [A.HANDLER], "第三十四条",
       guard="extension_pending",
       inputs=(text("reason", "撤回理由", required=False, max_length=500, lines=2),),
       emits=(param("days", "申请延期天数", Kind.INTEGER),),
       confirm="确认撤回延期申请？",
       notes="The handler withdraws a pending request; it may request again."),
    _t("start_hearing", "开始听证", ALL_OPEN, None, [A.BUREAU, A.HANDLER, A.REVIEW_BODY, A.RECHECK_BODY],
       "第三十一条第六项、第三十六条", guard="not_in_hearing",
       inputs=(text("note", "听证说明", required=False, max_length=2000, lines=2),)),
    _t("end_hearing", "结束听证", ALL_OPEN, None, [A.BUREAU, A.HANDLER, A.REVIEW_BODY, A.RECHECK_BODY],
       "第三十六条", guard="in_hearing",
       emits=(param("started_on", "听证开始日", Kind.DATE), param("excluded_days", "扣除天数", Kind.INTEGER)),
       notes="Hearing days are excluded from the 复核 clock."),
    _t("mediate", "调解和解", [S.ACCEPTED], S.CLOSED, [A.HANDLER], "第三十三条",
       meets=(C.HANDLE, C.REPORT), close_reason="mediated",
       inputs=(text("agreement", "调解/和解协议内容", max_length=10000, lines=4),),
       confirm="确认以调解和解办结？"),
    _t("reply", "出具处理意见", [S.ACCEPTED], S.REPLIED, [A.HANDLER], "第三十二条、第三十四条",
       meets=(C.HANDLE, C.REPORT), starts=(C.EVALUATE,),
       inputs=(choice("outcome", "处理结果", ReplyOutcome), text("opinion", "处理意见", max_length=20000, lines=5),
               text("legal_basis", "法律政策依据", lines=2),
               text("report", "办结报告", required=False, max_length=20000, when="has_report_clock",
                    help="交办事项同时报送办结报告")),
       emits=(*REVIEW_BODY_PARAMS, param("completion_report", "报送办结报告", Kind.BOOLEAN, shown=False)),
       notices=(Notice("handling_opinion"), Notice("delivery_receipt"),
                Notice("completion_report", when=("completion_report", True))),
       confirm="确认出具信访处理意见书？"),
    _t("deliver", "送达", [S.REPLIED, S.REVIEWED], None, [A.HANDLER, A.BUREAU, A.REVIEW_BODY], "第三十五条、第三十六条",
       starts=(C.REVIEW_REQUEST, C.RECHECK_REQUEST), guard="not_delivered",
       inputs=(choice("method", "送达方式", DeliveryMethod),
               Input("signed", Kind.BOOLEAN, "签收情况", required=False, default=True, yes_no=("已签收", "拒绝签收"))),
       emits=(param("opens", "起算期限", Kind.CHOICE,
                    choices=((C.REVIEW_REQUEST.value, "申请复查期限"), (C.RECHECK_REQUEST.value, "申请复核期限"))),),
       confirm="确认已送达？复查/复核申请期限自送达起算。",
       notes="Starts review_request (after a reply) or recheck_request (after a review decision)."),
    _t("evaluate", "评价", AFTER_ACCEPTANCE, None, [A.PETITIONER], "第二十一条",
       guard="evaluable",
       inputs=(choice("target", "评价对象", EvaluationTarget), choice("rating", "评价结果", Rating),
               text("comment", "评价意见", required=False, max_length=2000, lines=2,
                    required_if=("rating", Rating.DISSATISFIED.value),
                    required_message="选择“不满意”时，请写明不满意的理由，以便信访局回访核实。",
                    help="选择“不满意”时必填")),
       emits=(param("evaluated_unit", "被评价单位"),)),
    _t("add_material", "补充材料", ALL_OPEN, None, [A.PETITIONER], "第二十条",
       inputs=(text("content", "补充内容", required=False, max_length=10000, lines=4,
                    help="补充的事实、理由或证明材料说明；文字和附件至少提供一项"),),
       emits=(param("petition", "信访件编号"),),
       confirm="确认提交补充材料？提交后将通知办理单位。",
       notes="The petitioner (portal, or staff recording what was brought in) adds text and files to an open "
             "matter; files from the portal are visible to the petitioner; the handling unit (or the bureau "
             "while it holds the matter) gets a staff notice."),
    _t("request_review", "申请复查", [S.REPLIED], S.REVIEW_REQUESTED, [A.PETITIONER], "第三十五条",
       meets=(C.REVIEW_REQUEST,), starts=(C.REVIEW,), guard="delivered",
       inputs=(text("reason", "申请复查理由", max_length=10000),), emits=REVIEW_BODY_PARAMS),
    _t("review_decide", "复查决定", [S.REVIEW_REQUESTED], None, [A.REVIEW_BODY], "第三十五条",
       meets=(C.REVIEW,), starts=(C.HANDLE,),
       inputs=(choice("outcome", "复查结果", DecisionOutcome), text("opinion", "复查意见", max_length=20000, lines=4),
               integer("redo_days", "重新办理期限（日）", required=False, minimum=1, maximum=90, default=60,
                       record=False, help="仅“责令重新办理”时填写，默认 60 日")),
       emits=(param("redo_days", "重新办理期限（日）", Kind.INTEGER, default=60),),
       notices=(Notice("review_opinion"), Notice("delivery_receipt")),
       notes="uphold/revise → reviewed; redo → accepted with a new handle clock of redo_days."),
    _t("request_recheck", "申请复核", [S.REVIEWED], S.RECHECK_REQUESTED, [A.PETITIONER], "第三十六条",
       meets=(C.RECHECK_REQUEST,), starts=(C.RECHECK,), guard="delivered",
       inputs=(text("reason", "申请复核理由", max_length=10000),),
       emits=(param("recheck_body", "复核机关代码", shown=False), param("recheck_body_name", "复核机关"))),
    _t("recheck_decide", "复核决定", [S.RECHECK_REQUESTED], S.CLOSED, [A.RECHECK_BODY], "第三十六条",
       meets=(C.RECHECK,), close_reason="rechecked",
       inputs=(choice("outcome", "复核结果", DecisionOutcome, allowed={DecisionOutcome.UPHOLD, DecisionOutcome.REVISE}),
               text("opinion", "复核意见", max_length=20000, lines=4)),
       notices=(Notice("recheck_opinion"), Notice("delivery_receipt"))),
    _t("close", "办结", [S.REPLIED, S.REVIEWED], S.CLOSED, [A.BUREAU, A.SYSTEM], "第三十五条、第三十六条",
       cancels=(C.REVIEW_REQUEST, C.RECHECK_REQUEST, C.REPORT),
       inputs=(choice("reason", "办结方式", CloseReason,
                      allowed={CloseReason.NO_REVIEW, CloseReason.NO_RECHECK, CloseReason.CONFIRMED}),),
       input_actors=(("reason", CloseReason.CONFIRMED.value, [A.BUREAU], "只有信访部门可以审核认定办结。"),),
       confirm="确认办结该事项？",
       notes="no_review / no_recheck only after the window lapsed unused; confirmed by the bureau."),
    # The leaders' side (xinfang.leaders, docs/leaders.md): acts on the matter that change no state or clock.
    _t("raise_level", "提级调度", ALL_OPEN, None, [A.BUREAU], "第十条",
       inputs=(text("leader", "调度领导", max_length=150, options="reception_leaders",
                    help="县领导或信访局领导（页面上从名单中选择；API 传账号用户名）"),
               text("reason", "提级理由", max_length=2000, lines=2)),
       emits=(param("leader_name", "调度领导姓名"),),
       confirm="确认将该事项提级，由所选领导调度？",
       notes="A major or hard matter is raised to a higher leader's dispatching (domain §9)."),
    _t("set_flags", "调整积案/重大标记", ALL_OPEN, None, [A.BUREAU], "第十条",
       inputs=(Input("flag", Kind.CHOICE, "标记", choices=FLAG_CHOICES),
               Input("value", Kind.BOOLEAN, "设置", required=False, default=True, yes_no=("加上标记", "取消标记")),
               text("reason", "调整理由", max_length=2000, lines=2)),
       emits=(param("was", "调整前", Kind.BOOLEAN, yes_no=("有标记", "无标记")),),
       confirm="确认调整该事项的标记？",
       notes="积案 / 重大紧急 flags set at registration become editable, with a reason (docs/leaders.md)."),
)

WORKFLOW: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
ACTIONS = tuple(WORKFLOW)

# Events other services write (not transitions): their typed params and notices.
OTHER_EVENTS: dict[str, EventType] = {e.action: e for e in (
    EventType("register", "登记", emits=(
        param("petition", "信访件编号"), param("channel", "信访形式", Kind.CHOICE, choices=tuple(Channel.choices)),
        param("duplicates", "疑似重复事项", Kind.CODES)), notices=(Notice("registration_receipt"),)),
    # Written by xinfang.leaders next to its own rows (a reception record, a 包案), like registration.
    EventType("receive", "领导接访", emits=(
        param("session", "接访编号", Kind.INTEGER, shown=False), param("record", "接访记录编号", Kind.INTEGER, shown=False),
        param("kind", "接访类型", Kind.CHOICE, choices=RECEPTION_KINDS), param("leader", "接访领导账号", shown=False),
        param("leader_name", "接访领导"), param("date", "接访日期", Kind.DATE), param("summary", "接访情况"),
        param("instructions", "领导批示"), param("tasks", "交办任务数", Kind.INTEGER))),
    EventType("take_ownership", "领导包案", emits=(
        param("case", "包案编号", Kind.INTEGER, shown=False), param("leader", "包案领导账号", shown=False),
        param("leader_name", "包案领导"), param("target_date", "化解目标日期", Kind.DATE), param("plan", "化解方案"))),
    EventType("end_ownership", "包案办结", emits=(
        param("case", "包案编号", Kind.INTEGER, shown=False), param("leader", "包案领导账号", shown=False),
        param("leader_name", "包案领导"), param("outcome", "化解结果", Kind.CHOICE, choices=CASE_OUTCOMES),
        param("note", "办结说明"))),
    EventType("add_petition", "登记重复件", emits=(
        param("petition", "信访件编号"), param("channel", "信访形式", Kind.CHOICE, choices=tuple(Channel.choices)),
        param("received_at", "收到时间", Kind.DATETIME)), notices=(Notice("registration_receipt"),)),
)}


def event_type(action: str) -> Transition | EventType | None:
    return WORKFLOW.get(action) or OTHER_EVENTS.get(action)


def declared_notices(action: str, params: dict) -> list[str]:
    """The documents an act issues, by its declaration and its params."""
    declared = event_type(action)
    return [n.doc_type for n in declared.notices if n.applies(params)] if declared else []


def with_notices(action: str, params: dict) -> dict:
    """``params`` plus the record of the notices the act issues (``notice_type``, and
    ``notice_types`` when there are several): written by the services, read by documents/portal."""
    notices = declared_notices(action, params)
    out = dict(params)
    if notices:
        out["notice_type"] = notices[0]
        if len(notices) > 1:
            out["notice_types"] = notices
    return out


# ---- who is who, relative to a matter ------------------------------------------------------



def _in_bureau(user) -> bool:
    return bool(user is not None and user.unit_id and user.in_bureau)


def actor_kinds(user, matter) -> set[Actor]:
    """The actor kinds this user is, for this matter (pure: reads attributes only)."""
    if user is None:
        return {Actor.SYSTEM}
    kinds: set[Actor] = set()
    roles = set(user.roles or [])
    if _in_bureau(user):
        if roles & BUREAU_CASE_ROLES:
            kinds |= {Actor.BUREAU, Actor.REVIEW_BODY, Actor.RECHECK_BODY, Actor.PETITIONER}
        if roles & INTAKE_ROLES:
            kinds |= {Actor.BUREAU_INTAKE, Actor.PETITIONER}
    if user.unit_id and roles & UNIT_ROLES:
        if matter.handling_unit_id == user.unit_id:
            kinds.add(Actor.HANDLER)
            if roles & UNIT_LEADER_ROLES:
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
    "declinable": lambda m: m.status != State.CLOSED or m.close_reason == CloseReason.RECHECKED,
    "not_acknowledged": lambda m: m.acknowledged_at is None,
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
    "declinable": "该事项已办结；只有复核终结后以同一事实和理由再次提出的，才作出不再受理决定。",
    "not_acknowledged": "本单位已签收该事项。",
}

# Conditions of the actor exceptions (``Transition.actor_rules``).
ACTOR_CONDITIONS = {
    "bureau_held": lambda m: m.status != State.CLOSED and m.handling_unit_id is None,
    "unit_held": lambda m: m.status != State.CLOSED and m.handling_unit_id is not None,
    "closed": lambda m: m.status == State.CLOSED,
}


def permitted_actors(transition: Transition, matter) -> frozenset[Actor]:
    for condition, actors in transition.actor_rules:
        if ACTOR_CONDITIONS[condition](matter):
            return actors
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
