"""特殊疑难信访问题补助资金: allocations, grant requests, approval, payment.

The balance can never go negative: every approval locks the year's ``FundYear`` row
(``SELECT … FOR UPDATE``; SQLite serialises writers) and recomputes what is committed from the
grant rows inside that lock, so two leaders approving at once are serialised and the second sees
the first's grant. Approval is by a bureau leader who is not the requester (also a CHECK
constraint). Amounts are ``Decimal`` yuan with at most two places.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from xinfang.core.errors import NotAllowed, NotVisible, StateConflict
from xinfang.core.uploads import check_uploads
from xinfang.matters.access import access_matter

from .. import validation as v
from ..access import may_approve_grant, may_request_grant, require_bureau_writer, require_fund_reader
from ..choices import COMMITTED, GrantStatus
from ..models import FundAllocation, FundGrant, FundYear, GrantFile

ZERO = Decimal("0.00")


@dataclass
class Balance:
    year: int
    allocated: Decimal
    granted: Decimal
    pending: Decimal

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.granted

    def as_dict(self) -> dict:
        return {"year": self.year, "allocated": str(self.allocated), "granted": str(self.granted),
                "pending": str(self.pending), "balance": str(self.balance)}


def _sum(qs) -> Decimal:
    return (qs.aggregate(s=Sum("amount"))["s"] or ZERO).quantize(Decimal("0.01"))


def balance_of(year: int) -> Balance:
    row = FundYear.objects.filter(year=year).first()
    if row is None:
        return Balance(year, ZERO, ZERO, ZERO)
    grants = FundGrant.objects.filter(fund_year=row)
    return Balance(year, row.allocated, _sum(grants.filter(status__in=COMMITTED)),
                   _sum(grants.filter(status=GrantStatus.PENDING)))


def _year_row(year: int) -> FundYear:
    try:
        with transaction.atomic():
            row, _ = FundYear.objects.get_or_create(year=year)
    except IntegrityError:  # created by someone else at the same moment
        row = FundYear.objects.get(year=year)
    return row


def allocate(*, actor, data: dict) -> FundAllocation:
    v.no_nul(data)
    require_fund_reader(actor)
    if not may_approve_grant(actor):
        raise NotAllowed("资金安排由信访局领导登记。")
    year = v.year(data)
    amount = v.money(data, "amount", "安排金额")
    source = v.text(data, "source", "资金来源", max_length=200)
    _year_row(year)
    with transaction.atomic():
        row = FundYear.objects.select_for_update().get(year=year)
        row.allocated = row.allocated + amount
        row.save(update_fields=["allocated"])
        return FundAllocation.objects.create(fund_year=row, amount=amount, source=source, created_by=actor)


def grant_request(*, actor, data: dict, files=()) -> FundGrant:
    v.no_nul(data)
    if not may_request_grant(actor):
        raise NotAllowed("补助资金由信访局案件办理人员或局领导申请。")
    number = v.text(data, "matter", "所涉事项编号", max_length=40)
    amount = v.money(data, "amount", "申请金额")
    reason = v.text(data, "reason", "申请理由", max_length=5000)
    today = timezone.localdate()
    year = v.year(data, required=False, default=today.year)
    mimes = check_uploads(files, field="files")
    fund_year = _year_row(year)
    available = balance_of(year).balance
    if amount > available:
        raise StateConflict(f"{year} 年度补助资金余额 {available} 元，申请金额 {amount} 元超过余额。",
                            fields={"amount": "超过余额"})
    with transaction.atomic():
        try:
            matter = access_matter(actor, number)
        except NotVisible:
            v.fail("matter", f"事项编号“{number}”不存在或您无权查看。")
        grant = FundGrant.objects.create(fund_year=fund_year, matter=matter, amount=amount, reason=reason,
                                         requested_by=actor, requested_at=timezone.now())
        for f, mime in zip(files, mimes, strict=True):
            GrantFile.objects.create(grant=grant, file=f, name=f.name[:200], mime=mime)
        return grant


def access_grant(actor, pk) -> FundGrant:
    require_fund_reader(actor)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotVisible("未找到该补助申请。") from None
    row = FundGrant.objects.select_related("fund_year", "matter", "requested_by", "decided_by").filter(pk=pk).first()
    if row is None:
        raise NotVisible("未找到该补助申请。")
    return row


def grant_approve(*, actor, pk, data: dict | None = None) -> FundGrant:
    """Approve under the year's row lock; beyond the balance → 409, nothing saved."""
    data = data or {}
    v.no_nul(data)
    grant = access_grant(actor, pk)
    if not may_approve_grant(actor):
        raise NotAllowed("补助资金须由信访局领导审批。")
    if grant.requested_by_id == actor.pk:
        raise NotAllowed("申请人不能审批自己提出的补助申请。")
    note = v.text(data, "note", "审批意见", required=False, max_length=500)
    with transaction.atomic():
        year = FundYear.objects.select_for_update().get(pk=grant.fund_year_id)
        grant = FundGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.status != GrantStatus.PENDING:
            raise StateConflict(f"该申请已{grant.get_status_display()}，不能重复审批。")
        committed = _sum(FundGrant.objects.filter(fund_year=year, status__in=COMMITTED))
        balance = year.allocated - committed
        if grant.amount > balance:
            raise StateConflict(f"{year.year} 年度补助资金余额 {balance} 元，不足以批准 {grant.amount} 元。",
                                fields={"amount": "超过余额"})
        grant.status, grant.decided_by, grant.decided_at, grant.decision_note = (
            GrantStatus.APPROVED, actor, timezone.now(), note)
        grant.save()
        return grant


