"""三项建议权 (§40) and reward/sanction recommendations: issue, feedback, adoption.

A recommendation is issued with its 建议书 (numbered 建, ``papers.py``) in one transaction; the
文号 is the document's, never typed in.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import NotAllowed, StateConflict
from xinfang.matters.access import visible_matters
from xinfang.matters.choices import HandlingClass
from xinfang.org import lookups
from xinfang.org.choices import UnitKind
from xinfang.workdays.clocks import PeriodUnit, compute_due
from xinfang.workdays.models import current_rules, load_calendar

from ..access import access_recommendation, require_bureau, speaks_for
from ..choices import Adoption, RecommendationKind, RecommendationState
from ..models import Recommendation, current_policy
from .papers import issue_recommendation_paper


def feedback_due_from(day: dt.date) -> dt.date:
    """30 days by default (a setting); a due day on a holiday rolls to the next working day."""
    result = compute_due(start=day, period=current_policy().feedback_days, unit=PeriodUnit.DAYS,
                         calendar=load_calendar(), rules=current_rules().counting, start_label="发出")
    return result.due


def recommendation_create(*, actor, data: dict) -> Recommendation:
    require_bureau(actor, "只有信访局可以提出建议。")
    kind = v.choice(data, "kind", "建议类别", RecommendationKind)
    title = v.text(data, "title", "标题", max_length=200)
    content = v.text(data, "content", "建议内容", max_length=50000)
    subject = v.text(data, "subject", "涉及人员或单位", required=kind in (RecommendationKind.REWARD, RecommendationKind.SANCTION), max_length=200)
    recipient = lookups.unit_by_code(data.get("recipient_unit"), field="recipient_unit", label="收文单位")
    if recipient.kind in (UnitKind.BUREAU, UnitKind.EXTERNAL):
        v.fail("recipient_unit", "建议书应发给县内有关机关或单位。")
    numbers = data.get("matters") or []
    if isinstance(numbers, str):
        numbers = numbers.replace("，", ",").replace("\n", ",").split(",")
    numbers = list(dict.fromkeys(str(n).strip() for n in numbers if str(n).strip()))
    matters = list(visible_matters(actor).filter(number__in=numbers))
    missing = sorted(set(numbers) - {m.number for m in matters})
    if missing:
        v.fail("matters", f"事项编号“{'、'.join(missing)}”不存在或您无权查看。")
    accused = sorted(m.number for m in matters if m.handling_class == HandlingClass.ACCUSATION
                     and m.accused_unit_id == recipient.pk)
    if accused:  # §30: the accused unit never receives the accusation, not even by its number
        v.fail("matters", f"事项“{'、'.join(accused)}”是反映“{recipient.name}”的检举控告，不能列入发给该单位的建议书。")
    today = timezone.localdate()
    due = v.date_value(data, "feedback_due", "反馈期限", required=False) or feedback_due_from(today)
    if due <= today:
        v.fail("feedback_due", "反馈期限应晚于今天。")
    with transaction.atomic():
        rec = Recommendation.objects.create(
            kind=kind, title=title, content=content, subject=subject, recipient_unit=recipient,
            issued_at=timezone.now(), issued_by=actor, feedback_due=due,
        )
        if matters:
            rec.matters.add(*matters)
        issue_recommendation_paper(rec, actor=actor)  # numbers it (文号) and stores the 建议书
        return rec


def recommendation_feedback(*, actor, rec_id, data: dict) -> Recommendation:
    """The recipient answers in writing and states whether it adopted the recommendation."""
    feedback = v.text(data, "feedback", "书面反馈", max_length=50000)
    adoption = v.choice(data, "adoption", "采纳情况", Adoption)
    with transaction.atomic():
        rec = access_recommendation(actor, rec_id, for_update=True)
        if not speaks_for(actor, rec.recipient_unit_id):
            raise NotAllowed("只有收文单位的工作人员可以反馈。")
        if rec.state != RecommendationState.SENT:
            raise StateConflict("该建议书已经反馈。")
        rec.feedback, rec.adoption, rec.state = feedback, adoption, RecommendationState.ANSWERED
        rec.feedback_at, rec.feedback_by = timezone.now(), actor
        rec.save()
        return rec
