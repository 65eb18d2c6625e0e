"""苗头隐患排查化解台账: risks recorded and resolved by towns and departments, monthly reports."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core.errors import NotAllowed, NotVisible, StateConflict
from xinfang.matters.access import access_matter
from xinfang.org.models import Unit
from xinfang.supervision.choices import RecordState
from xinfang.supervision.models import SupervisionRecord

from .. import validation as v
from ..access import is_bureau_writer, may_write_risks_of, unit_staff, visible_risks
from ..choices import REPORTING_UNIT_KINDS, RiskLevel, RiskState
from ..models import Risk, RiskChange, RiskMatter, RiskReport

MAX_PEOPLE = 100000


def _unit_for(actor, data: dict, field: str = "unit") -> Unit:
    """A town's or department's staff write for their own unit (the field may be left out); the
    bureau names the unit. Another unit's code → 403."""
    code = data.get(field)
    if not code and unit_staff(actor) and not is_bureau_writer(actor):
        unit = actor.unit
    else:
        unit = v.unit_by_code(code, field=field, label="单位")
    if unit.kind not in REPORTING_UNIT_KINDS:
        v.fail(field, f"“{unit.name}”不是乡镇（街道）或县直部门，不报送隐患排查台账。")
    if not may_write_risks_of(actor, unit):
        raise NotAllowed("只能填报本单位的隐患排查台账。")
    return unit


def clean_risk(actor, data: dict, *, field_prefix: str = "") -> dict:
    """Parse one risk (also used row by row by the Excel import)."""
    v.no_nul(data)
    unit = _unit_for(actor, data)
    found_on = v.past_date(data, "found_on", "发现日期")
    return {
        "unit": unit,
        "found_on": found_on,
        "summary": v.text(data, "summary", "隐患概况", max_length=5000),
        "people_count": v.integer(data, "people_count", "涉及人数", minimum=1, maximum=MAX_PEOPLE),
        "level": v.choice(data, "level", "风险等级", RiskLevel),
        "responsible": v.text(data, "responsible", "包案责任人", required=False, max_length=60),
        "measures": v.text(data, "measures", "化解措施", required=False, max_length=5000),
    }


def risk_create(*, actor, data: dict) -> Risk:
    fields = clean_risk(actor, data)
    with transaction.atomic():
        return Risk.objects.create(created_by=actor, **fields)


def access_risk(actor, pk, *, for_update: bool = False) -> Risk:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotVisible("未找到该隐患，或您无权查看。") from None
    qs = visible_risks(actor)
    if for_update:
        qs = qs.select_for_update()
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotVisible("未找到该隐患，或您无权查看。")
    return row


def risk_resolve(*, actor, pk, data: dict) -> Risk:
    v.no_nul(data)
    measures = v.text(data, "measures", "化解措施", max_length=5000)
    resolved_on = v.past_date(data, "resolved_on", "化解日期")
    with transaction.atomic():
        row = access_risk(actor, pk, for_update=True)
        if not may_write_risks_of(actor, row.unit):
            raise NotAllowed("只能处理本单位的隐患。")
        if row.state == RiskState.RESOLVED:
            raise StateConflict("该隐患已化解。")
        if resolved_on < row.found_on:
            v.fail("resolved_on", "化解日期不能早于发现日期。")
        row.measures = f"{row.measures}\n{measures}".strip() if row.measures and measures not in row.measures else measures
        row.state, row.resolved_on = RiskState.RESOLVED, resolved_on
        row.save()
        return row


EDITABLE = ("found_on", "summary", "people_count", "level", "responsible", "measures")


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def risk_update(*, actor, pk, data: dict) -> Risk:
    """Correct an open risk (the fields given; the unit stays). Each changed field is kept in the risk's
    history as [old, new] with the editor, the time and an optional note. Nothing changed → 409; a
    resolved risk → 409; moving it into a month for which the unit filed a nil report → 400."""
    v.no_nul(data)
    with transaction.atomic():
        row = access_risk(actor, pk, for_update=True)
        if not may_write_risks_of(actor, row.unit):
            raise NotAllowed("只能修改本单位的隐患。")
        if row.state == RiskState.RESOLVED:
            raise StateConflict("该隐患已化解，不能再修改。")
        merged = {f: _plain(getattr(row, f)) for f in EDITABLE}
        merged.update({k: data[k] for k in EDITABLE if k in data})
        merged["unit"] = row.unit.code
        cleaned = clean_risk(actor, merged)
        cleaned.pop("unit")
        note = v.text(data, "note", "修改说明", required=False, max_length=500)
        changes = {f: [_plain(getattr(row, f)), _plain(value)] for f, value in cleaned.items()
                   if getattr(row, f) != value}
        if not changes:
            raise StateConflict("没有修改任何内容。")
        if "found_on" in changes:
            month = cleaned["found_on"].replace(day=1)
            if RiskReport.objects.filter(unit=row.unit, month=month, nil_report=True).exists():
                v.fail("found_on", f"本单位 {month_key(month)} 已报送零报告，发现日期不能改到该月。")
        for f, value in cleaned.items():
            setattr(row, f, value)
        row.save(update_fields=list(changes))
        RiskChange.objects.create(risk=row, kind=RiskChange.Kind.EDIT, changes=changes, note=note, at=timezone.now(),
                                  by=actor)
        return row


