"""包案 (a leader owns a hard matter), progress, resolution; campaigns (专项行动)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import NotAllowed, StateConflict
from xinfang.matters.access import access_matter, visible_matters
from xinfang.matters.choices import State
from xinfang.matters.models import Matter
from xinfang.org.models import User

from ..access import LEADER_ROLES, access_case, is_case_staff, is_county_leader, works_case
from ..choices import CaseOutcome, CaseStatus, TaskSource
from ..models import Campaign, CaseProgress, LeaderCase
from . import matter_acts
from .receptions import leader_by_username
from .tasks import create_tasks, parse_tasks, records_for_key

MAX_CAMPAIGN_MATTERS = 2000


def case_create(*, actor, number: str, data: dict) -> LeaderCase:
    """包案: {leader, target_date, plan}. Bureau case staff assign any leader; a county leader takes a case."""
    if not (is_case_staff(actor) or is_county_leader(actor)):
        raise NotAllowed("只有信访局案件办理人员、局领导或县领导可以确定包案。")
    leader = leader_by_username(data.get("leader") or (actor.username if is_county_leader(actor) else ""))
    if not is_case_staff(actor) and leader.pk != actor.pk:
        raise NotAllowed("县领导只能本人包案；为其他领导确定包案请由信访局办理。")
    plan = v.text(data, "plan", "化解方案", max_length=10000)
    target = v.date_value(data, "target_date", "化解目标日期")
    if target < timezone.localdate():
        v.fail("target_date", f"化解目标日期（{target.isoformat()}）不能早于今天。")
    with transaction.atomic():
        matter = access_matter(actor, number, for_update=True)
        if matter.status == State.CLOSED:
            raise StateConflict("该事项已办结，不能再确定包案；如信访人再次信访，请就新的信访件办理。")
        if LeaderCase.objects.filter(matter=matter, status=CaseStatus.OPEN).exists():
            raise StateConflict("该事项已有领导包案，请先办结原包案。")
        try:
            with transaction.atomic():
                case = LeaderCase.objects.create(matter=matter, leader=leader, plan=plan, target_date=target,
                                                 created_by=actor, created_at=timezone.now())
        except IntegrityError:
            raise StateConflict("该事项已有领导包案，请先办结原包案。") from None
        matter_acts.take_ownership(actor=actor, matter=matter, case=case)
        return case


def case_progress(*, actor, case_id, data: dict) -> CaseProgress:
    with transaction.atomic():
        case = access_case(actor, case_id, for_update=True)
        if not works_case(actor, case):
            raise NotAllowed("只有包案领导本人或信访局案件办理人员可以记录包案进展。")
        text = v.text(data, "text", "进展情况", max_length=10000)
        occurred = v.occurred_at(data.get("occurred_at"), last_event_at=None)
        if case.status != CaseStatus.OPEN:
            raise StateConflict("该包案已办结，不能再记录进展。")
        if occurred < case.created_at:
            v.fail("occurred_at", "进展时间不能早于包案时间。")
        tasks = parse_tasks(data.get("tasks"), not_before=timezone.localtime(occurred).date(), before_label="进展日期")
        progress = CaseProgress.objects.create(case=case, text=text, occurred_at=occurred, recorded_by=actor)
        create_tasks(tasks, source=TaskSource.CASE, actor=actor, case=case, matter=case.matter)
        return progress


def case_resolve(*, actor, case_id, data: dict) -> LeaderCase:
    with transaction.atomic():
        case = access_case(actor, case_id, for_update=True)
        if not works_case(actor, case):
            raise NotAllowed("只有包案领导本人或信访局案件办理人员可以办结包案。")
        outcome = v.choice(data, "outcome", "化解结果", CaseOutcome)
        note = v.text(data, "note", "办结说明", max_length=10000)
        if case.status != CaseStatus.OPEN:
            raise StateConflict("该包案已办结。")
        case.resolve(outcome=outcome, note=note, at=timezone.now())
        case.save(update_fields=["status", "outcome", "resolution_note", "resolved_at"])
        from xinfang.supervision.choices import RecordState
        from xinfang.supervision.services.records import close_quietly

        for record in records_for_key(f"case:{case.pk}:"):
            if record.state in (RecordState.OPEN, RecordState.RESPONDED):
                close_quietly(record, "包案已办结，自动销号")
        matter = Matter.objects.select_for_update().get(pk=case.matter_id)
        matter_acts.end_ownership(actor=actor, matter=matter, case=case)
        return case


# ---- campaigns -------------------------------------------------------------------------------


def _numbers(raw, field: str) -> list[str]:
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = raw.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(raw, list):
        v.fail(field, "应为事项编号列表。")
    return list(dict.fromkeys(str(n).strip() for n in raw if str(n).strip()))


def matters_by_numbers(actor, raw, field: str = "matters", limit: int = MAX_CAMPAIGN_MATTERS) -> list:
    numbers = _numbers(raw, field)
    if len(numbers) > limit:
        v.fail(field, f"一次最多 {limit} 件事项。")
    found = list(visible_matters(actor).filter(number__in=numbers))
    missing = sorted(set(numbers) - {m.number for m in found})
    if missing:
        v.fail(field, f"事项编号“{'、'.join(missing[:10])}”不存在或您无权查看。")
    return found


def campaign_create(*, actor, data: dict) -> Campaign:
    if not is_case_staff(actor):
        raise NotAllowed("只有信访局案件办理人员或局领导可以建立专项行动。")
    name = v.text(data, "name", "专项行动名称", max_length=120)
    start = v.date_value(data, "start", "开始日期")
    end = v.date_value(data, "end", "结束日期")
    if end < start:
        v.fail("end", "结束日期不能早于开始日期。")
    description = v.text(data, "description", "工作要求", required=False, max_length=10000)
    owner_names = data.get("owners") or []
    if isinstance(owner_names, str):
        owner_names = [n for n in owner_names.replace("，", ",").split(",") if n.strip()]
    owners = [leader_by_username(n, field="owners") for n in owner_names]
    matters = matters_by_numbers(actor, data.get("matters"))
    with transaction.atomic():
        campaign = Campaign.objects.create(name=name, start=start, end=end, description=description, created_by=actor)
        campaign.owners.set(owners)
        campaign.matters.set(matters)
        return campaign


def campaign_add_matters(*, actor, campaign_id, data: dict) -> Campaign:
    if not is_case_staff(actor):
        raise NotAllowed("只有信访局案件办理人员或局领导可以调整专项行动。")
    matters = matters_by_numbers(actor, data.get("matters"))
    if not matters:
        v.fail("matters", "请填写要纳入的事项编号。")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None:
            from xinfang.core.errors import NotVisible

            raise NotVisible("未找到该专项行动。")
        campaign.matters.add(*matters)
        return campaign


def leaders_choices():
    return [u for u in User.objects.filter(is_active=True).order_by("username") if u.has_role(*LEADER_ROLES)]
