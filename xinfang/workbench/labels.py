"""Chinese labels for what the pages show: actions, event parameters, clocks, flags."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xinfang.matters.choices import (
    Channel,
    CloseReason,
    DecisionOutcome,
    DeclineReason,
    DeliveryMethod,
    EvaluationTarget,
    NoticeType,
    Purpose,
    Rating,
    ReplyOutcome,
    RouteProcedure,
    State,
)
from xinfang.matters.workflow import WORKFLOW
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

# Event actions that are not workflow transitions (registration, repeats, other apps' events).
EXTRA_ACTION_LABELS = {
    "register": "登记",
    "add_petition": "登记重复件",
    "supervise": "督办",
    "remind": "催办",
    "callback": "回访",
    "warn": "临期提醒",
    "overdue": "超期",
}


def action_label(action: str) -> str:
    transition = WORKFLOW.get(action)
    if transition is not None:
        return transition.label
    return EXTRA_ACTION_LABELS.get(action, action)


PARAM_LABELS = {
    "unit": "责任单位",
    "unit_name": "责任单位",
    "co_units": "协办单位",
    "report_due": "办结报告期限",
    "reply": "答复内容",
    "reason": "理由",
    "note": "说明",
    "returned_by": "退回单位",
    "procedure": "法定途径",
    "days": "延期天数",
    "old_due": "原期满日",
    "new_due": "新期满日",
    "started_on": "听证开始日",
    "excluded_days": "扣除天数",
    "agreement": "协议内容",
    "outcome": "结果",
    "opinion": "意见",
    "legal_basis": "法律政策依据",
    "report": "办结报告",
    "review_body_name": "复查机关",
    "recheck_body_name": "复核机关",
    "method": "送达方式",
    "signed": "签收情况",
    "opens": "起算期限",
    "target": "评价对象",
    "rating": "评价结果",
    "comment": "评价意见",
    "evaluated_unit": "被评价单位",
    "redo_days": "重新办理期限（日）",
    "petition": "信访件编号",
    "channel": "信访形式",
    "received_at": "收到时间",
    "notice_type": "文书",
    "duplicates": "疑似重复事项",
}

# Parameters not shown on the timeline (codes duplicated by a name, internal lists).
HIDDEN_PARAMS = {"unit", "review_body", "recheck_body", "notice_types"}

_VALUE_LABELS = {
    "reason": {**dict(DeclineReason.choices), **dict(CloseReason.choices)},
    "procedure": dict(RouteProcedure.choices),
    "outcome": {**dict(ReplyOutcome.choices), **dict(DecisionOutcome.choices)},
    "method": dict(DeliveryMethod.choices),
    "target": dict(EvaluationTarget.choices),
    "rating": dict(Rating.choices),
    "channel": dict(Channel.choices),
    "notice_type": dict(NoticeType.choices),
    "opens": {k.value: r.label for k, r in CLOCK_RULES.items()},
}


def _iso_datetime(value: str) -> str | None:
    if len(value) < 16 or value[4] != "-" or "T" not in value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime("%Y-%m-%d %H:%M")


def param_value(key: str, value) -> str:
    if isinstance(value, str) and (formatted := _iso_datetime(value)):
        return formatted
    if isinstance(value, bool):
        if key == "signed":
            return "已签收" if value else "拒绝签收"
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if value else "无"
    labels = _VALUE_LABELS.get(key)
    if labels is not None and value in labels:
        return labels[value]
    return "" if value is None else str(value)


def event_params(params: dict) -> list[tuple[str, str]]:
    """(label, value) pairs worth showing for one event, in a stable order."""
    rows = []
    for key, value in (params or {}).items():
        if key in HIDDEN_PARAMS or value in (None, "", []):
            continue
        if key == "co_units" and not value:
            continue
        rows.append((PARAM_LABELS.get(key, key), param_value(key, value)))
    return rows


def clock_label(kind: str) -> str:
    try:
        return CLOCK_RULES[ClockKind(kind)].label
    except ValueError:
        return kind


STATE_LABELS = dict(State.choices)
CHANNEL_LABELS = dict(Channel.choices)
PURPOSE_LABELS = dict(Purpose.choices)
CLOSE_REASON_LABELS = dict(CloseReason.choices)

FLAG_LABELS = {
    "collective": "集体访/联名信",
    "repeat": "重复信访",
    "skip_level": "越级",
    "law_related": "涉法涉诉",
    "confidential": "检举控告保密",
    "anonymous": "匿名",
    "major": "重大紧急",
    "backlog": "积案",
    "cross": "三跨三分离",
}


def matter_flags(matter) -> list[str]:
    flags = [label for key, label in FLAG_LABELS.items() if getattr(matter, f"is_{key}", False)]
    if not matter.is_public:
        flags.append("不公开")
    return flags