def grant_reject(*, actor, pk, data: dict) -> FundGrant:
    v.no_nul(data)
    grant = access_grant(actor, pk)
    if not may_approve_grant(actor):
        raise NotAllowed("补助资金须由信访局领导审批。")
    if grant.requested_by_id == actor.pk:
        raise NotAllowed("申请人不能审批自己提出的补助申请。")
    note = v.text(data, "note", "不予批准的理由", max_length=500)
    with transaction.atomic():
        grant = FundGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.status != GrantStatus.PENDING:
            raise StateConflict(f"该申请已{grant.get_status_display()}，不能重复审批。")
        grant.status, grant.decided_by, grant.decided_at, grant.decision_note = (
            GrantStatus.REJECTED, actor, timezone.now(), note)
        grant.save()
        return grant


def grant_pay(*, actor, pk, data: dict) -> FundGrant:
    v.no_nul(data)
    grant = access_grant(actor, pk)
    require_bureau_writer(actor, "发放记录由信访局案件办理人员或局领导登记。")
    paid_on = v.past_date(data, "paid_on", "发放日期")
    note = v.text(data, "note", "发放记录（领取人、方式、凭证号）", max_length=500)
    with transaction.atomic():
        grant = FundGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.status != GrantStatus.APPROVED:
            raise StateConflict("只有已批准的申请可以登记发放。")
        if grant.decided_at and paid_on < timezone.localtime(grant.decided_at).date():
            v.fail("paid_on", "发放日期不能早于批准日期。")
        grant.status, grant.paid_on, grant.payment_note = GrantStatus.PAID, paid_on, note
        grant.save()
        return grant


def grant_withdraw(*, actor, pk, data: dict) -> FundGrant:
    """撤回 with a reason, recorded on the grant: a pending request by its requester or a bureau leader; an
    approved, unpaid one (the approval revoked, the balance freed) by a bureau leader only. A paid grant, a
    refused or an already withdrawn one → 409."""
    v.no_nul(data)
    grant = access_grant(actor, pk)
    if not may_request_grant(actor):
        raise NotAllowed("补助申请由信访局案件办理人员或局领导撤回。")
    reason = v.text(data, "reason", "撤回理由", max_length=500)
    with transaction.atomic():
        FundYear.objects.select_for_update().get(pk=grant.fund_year_id)  # the balance changes: same lock as approvals
        grant = FundGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.status == GrantStatus.PAID:
            raise StateConflict("补助资金已发放，不能撤回。")
        if grant.status not in (GrantStatus.PENDING, GrantStatus.APPROVED):
            raise StateConflict(f"该申请{grant.get_status_display()}，不能撤回。")
        if grant.status == GrantStatus.PENDING and grant.requested_by_id != actor.pk and not may_approve_grant(actor):
            raise NotAllowed("待审批的申请只能由申请人或局领导撤回。")
        if grant.status == GrantStatus.APPROVED and not may_approve_grant(actor):
            raise NotAllowed("已批准的补助只能由局领导撤回。")
        grant.withdrawn_from, grant.status = grant.status, GrantStatus.WITHDRAWN
        grant.withdrawn_by, grant.withdrawn_at, grant.withdraw_reason = actor, timezone.now(), reason
        grant.save()
        return grant
