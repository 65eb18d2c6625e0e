"""落实: decisions that must be carried out become execution tasks on the responsible unit.

An in-transaction hook on matter events (registered in ``LeadersConfig.ready``): a reply that
supports the request, a 复查 or 复核 decision that revises the earlier opinion. The task is due
``LeadersPolicy.execution_days`` (default 30) days after the act; the unit records what it did
(``task_report``), the bureau closes it, the daily engine supervises it when late. A hearing's
conclusion creates its task in ``hearings.hearing_conclude``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..choices import ExecutionBasis, TaskSource
from ..models import Task, current_policy

BASES = {
    ("reply", "support"): (ExecutionBasis.REPLY_SUPPORT, "落实信访处理意见（支持诉求）"),
    ("review_decide", "revise"): (ExecutionBasis.REVIEW_REVISE, "落实复查意见（变更原处理意见）"),
    ("recheck_decide", "revise"): (ExecutionBasis.RECHECK_REVISE, "落实复核意见（变更复查意见）"),
}


def on_matter_event(event, matter) -> Task | None:
    params = event.params or {}
    basis = BASES.get((event.action, params.get("outcome")))
    if basis is None or matter.handling_unit_id is None:
        return None
    if Task.objects.filter(event=event).exists():
        return None
    day = timezone.localtime(event.occurred_at).date()
    opinion = str(params.get("opinion") or "")[:300]
    return Task.objects.create(
        source=TaskSource.EXECUTION, basis=basis[0], matter=matter, event=event, unit_id=matter.handling_unit_id,
        due=day + dt.timedelta(days=current_policy().execution_days), text=f"{basis[1]}：{opinion}",
        created_by=event.actor, created_at=event.occurred_at,
    )
