"""Annual assessment (目标管理考核, 条例 §39): schemes, manual scores, and the scores per unit.

Scoring rules (one per indicator, ``Rule``):

* ``rate``: points = weight × rate (a unit without a sample gets weight × the county's rate,
  flagged 无样本);
* ``inverse_rate``: points = weight × (1 − rate) (repeat rate: lower is better), same fallback;
* ``deduct``: points = max(0, weight − per_item × count);
* ``manual``: points typed in by the bureau (0 … weight) with their evidence; none yet → 0.

A unit's score is the sum of its parts (two decimals). A unit's sample is what its rate parts rest
on: the sum, over the scheme's distinct rate measures, of the unit's denominators (clocks, ratings,
tasks, months of risk reports…). Units whose sample is below the rule set's ``ranking_min_sample``
are flagged 样本不足 and get no rank, as in the rankings of the rates; a scheme without rate parts
flags nobody. Ranks: higher score first, ties share a rank.
Assessed units: every active town and department.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import InvalidInput, NotAllowed, NotVisible, StateConflict
from xinfang.org.choices import Role, UnitKind
from xinfang.org.models import Unit
from xinfang.org.permissions import COUNTY_WIDE_ROLES
from xinfang.workdays.models import current_rules

from . import measures
from .models import AssessmentScheme, Indicator, ManualScore, Rule, SchemeState
from .periods import parse_year, year_period

ASSESSED_KINDS = (UnitKind.TOWN, UnitKind.DEPARTMENT)
EDIT_ROLES = (Role.BUREAU_LEADER, Role.CASE_OFFICER, Role.ADMIN)
CENT = Decimal("0.01")


def may_read(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*COUNTY_WIDE_ROLES))


def may_edit(user) -> bool:
    return bool(may_read(user) and user.has_role(*EDIT_ROLES) and (user.in_bureau or user.has_role(Role.ADMIN)))


def require_read(user) -> None:
    if not may_read(user):
        raise NotAllowed("只有信访局、县领导和审计人员可以查看考核。")


def require_edit(user) -> None:
    if not may_edit(user):
        raise NotAllowed("只有信访局案件办理人员、局领导或系统管理员可以编制考核方案。")


def access_scheme(user, pk, *, for_update: bool = False) -> AssessmentScheme:
    require_read(user)
    qs = AssessmentScheme.objects.all()
    if for_update:
        qs = qs.select_for_update()
    scheme = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if scheme is None:
        raise NotVisible("未找到该考核方案。")
    return scheme


def _decimal(raw, field: str, label: str) -> Decimal:
    if isinstance(raw, bool):
        raw = None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{label}应为数字。", fields={field: "应为数字"}) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidInput(f"{label}应在 0 至 100 之间。", fields={field: "应在 0–100 之间"})
    return value.quantize(CENT, ROUND_HALF_UP)


def parse_indicators(raw) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("请至少设置一项考核指标。", fields={"indicators": "应为非空列表"})
    if len(raw) > 40:
        raise InvalidInput("考核指标最多 40 项。", fields={"indicators": "最多 40 项"})
    out, codes = [], set()
    for i, item in enumerate(raw):
        f = f"indicators[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"第 {i + 1} 项指标格式错误。", fields={f: "应为对象"})
        code = str(item.get("code") or "").strip()
        label = str(item.get("label") or "").strip()
        measure = str(item.get("measure") or "").strip()
        if not code or len(code) > 40 or "\x00" in code:
            raise InvalidInput(f"第 {i + 1} 项指标缺少代码 code。", fields={f"{f}.code": "必填，最多 40 字符"})
        if code in codes:
            raise InvalidInput(f"指标代码“{code}”重复。", fields={f"{f}.code": "代码重复"})
        codes.add(code)
        if not label or len(label) > 100 or "\x00" in label:
            raise InvalidInput(f"第 {i + 1} 项指标缺少名称 label。", fields={f"{f}.label": "必填，最多 100 字"})
        weight = _decimal(item.get("weight"), f"{f}.weight", f"指标“{label}”的权重")
        rule = str(item.get("rule") or "").strip()
        if measure == "manual" or rule == Rule.MANUAL:
            measure, rule = "manual", Rule.MANUAL
        else:
            m = measures.get(measure)
            if m is None:
                known = "、".join(sorted(measures.REGISTRY))
                raise InvalidInput(f"指标“{label}”的计算口径“{measure[:40]}”不存在，可选：{known}，或 manual（人工评分）。",
                                   fields={f"{f}.measure": "未知的计算口径"})
            rule = rule or (Rule.RATE if m.kind == "rate" else Rule.DEDUCT)
            allowed = (Rule.RATE, Rule.INVERSE_RATE) if m.kind == "rate" else (Rule.DEDUCT,)
            if rule not in allowed:
                raise InvalidInput(f"指标“{label}”的评分规则“{rule[:20]}”不适用于{m.label}。",
                                   fields={f"{f}.rule": f"可选：{'、'.join(allowed)}"})
        per_item = _decimal(item.get("per_item", 1), f"{f}.per_item", f"指标“{label}”的每件扣分")
        out.append({"code": code, "label": label, "weight": weight, "measure": measure, "rule": rule,
                    "per_item": per_item, "position": i})
    total = sum(x["weight"] for x in out)
    if total != 100:
        raise InvalidInput(f"各项指标权重之和应为 100，现为 {total.normalize():f}。", fields={"indicators": "权重之和应为 100"})
    return out


def create_scheme(*, actor, data: dict, today: dt.date | None = None) -> AssessmentScheme:
    require_edit(actor)
    year = parse_year(data.get("year"), today=today)
    name = str(data.get("name") or "").strip() or f"{year}年度信访工作目标管理考核方案"
    if len(name) > 200 or "\x00" in name:
        raise InvalidInput("方案名称过长或含有非法字符。", fields={"name": "最多 200 字"})
    indicators = parse_indicators(data.get("indicators"))
    with transaction.atomic():
        scheme = AssessmentScheme.objects.create(year=year, name=name, created_by=actor)
        Indicator.objects.bulk_create([Indicator(scheme=scheme, **x) for x in indicators])
    return scheme


def update_scheme(*, actor, pk, data: dict) -> AssessmentScheme:
    require_edit(actor)
    with transaction.atomic():
        scheme = access_scheme(actor, pk, for_update=True)
        if scheme.is_published:
            raise StateConflict("考核方案已发布，不能再修改。")
        if "name" in data:
            name = str(data.get("name") or "").strip()
            if not name or len(name) > 200:
                raise InvalidInput("方案名称不能为空，最多 200 字。", fields={"name": "必填"})
            scheme.name = name
            scheme.save(update_fields=["name"])
        if "indicators" in data:
            indicators = parse_indicators(data["indicators"])
            scheme.indicators.all().delete()
            Indicator.objects.bulk_create([Indicator(scheme=scheme, **x) for x in indicators])
    return scheme


def publish_scheme(*, actor, pk) -> AssessmentScheme:
    require_edit(actor)
    with transaction.atomic():
        scheme = access_scheme(actor, pk, for_update=True)
        if scheme.is_published:
            raise StateConflict("考核方案已经发布。")
        scheme.state = SchemeState.PUBLISHED
        scheme.published_at = timezone.now()
        scheme.save(update_fields=["state", "published_at"])
    return scheme


def enter_manual_score(*, actor, pk, indicator_code: str, unit_code: str, points, evidence: str) -> ManualScore:
    """A manual item's points for a unit (the scheme's structure is frozen once published; its
    manual scores are the assessment's data and may be entered until the notice is issued)."""
    require_edit(actor)
    with transaction.atomic():
        scheme = access_scheme(actor, pk, for_update=True)
        if scheme.notice_document_id:
            raise StateConflict("考核结果已通报，不能再修改评分。")
        indicator = scheme.indicators.filter(code=str(indicator_code or "")).first()
        if indicator is None or indicator.rule != Rule.MANUAL:
            raise InvalidInput("请选择一项人工评分指标。", fields={"indicator": "不是人工评分指标"})
        unit = Unit.objects.filter(code=str(unit_code or ""), kind__in=ASSESSED_KINDS).first()
        if unit is None:
            raise InvalidInput("被考核单位不存在。", fields={"unit": "单位代码不存在"})
        value = _decimal(points, "points", "得分")
        if value > indicator.weight:
            raise InvalidInput(f"得分不能超过该项权重 {indicator.weight.normalize():f} 分。", fields={"points": "超过权重"})
        evidence = str(evidence or "").strip()
        if not evidence or len(evidence) > 2000 or "\x00" in evidence:
            raise InvalidInput("请填写评分依据（最多 2000 字）。", fields={"evidence": "必填"})
        row, _ = ManualScore.objects.update_or_create(
            indicator=indicator, unit=unit, defaults={"points": value, "evidence": evidence, "entered_by": actor})
    return row