def _linkable(actor, pk, data: dict):
    v.no_nul(data)
    number = v.text(data, "matter", "事项编号", max_length=40)
    row = access_risk(actor, pk, for_update=True)
    if not may_write_risks_of(actor, row.unit):
        raise NotAllowed("只能处理本单位的隐患。")
    try:
        matter = access_matter(actor, number)  # the access function: only matters the caller may see
    except NotVisible:
        v.fail("matter", f"事项编号“{number}”不存在或您无权查看。")
    note = v.text(data, "note", "说明", required=False, max_length=500)
    return row, matter, note


def risk_link(*, actor, pk, data: dict) -> RiskMatter:
    """Link a matter the caller may see to a risk of their unit (the petitions the risk is about)."""
    with transaction.atomic():
        row, matter, note = _linkable(actor, pk, data)
        if RiskMatter.objects.filter(risk=row, matter=matter).exists():
            raise StateConflict(f"事项 {matter.number} 已关联该隐患。")
        link = RiskMatter.objects.create(risk=row, matter=matter, linked_by=actor, linked_at=timezone.now())
        RiskChange.objects.create(risk=row, kind=RiskChange.Kind.LINK, matter_number=matter.number, note=note,
                                  at=link.linked_at, by=actor)
        return link


def risk_unlink(*, actor, pk, data: dict) -> Risk:
    with transaction.atomic():
        row, matter, note = _linkable(actor, pk, data)
        deleted, _ = RiskMatter.objects.filter(risk=row, matter=matter).delete()
        if not deleted:
            raise StateConflict(f"事项 {matter.number} 未关联该隐患。")
        RiskChange.objects.create(risk=row, kind=RiskChange.Kind.UNLINK, matter_number=matter.number, note=note,
                                  at=timezone.now(), by=actor)
        return row


def month_key(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def report_file(*, actor, data: dict) -> RiskReport:
    """A unit's monthly report; ``nil_report`` when nothing was found. Never for a future month,
    never twice; a nil report while the month has risks on the ledger is refused."""
    v.no_nul(data)
    unit = _unit_for(actor, data)
    month = v.month(data)
    nil = v.boolean(data, "nil_report")
    note = v.text(data, "note", "说明", required=False, max_length=500)
    today = timezone.localdate()
    if month > today.replace(day=1):
        v.fail("month", f"不能报送将来月份（{month_key(month)}）的月报。")
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    found = Risk.objects.filter(unit=unit, found_on__gte=month, found_on__lt=next_month).count()
    if nil and found:
        v.fail("nil_report", f"本单位 {month_key(month)} 已登记 {found} 条隐患，不能报送零报告。")
    if not nil and not found and not Risk.objects.filter(unit=unit, state=RiskState.OPEN, found_on__lt=next_month).exists():
        v.fail("nil_report", f"本单位 {month_key(month)} 未登记隐患，也没有在化解的隐患，请报送零报告。")
    try:
        with transaction.atomic():
            row = RiskReport.objects.create(unit=unit, month=month, nil_report=nil, risk_count=found, note=note,
                                            filed_at=timezone.now(), filed_by=actor)
            SupervisionRecord.objects.filter(trigger_key=f"risk_report:{unit.pk}:{month_key(month)}",
                                             state__in=[RecordState.OPEN, RecordState.RESPONDED]).update(
                state=RecordState.CLOSED, closed_at=timezone.now(), close_note="月报已报送，自动销号")
    except IntegrityError:
        raise StateConflict(f"{unit.name} {month_key(month)} 的月报已报送，不能重复报送。",
                            fields={"month": "本月已报送"}) from None
    return row
