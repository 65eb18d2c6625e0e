"""Joint meetings (联席会议), leaders' and campaign meetings: decisions and the tasks they assign."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import NotAllowed, NotVisible
from xinfang.org import lookups

from ..access import is_case_staff
from ..choices import MeetingKind, TaskSource
from ..models import Campaign, Decision, Meeting
from .cases import matters_by_numbers
from .tasks import create_tasks, parse_tasks

MAX_UNITS = 100


def meeting_create(*, actor, data: dict) -> Meeting:
    if not is_case_staff(actor):
        raise NotAllowed("只有信访局案件办理人员或局领导可以登记会议。")
    kind = v.choice(data, "kind", "会议类型", MeetingKind)
    date = v.date_value(data, "date", "会议日期")
    title = v.text(data, "title", "会议名称", max_length=200)
    place = v.text(data, "place", "地点", required=False, max_length=120)
    chair = v.text(data, "chair", "主持人", required=False, max_length=60)
    codes = data.get("units") or []
    if isinstance(codes, str):
        codes = [c for c in codes.replace("，", ",").split(",") if c.strip()]
    if not isinstance(codes, list):
        v.fail("units", "参会单位应为单位代码列表。")
    if len(codes) > MAX_UNITS:
        v.fail("units", f"参会单位不超过 {MAX_UNITS} 个。")
    units = lookups.units_by_codes(codes, "units", "参会单位") if codes else []
    campaign = None
    if data.get("campaign") not in (None, ""):
        campaign = Campaign.objects.filter(pk=v.integer(data, "campaign", "专项行动")).first()
        if campaign is None:
            v.fail("campaign", "专项行动不存在。")
    with transaction.atomic():
        meeting = Meeting.objects.create(kind=kind, date=date, title=title, place=place, chair=chair,
                                         campaign=campaign, created_by=actor)
        meeting.units.set(units)
        return meeting


def decision_create(*, actor, meeting_id, data: dict) -> Decision:
    """A decision of the meeting: {text, matters, tasks: [{unit, due, text}]}; tasks due before the meeting are refused."""
    if not is_case_staff(actor):
        raise NotAllowed("只有信访局案件办理人员或局领导可以录入会议议定事项。")
    text = v.text(data, "text", "议定事项", max_length=10000)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=_int(meeting_id)).first()
        if meeting is None:
            raise NotVisible("未找到该会议。")
        tasks = parse_tasks(data.get("tasks"), not_before=meeting.date, before_label="会议日期")
        matters = matters_by_numbers(actor, data.get("matters"), limit=200)
        decision = Decision.objects.create(meeting=meeting, text=text, created_by=actor)
        decision.matters.set(matters)
        at = timezone.now()
        matter = matters[0] if len(matters) == 1 else None
        create_tasks(tasks, source=TaskSource.DECISION, actor=actor, at=at, decision=decision, matter=matter)
        return decision


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
