"""Render the workflow and clock tables as Markdown (docs/workflow.md is generated from here,
and a test keeps it in sync, so the documentation cannot drift from the code)."""

from __future__ import annotations

from xinfang.workdays.clocks import UNIT_ZH
from xinfang.workdays.rules import CLOCK_RULES

from .choices import State
from .workflow import COMMON_INPUTS, TRANSITIONS

ACTOR_ZH = {
    "bureau": "信访局案件办理（案件办理员、局领导）",
    "bureau_intake": "信访局登记（登记员、案件办理员、局领导）",
    "handler": "主办单位经办人/负责人",
    "handler_leader": "主办单位负责人",
    "review_body": "复查机关（或代为录入的信访局）",
    "recheck_body": "复核机关（或代为录入的信访局）",
    "petitioner": "信访人（门户）或代为录入的信访局工作人员",
    "system": "每日时限引擎",
}
STATE_ZH = dict(State.choices)


def workflow_markdown() -> str:
    lines = [
        "# 信访事项办理流程表 (workflow table)",
        "",
        "Generated from `xinfang/matters/workflow.py` by `python manage.py workflow_doc` — do not edit by hand.",
        "Every action is performed by `perform_action` (xinfang/matters/services/actions.py), which checks this table.",
        "",
        "## States",
        "",
        "| State | 中文 |",
        "|---|---|",
    ]
    lines += [f"| `{s.value}` | {s.label} |" for s in State]
    lines += [
        "",
        "## Actions",
        "",
        "| Action | 中文 | From | To | Who | Clocks met | Clocks started | Clocks cancelled | Guard | Fields | Notices | Article (《信访工作条例》) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in TRANSITIONS:
        sources = ", ".join(f"`{s}`" for s in State if s in t.sources)
        target = f"`{t.target}`" if t.target else "(see note)"
        if t.close_reason:
            target += f" (`{t.close_reason}`)"
        who = "; ".join(ACTOR_ZH[a] for a in sorted(t.actors))
        row = [
            f"`{t.action}`", t.label, sources, target, who,
            ", ".join(f"`{k}`" for k in t.meets) or "—",
            ", ".join(f"`{k}`" for k in t.starts) or "—",
            ", ".join(f"`{k}`" for k in t.cancels) or "—",
            f"`{t.guard}`" if t.guard else "—",
            ", ".join(f"`{f}`" for f in t.fields) or "—",
            ", ".join(f"`{n.doc_type}`" for n in t.notices) or "—",
            t.article + (f"<br>{t.notes}" if t.notes else ""),
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Actor exceptions (`actor_rules`, first matching condition decides; `permitted_actors`):",
        "",
    ]
    for t in TRANSITIONS:
        for condition, actors in t.actor_rules:
            lines.append(f"* `{t.action}` when `{condition}`: " + "; ".join(ACTOR_ZH[a] for a in sorted(actors)))
        for name, value, actors, _message in t.input_actors:
            lines.append(f"* `{t.action}` with `{name}` = `{value}`: " + "; ".join(ACTOR_ZH[a] for a in sorted(actors)))
    lines += [
        "",
        "## Inputs",
        "",
        "Every action also takes " + ", ".join(f"`{i.name}` ({i.label}: {i.describe()})" for i in COMMON_INPUTS)
        + "; the API also takes `expected_version`. Files (`attachments`) are sent as multipart/form-data and stored "
        "with the act's event; the petitioner sees them only when `attachments_public` is true (portal uploads: always).",
        "The API serializer, the OpenAPI schema, the workbench form and this table are derived from these declarations.",
        "",
        "| Action | Input | 中文 | Type and bounds | Help |",
        "|---|---|---|---|---|",
    ]
    for t in TRANSITIONS:
        for i in t.inputs:
            lines.append(f"| `{t.action}` | `{i.name}` | {i.label} | {i.describe()} | {i.help or '—'} |")
    lines += [
        "",
        "## Clocks",
        "",
        "| Clock | 中文 | Period | Starts at | Binds | Source |",
        "|---|---|---|---|---|---|",
    ]
    for rule in CLOCK_RULES.values():
        period = f"{rule.period} {UNIT_ZH[rule.unit]}" if rule.period is not None else "set by the act"
        binds = rule.obligor.value if rule.obligation else f"{rule.obligor.value} (a right that lapses)"
        lines.append(f"| `{rule.kind}` | {rule.label} | {period} | {rule.start_label} | {binds} | {rule.source} |")
    lines.append("")
    return "\n".join(lines)

