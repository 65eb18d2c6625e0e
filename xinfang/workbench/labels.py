"""Chinese labels for what the pages show: actions, event parameters, clocks, flags."""

from __future__ import annotations

from xinfang.documents.choices import DocType
from xinfang.matters.choices import (
    STATE_LABELS,  # noqa: F401  (the pages' name for it)
    Channel,
    CloseReason,
    EvaluationTarget,
    Purpose,
)
from xinfang.matters.workflow import event_type
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

# Labels of other apps' entries shown among the events (supervision).
EXTRA_ACTION_LABELS = {
    "supervise": "督办",
    "remind": "催办",
    "callback": "回访",
    "warn": "临期提醒",
    "overdue": "超期",
}


def action_label(action: str) -> str:
    declared = event_type(action)
    if declared is not None:
        return declared.label
    return EXTRA_ACTION_LABELS.get(action, action)


# Values of event params whose vocabulary another app owns.
_VALUE_LABELS = {"notice_type": dict(DocType.choices), "target": dict(EvaluationTarget.choices)}


def param_value(key: str, value) -> str:
    """A single value shown with its label (e.g. an evaluation target on a clock row)."""
    labels = _VALUE_LABELS.get(key)
    if labels is not None and value in labels:
        return labels[value]
    return "" if value is None else str(value)


def event_params(action: str, params: dict) -> list[tuple[str, str]]:
    """(label, value) pairs worth showing for one event, read through the action's declared params
    (labels, value labels, hidden codes); a param no declaration knows is shown by its key."""
    declared = event_type(action)
    known = declared.params if declared is not None else {}
    rows = []
    for key, value in (params or {}).items():
        if value in (None, "", []):
            continue
        p = known.get(key)
        if p is None:
            rows.append((key, str(value)))
        elif p.shown:
            rows.append((p.label, _VALUE_LABELS[key].get(value, value) if key in _VALUE_LABELS else p.display(value)))
    return rows


def clock_label(kind: str) -> str:
    try:
        return CLOCK_RULES[ClockKind(kind)].label
    except ValueError:
        return kind


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
