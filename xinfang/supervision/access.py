"""Who sees and does what in supervision (one condition per line, like matters/access.py).

Bureau staff (and the county-wide read roles) see every record; a unit sees what is addressed
to it. Issuing is the bureau's job; answering is the target unit's.
"""

from __future__ import annotations

from django.db.models import QuerySet

from xinfang.core.errors import NotAllowed, NotVisible
from xinfang.org.choices import Role
from xinfang.org.permissions import BUREAU_CASE_ROLES, COUNTY_WIDE_ROLES, UNIT_ROLES

from .choices import OFFICER_KINDS
from .models import CallbackTask, Recommendation, SupervisionRecord

BUREAU_ACTING_ROLES = tuple(BUREAU_CASE_ROLES)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_bureau_staff(user) -> bool:
    """Case officers and leaders of the bureau: they issue, escalate and close."""
    return _active(user) and user.in_bureau and user.has_role(*BUREAU_ACTING_ROLES)


def sees_county(user) -> bool:
    return _active(user) and user.has_role(*COUNTY_WIDE_ROLES)


def is_unit_staff(user) -> bool:
    return _active(user) and bool(user.unit_id) and user.has_role(*UNIT_ROLES)


def may_use_supervision(user) -> bool:
    return sees_county(user) or is_unit_staff(user)


def require_bureau(user, message: str = "只有信访局案件办理人员或局领导可以执行此操作。") -> None:
    if not is_bureau_staff(user):
        raise NotAllowed(message)


def may_issue(user, kind: str) -> bool:
    if not is_bureau_staff(user):
        return False
    if kind in OFFICER_KINDS:
        return True
    return user.has_role(Role.BUREAU_LEADER)


def speaks_for(user, unit_id: int | None) -> bool:
    """May this user answer on behalf of the unit (its handlers and leaders; for the bureau, its officers)?"""
    if not _active(user) or unit_id is None or user.unit_id != unit_id:
        return False
    return user.has_role(*UNIT_ROLES) or is_bureau_staff(user)


def visible_records(user, queryset: QuerySet | None = None) -> QuerySet[SupervisionRecord]:
    qs = SupervisionRecord.objects.all() if queryset is None else queryset
    if sees_county(user):
        return qs
    if is_unit_staff(user):
        return qs.filter(target_unit_id=user.unit_id)
    return qs.none()


def access_record(user, pk, *, for_update: bool = False) -> SupervisionRecord:
    qs = visible_records(user)
    if for_update:
        qs = qs.select_for_update()
    record = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if record is None:
        raise NotVisible("未找到该督办记录，或您无权查看。")
    return record


def visible_recommendations(user) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.all()
    if sees_county(user):
        return qs
    if is_unit_staff(user):
        return qs.filter(recipient_unit_id=user.unit_id)
    return qs.none()


def access_recommendation(user, pk, *, for_update: bool = False) -> Recommendation:
    qs = visible_recommendations(user)
    if for_update:
        qs = qs.select_for_update()
    rec = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if rec is None:
        raise NotVisible("未找到该建议书，或您无权查看。")
    return rec


def visible_callbacks(user) -> QuerySet[CallbackTask]:
    """Callbacks are the bureau's work (the unit being checked never sees them)."""
    if sees_county(user) and user.in_bureau:
        return CallbackTask.objects.all()
    return CallbackTask.objects.none()


def access_callback(user, pk, *, for_update: bool = False) -> CallbackTask:
    qs = visible_callbacks(user)
    if for_update:
        qs = qs.select_for_update()
    task = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if task is None:
        raise NotVisible("未找到该回访任务，或您无权查看。")
    return task