# ---- scoring ---------------------------------------------------------------------------------


def _q(x) -> Decimal:
    return Decimal(str(x)).quantize(CENT, ROUND_HALF_UP)


def _county_rate(values: dict) -> float | None:
    n = sum(v.numerator for v in values.values())
    d = sum(v.denominator for v in values.values())
    return n / d if d else None


def _samples(indicators, values) -> dict[int, int] | None:
    """Per unit, the denominators of the scheme's distinct rate measures, summed (None: no rate part)."""
    rated = {ind.measure for ind in indicators if ind.rule in (Rule.RATE, Rule.INVERSE_RATE)}
    if not rated:
        return None
    sizes: dict[int, int] = {}
    for measure in rated:
        for unit_id, v in values[measure].items():
            sizes[unit_id] = sizes.get(unit_id, 0) + (v.denominator or 0)
    return sizes


def scores(user, scheme: AssessmentScheme, *, today: dt.date | None = None) -> dict:
    """Scores, parts and ranks of every assessed unit (one computation per indicator)."""
    require_read(user)
    today = today or timezone.localdate()
    period = year_period(scheme.year, today)
    indicators = list(scheme.indicators.all())
    units = list(Unit.objects.filter(kind__in=ASSESSED_KINDS, active=True).order_by("kind", "code"))
    values = {}
    for ind in indicators:
        if ind.rule != Rule.MANUAL and ind.measure not in values:
            values[ind.measure] = measures.get(ind.measure).compute(user, period, today)
    manual = {(m.indicator_id, m.unit_id): m for m in
              ManualScore.objects.filter(indicator__scheme=scheme).select_related("entered_by")}
    sizes = _samples(indicators, values)
    min_sample = current_rules().ranking_min_sample
    rows = []
    for unit in units:
        parts, total = [], Decimal(0)
        for ind in indicators:
            part = {"code": ind.code, "label": ind.label, "weight": ind.weight, "rule": ind.rule, "measure": ind.measure,
                    "value": None, "numerator": None, "denominator": None, "note": ""}
            if ind.rule == Rule.MANUAL:
                m = manual.get((ind.pk, unit.pk))
                points = m.points if m else Decimal(0)
                part.update(value=float(points) if m else None, evidence=m.evidence if m else "",
                            entered_by=(m.entered_by.full_name or m.entered_by.username) if m else "",
                            note="" if m else "未评分")
            else:
                v = values[ind.measure].get(unit.pk)
                part["drill"] = measures.get(ind.measure).drill_url(unit, period)
                if ind.rule == Rule.DEDUCT:
                    count = (v.value or 0) if v else 0
                    part.update(value=count, numerator=count)
                    points = max(Decimal(0), ind.weight - ind.per_item * Decimal(str(count)))
                else:
                    rate = v.value if v is not None else None
                    if v is not None:
                        part.update(numerator=v.numerator, denominator=v.denominator)
                    if rate is None:
                        rate = _county_rate(values[ind.measure])
                        part["note"] = "无样本，按全县平均计" if rate is not None else "无样本"
                        rate = rate if rate is not None else (0.0 if ind.rule == Rule.INVERSE_RATE else 1.0)
                    else:
                        part["value"] = rate
                    factor = (1 - rate) if ind.rule == Rule.INVERSE_RATE else rate
                    points = ind.weight * Decimal(str(factor))
            part["points"] = _q(points)
            total += part["points"]
            parts.append(part)
        sample = sizes.get(unit.pk, 0) if sizes is not None else None
        rows.append({"unit": unit, "score": _q(total), "parts": parts, "sample": sample,
                     "small_sample": sample is not None and sample < min_sample, "rank": None})
    ranked = sorted((r for r in rows if not r["small_sample"]), key=lambda r: (-r["score"], r["unit"].code))
    rank, previous = 0, None
    for i, r in enumerate(ranked, 1):
        if r["score"] != previous:
            rank, previous = i, r["score"]
        r["rank"] = rank
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["score"], r["unit"].code))
    return {"scheme": scheme, "period": period, "indicators": indicators, "rows": rows, "min_sample": min_sample}
