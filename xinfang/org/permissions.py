"""The permission matrix: every role and what it may do, in one place (docs/permissions.md is
rendered from here by ``python manage.py workflow_doc``, and a test keeps it in sync).

The access functions (``matters.access``), the workflow's actor kinds (``matters.workflow.actor_kinds``)
and the pages read ``roles_with(ability)`` / ``may(user, ability)``; nothing else lists roles.
Where an ability depends on the matter (a unit's staff act on matters their unit holds), the
matrix says what the role may do *in principle*; the access function and the workflow table
narrow it to the matter.
"""

from __future__ import annotations

from enum import StrEnum

from .choices import Role


class Ability(StrEnum):
    SEE_COUNTY = "see_county"
    SEE_UNIT = "see_unit"
    REVEAL = "reveal"
    REGISTER_AT_BUREAU = "register_at_bureau"
    REGISTER_AT_UNIT = "register_at_unit"
    INTAKE = "intake"
    HANDLE_CASES = "handle_cases"
    HANDLE_FOR_UNIT = "handle_for_unit"
    LEAD_UNIT = "lead_unit"
    LEAD_BUREAU = "lead_bureau"
    SUPERVISE = "supervise"
    ADMINISTER = "administer"
    AUDIT = "audit"


ABILITY_LABELS = {
    Ability.SEE_COUNTY: "查看全县信访事项（列表、统计、导出、API）",
    Ability.SEE_UNIT: "查看本单位经手的信访事项（被检举控告的单位看不到检举其的事项，第三十条）",
    Ability.REVEAL: "查看完整身份证号、电话（记入访问日志；责任单位仅限本单位办理中的事项）",
    Ability.REGISTER_AT_BUREAU: "在信访局登记信访件",
    Ability.REGISTER_AT_UNIT: "以本单位名义登记直接收到的信访件",
    Ability.INTAKE: "直接答复登记的事项；代信访人录入评价、复查/复核申请",
    Ability.HANDLE_CASES: "转送、交办、不予受理、审核退回、办结；代复查/复核机关录入",
    Ability.HANDLE_FOR_UNIT: "本单位办理：受理、异议退回、出具意见、送达；作为复查/复核机关决定",
    Ability.LEAD_UNIT: "本单位负责人：批准或不批准延期",
    Ability.LEAD_BUREAU: "信访局领导：签发通报、改派回访",
    Ability.SUPERVISE: "督查督办：督办、催办、回访、建议书",
    Ability.ADMINISTER: "系统管理：单位、人员、设置、模板",
    Ability.AUDIT: "审计：个人信息访问日志（筛选、导出）与异常访问量提示；系统管理员不能查看（三员分立）",
}

A = Ability
MATRIX: dict[Role, frozenset[Ability]] = {
    Role.REGISTRAR: frozenset({A.SEE_COUNTY, A.REVEAL, A.REGISTER_AT_BUREAU, A.INTAKE}),
    Role.CASE_OFFICER: frozenset({A.SEE_COUNTY, A.REVEAL, A.REGISTER_AT_BUREAU, A.INTAKE, A.HANDLE_CASES, A.SUPERVISE}),
    Role.BUREAU_LEADER: frozenset({A.SEE_COUNTY, A.REVEAL, A.REGISTER_AT_BUREAU, A.INTAKE, A.HANDLE_CASES, A.SUPERVISE,
                                   A.LEAD_BUREAU}),
    Role.UNIT_HANDLER: frozenset({A.SEE_UNIT, A.REVEAL, A.REGISTER_AT_UNIT, A.HANDLE_FOR_UNIT}),
    Role.UNIT_LEADER: frozenset({A.SEE_UNIT, A.REVEAL, A.REGISTER_AT_UNIT, A.HANDLE_FOR_UNIT, A.LEAD_UNIT}),
    Role.COUNTY_LEADER: frozenset({A.SEE_COUNTY}),
    Role.AUDITOR: frozenset({A.SEE_COUNTY, A.AUDIT}),
    Role.ADMIN: frozenset({A.SEE_COUNTY, A.ADMINISTER}),
}


def roles_with(ability: Ability) -> frozenset[Role]:
    return frozenset(role for role, abilities in MATRIX.items() if ability in abilities)


def abilities(user) -> frozenset[Ability]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    out: set[Ability] = set()
    for role in user.roles or []:
        out |= MATRIX.get(Role(role), frozenset()) if role in Role.values else frozenset()
    return frozenset(out)


def may(user, ability: Ability) -> bool:
    return ability in abilities(user)


# The role groups the code reads (derived, never listed by hand).
COUNTY_WIDE_ROLES = roles_with(A.SEE_COUNTY)
UNIT_ROLES = roles_with(A.SEE_UNIT)
REVEAL_ROLES = roles_with(A.REVEAL)
BUREAU_ROLES = roles_with(A.REGISTER_AT_BUREAU)
BUREAU_CASE_ROLES = roles_with(A.HANDLE_CASES)
INTAKE_ROLES = roles_with(A.INTAKE)
UNIT_LEADER_ROLES = roles_with(A.LEAD_UNIT)


def permissions_markdown() -> str:
    roles = list(Role)
    lines = [
        "# 权限矩阵 (permission matrix)",
        "",
        "Generated from `xinfang/org/permissions.py` by `python manage.py workflow_doc` — do not edit by hand.",
        "Access functions (`matters.access`), the workflow's actor kinds (`matters.workflow.actor_kinds`) and the",
        "pages read this matrix; what a role may do on one matter is then narrowed by the access function (which",
        "matters it sees) and the workflow table (which acts, in which state — docs/workflow.md).",
        "",
        "| 能力 (ability) | " + " | ".join(f"{r.label} `{r.value}`" for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for ability in Ability:
        marks = " | ".join("✔" if ability in MATRIX[r] else "" for r in roles)
        lines.append(f"| {ABILITY_LABELS[ability]} `{ability.value}` | {marks} |")
    lines += [
        "",
        "Workflow actor kinds (docs/workflow.md \"Who\") from abilities: `handle_cases` → bureau (and, recording for",
        "them, review/recheck body and petitioner); `intake` → bureau_intake (and petitioner); `handle_for_unit` →",
        "handler, review_body or recheck_body when the user's unit holds that part of the matter; `lead_unit` →",
        "handler_leader. The deadline engine is `system`.",
        "",
    ]
    return "\n".join(lines)
