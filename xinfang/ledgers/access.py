"""Who may see and write which ledger (issue 12 §7).

* Suggestions: whoever sees the matter (``visible_matters``); the adoption is recorded by the
  bureau's case officers and leaders.
* Proposals: the bureau and county-wide readers see all; a unit's staff see the proposals their
  unit handles or co-handles (others: 404); the bureau registers and records feedback, the
  handling unit (or the bureau) replies.
* Risks: towns and departments see and write their own; only the bureau sees all (county
  leaders and auditors read all).
* Fund: bureau roles and auditors only; grants are requested by case officers and leaders and
  approved by a bureau leader who is not the requester.
* Library, publicity and training: every staff account reads; the bureau writes.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.core.errors import NotAllowed
from xinfang.org.choices import Role
from xinfang.org.permissions import BUREAU_ROLES, COUNTY_WIDE_ROLES, UNIT_ROLES

BUREAU_WRITERS = (Role.CASE_OFFICER, Role.BUREAU_LEADER)
FUND_READERS = (*BUREAU_ROLES, Role.AUDITOR)


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.roles or user.is_superuser))


def is_bureau_writer(user) -> bool:
    return is_staff(user) and user.in_bureau and user.has_role(*BUREAU_WRITERS)


def require_bureau_writer(user, message: str = "只有信访局案件办理人员或局领导可以办理。") -> None:
    if not is_bureau_writer(user):
        raise NotAllowed(message)


def sees_county(user) -> bool:
    return is_staff(user) and user.has_role(*COUNTY_WIDE_ROLES)


def unit_staff(user) -> bool:
    return is_staff(user) and bool(user.unit_id) and user.has_role(*UNIT_ROLES)


# ---- proposals -------------------------------------------------------------------------------


def visible_proposals(user, qs: QuerySet | None = None) -> QuerySet:
    from .models import Proposal

    qs = Proposal.objects.all() if qs is None else qs
    if sees_county(user):
        return qs
    if unit_staff(user):
        return qs.filter(Q(unit_id=user.unit_id) | Q(co_units=user.unit_id)).distinct()
    return qs.none()


# ---- risks -----------------------------------------------------------------------------------


def visible_risks(user, qs: QuerySet | None = None) -> QuerySet:
    from .models import Risk

    qs = Risk.objects.all() if qs is None else qs
    if sees_county(user):
        return qs
    if unit_staff(user):
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def may_write_risks_of(user, unit) -> bool:
    """Towns and departments write their own; the bureau may enter any unit's (paper reports)."""
    if is_bureau_writer(user):
        return True
    return unit_staff(user) and unit is not None and unit.pk == user.unit_id


def may_use_risks(user) -> bool:
    return sees_county(user) or unit_staff(user)


def may_write_risks(user) -> bool:
    """Record, import: a unit's own staff or the bureau's writers (a reader such as the auditor only reads)."""
    return is_bureau_writer(user) or unit_staff(user)


# ---- fund ------------------------------------------------------------------------------------


def may_see_fund(user) -> bool:
    return is_staff(user) and user.has_role(*FUND_READERS)


def require_fund_reader(user) -> None:
    if not may_see_fund(user):
        raise NotAllowed("补助资金台账仅信访局工作人员和审计/监督员可以查看。")


def may_request_grant(user) -> bool:
    return is_bureau_writer(user)


def may_approve_grant(user) -> bool:
    return is_staff(user) and user.in_bureau and user.has_role(Role.BUREAU_LEADER)
