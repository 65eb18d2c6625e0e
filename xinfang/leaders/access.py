"""Who sees and does what on the leaders' side (docs/leaders.md "Permissions").

* Bureau staff (registrar, case officer, bureau leader) run receptions; case officers and bureau
  leaders run cases, hearings, meetings, campaigns and close tasks.
* County leaders (``county_leader``) and auditors read everything county-wide; a county leader
  records his or her own receptions and works his or her own 包案 cases.
* Unit staff see their own unit's tasks (another unit's task is a 404) and the cases and hearings
  of matters visible to them (``visible_matters``); receptions and meetings are not theirs (403).
"""

from __future__ import annotations

from django.db.models import Q

from xinfang.core.errors import NotAllowed, NotVisible
from xinfang.matters.access import visible_matters
from xinfang.org.permissions import (
    BUREAU_CASE_ROLES,
    BUREAU_ROLES,
    COUNTY_WIDE_ROLES,
    RECEPTION_LEADER_ROLES,
    UNIT_ROLES,
)

from .models import Hearing, LeaderCase, Task

# Roles come from the permission matrix (xinfang/org/permissions.py): bureau staff (register_at_bureau)
# run receptions; case staff (handle_cases) run cases, hearings, meetings; county-wide readers read;
# leaders (lead_reception) record their own receptions and work their own cases.
RECEPTION_ROLES = tuple(BUREAU_ROLES)
CASE_ROLES = tuple(BUREAU_CASE_ROLES)
READ_ROLES = tuple(COUNTY_WIDE_ROLES)
LEADER_ROLES = tuple(RECEPTION_LEADER_ROLES)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def runs_receptions(user) -> bool:
    return _active(user) and bool(user.unit_id) and user.in_bureau and user.has_role(*RECEPTION_ROLES)


def is_case_staff(user) -> bool:
    """Bureau case officers and bureau leaders: cases, hearings, meetings, campaigns, closing tasks."""
    return _active(user) and bool(user.unit_id) and user.in_bureau and user.has_role(*CASE_ROLES)


def is_county_leader(user) -> bool:
    """A leader who receives and owns cases in person (county leaders; bureau leaders are also case staff)."""
    return _active(user) and user.has_role(*LEADER_ROLES)


def reads_county(user) -> bool:
    return _active(user) and user.has_role(*READ_ROLES)


def is_unit_staff(user) -> bool:
    return _active(user) and bool(user.unit_id) and user.has_role(*UNIT_ROLES) and not user.in_bureau


def may_use(user) -> bool:
    """Any page of the app at all (the rest is decided per object)."""
    return reads_county(user) or is_unit_staff(user)


def require(check, user, message: str) -> None:
    if not check(user):
        raise NotAllowed(message)


def require_reader(user) -> None:
    require(reads_county, user, "只有信访局工作人员、县领导和监督人员可以查看领导接访、会议和专项行动。")


# ---- tasks -----------------------------------------------------------------------------------


def visible_tasks(user, qs=None):
    qs = Task.objects.all() if qs is None else qs
    if reads_county(user):
        return qs
    if is_unit_staff(user):
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def access_task(user, pk, *, for_update: bool = False) -> Task:
    qs = visible_tasks(user)
    if for_update:
        qs = qs.select_for_update()
    try:
        task = qs.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        task = None
    if task is None:
        raise NotVisible("未找到该任务，或您无权查看。")
    return task


# ---- cases and hearings: through the matter ---------------------------------------------------


def visible_cases(user, qs=None):
    qs = LeaderCase.objects.all() if qs is None else qs
    if reads_county(user):
        return qs
    return qs.filter(matter__in=visible_matters(user))


def access_case(user, pk, *, for_update: bool = False) -> LeaderCase:
    qs = visible_cases(user)
    if for_update:
        qs = qs.select_for_update()
    try:
        case = qs.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        case = None
    if case is None:
        raise NotVisible("未找到该包案，或您无权查看。")
    return case


def works_case(user, case: LeaderCase) -> bool:
    """Progress and resolution: bureau case staff, or the leader who owns the case."""
    return is_case_staff(user) or (is_county_leader(user) and case.leader_id == user.pk)


def visible_hearings(user, qs=None):
    qs = Hearing.objects.all() if qs is None else qs
    if reads_county(user):
        return qs
    return qs.filter(Q(matter__in=visible_matters(user)))


def access_hearing(user, pk, *, for_update: bool = False) -> Hearing:
    qs = visible_hearings(user)
    if for_update:
        qs = qs.select_for_update()
    try:
        hearing = qs.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        hearing = None
    if hearing is None:
        raise NotVisible("未找到该听证，或您无权查看。")
    return hearing


def runs_hearing(user, hearing: Hearing) -> bool:
    """The organising body: bureau case staff (for the county government), or the unit's own staff."""
    if is_case_staff(user):
        return True
    return is_unit_staff(user) and user.unit_id == hearing.unit_id
