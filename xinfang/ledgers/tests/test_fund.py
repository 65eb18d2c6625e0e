from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xinfang.core.errors import InvalidInput, NotAllowed, StateConflict
from xinfang.ledgers.models import FundGrant
from xinfang.ledgers.services import fund as svc
from xinfang.matters.tests.test_concurrency import run_concurrently
from xinfang.testing.factories import register

from .helpers import second_leader

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def grant(county, amount, user="officer"):
    matter = register(county).matter
    return svc.grant_request(actor=county.users[user], data={"matter": matter.number, "amount": amount, "reason": "困难",
                                                             "year": 2026})


@pytest.fixture
def funded(county):
    svc.allocate(actor=county.users["bleader"], data={"year": 2026, "amount": "10000.00", "source": "县财政"})
    svc.allocate(actor=county.users["bleader"], data={"year": "2026", "amount": "500.5", "source": "社会捐助"})
    return county


def test_balance_is_decimal_and_counts_approved_and_pending(funded):
    county = funded
    a, b = grant(county, "3000.10"), grant(county, "2000")
    svc.grant_approve(actor=county.users["bleader"], pk=a.pk)
    balance = svc.balance_of(2026)
    assert balance.allocated == Decimal("10500.50") and balance.granted == Decimal("3000.10")
    assert balance.pending == Decimal("2000.00") and balance.balance == Decimal("7500.40")
    assert balance.as_dict() == {"year": 2026, "allocated": "10500.50", "granted": "3000.10", "pending": "2000.00",
                                 "balance": "7500.40"}
    svc.grant_reject(actor=county.users["bleader"], pk=b.pk, data={"note": "不符合条件"})
    assert svc.balance_of(2026).pending == Decimal("0.00")


@pytest.mark.parametrize(("amount", "message"), [
    ("12.345", "两位小数"), ("-5", "大于 0"), ("0", "大于 0"), ("abc", "不是有效金额"), (12.5, "数字字符串"),
    ("NaN", "不是有效金额"), ("1e3", None),
])
def test_bad_amounts(funded, amount, message):
    if message is None:
        assert grant(funded, amount).amount == Decimal("1000.00")
        return
    with pytest.raises(InvalidInput, match=message):
        grant(funded, amount)


def test_beyond_the_balance_is_refused_on_request_and_on_approval(funded):
    county = funded
    with pytest.raises(StateConflict, match="超过余额"):
        grant(county, "10500.51")
    a, b = grant(county, "6000"), grant(county, "6000")  # each fits alone, not both
    svc.grant_approve(actor=county.users["bleader"], pk=a.pk)
    with pytest.raises(StateConflict, match="不足以批准"):
        svc.grant_approve(actor=county.users["bleader"], pk=b.pk)
    assert FundGrant.objects.get(pk=b.pk).status == "pending"


def test_approval_by_a_bureau_leader_who_is_not_the_requester(funded):
    county = funded
    own = grant(county, "100", user="bleader")
    with pytest.raises(NotAllowed, match="不能审批自己"):
        svc.grant_approve(actor=county.users["bleader"], pk=own.pk)
    for name in ("officer", "auditor", "cleader"):
        with pytest.raises(NotAllowed):
            svc.grant_approve(actor=county.users[name], pk=own.pk)
    approved = svc.grant_approve(actor=second_leader(county), pk=own.pk)
    assert approved.status == "approved"
    with pytest.raises(StateConflict, match="不能重复审批"):
        svc.grant_approve(actor=county.users["bleader2"], pk=own.pk)


def test_payment_after_approval_only(funded):
    county = funded
    g = grant(county, "100")
    with pytest.raises(StateConflict):
        svc.grant_pay(actor=county.users["officer"], pk=g.pk, data={"paid_on": "2026-01-01", "note": "现金"})
    svc.grant_approve(actor=county.users["bleader"], pk=g.pk)
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        svc.grant_pay(actor=county.users["officer"], pk=g.pk, data={"paid_on": "2999-01-01", "note": "现金"})
    from django.utils import timezone

    paid = svc.grant_pay(actor=county.users["officer"], pk=g.pk, data={"paid_on": timezone.localdate().isoformat(),
                                                                       "note": "银行转账 凭证 001"})
    assert paid.status == "paid" and svc.balance_of(2026).granted == Decimal("100.00")


def test_supporting_files_are_checked(funded):
    county = funded
    matter = register(county).matter
    data = {"matter": matter.number, "amount": "10", "reason": "困难", "year": 2026}
    with pytest.raises(InvalidInput, match="内容与扩展名不符"):
        svc.grant_request(actor=county.users["officer"], data=data, files=[SimpleUploadedFile("a.pdf", b"MZ" * 50)])
    g = svc.grant_request(actor=county.users["officer"], data=data, files=[SimpleUploadedFile("证明.pdf", PDF)])
    assert g.files.get().name == "证明.pdf"
    assert FundGrant.objects.count() == 1  # the refused request left nothing


def test_fund_is_only_for_bureau_roles_and_auditors(funded):
    county = funded
    for name in ("handler", "cleader", "admin"):
        with pytest.raises(NotAllowed):
            svc.access_grant(county.users[name], 1)
    with pytest.raises(NotAllowed):
        svc.allocate(actor=county.users["officer"], data={"year": 2026, "amount": "1", "source": "x"})


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_overdraw(county):
    """Two leaders approve two grants at once that together exceed the balance: exactly one wins
    (the year's row lock serialises them; on PostgreSQL SELECT … FOR UPDATE)."""
    svc.allocate(actor=county.users["bleader"], data={"year": 2026, "amount": "1000.00", "source": "县财政"})
    a, b, c = grant(county, "600"), grant(county, "600"), grant(county, "400")
    other = second_leader(county)
    results = run_concurrently(
        lambda: svc.grant_approve(actor=county.users["bleader"], pk=a.pk),
        lambda: svc.grant_approve(actor=other, pk=b.pk),
        lambda: svc.grant_approve(actor=county.users["bleader"], pk=c.pk),
    )
    errors = [r[1] for r in results if r[0] == "error"]
    assert all(isinstance(e, StateConflict) for e in errors), errors
    balance = svc.balance_of(2026)
    assert balance.balance >= 0
    assert balance.granted in (Decimal("1000.00"), Decimal("600.00"))  # 600+400, or one 600 alone
    assert FundGrant.objects.filter(status="approved").count() == len(results) - len(errors)


def test_withdraw_a_pending_request_and_revoke_an_unpaid_approval(funded, web):
    """撤回 with a reason, recorded; an approved grant withdrawn frees the balance; a paid one cannot be."""
    county = funded
    officer, leader = county.users["officer"], county.users["bleader"]
    pending, approved, paid = grant(county, "1000"), grant(county, "2000"), grant(county, "3000")
    for g in (approved, paid):
        svc.grant_approve(actor=leader, pk=g.pk)
    svc.grant_pay(actor=officer, pk=paid.pk, data={"paid_on": timezone.localdate().isoformat(), "note": "银行转账"})
    assert svc.balance_of(2026).balance == Decimal("5500.50")
    with pytest.raises(InvalidInput, match="撤回理由"):
        svc.grant_withdraw(actor=officer, pk=pending.pk, data={"reason": " "})
    done = svc.grant_withdraw(actor=officer, pk=pending.pk, data={"reason": "信访人已获社会救助"})
    assert (done.status, done.withdrawn_from, done.withdrawn_by, done.withdraw_reason) == (
        "withdrawn", "pending", officer, "信访人已获社会救助") and done.withdrawn_at
    with pytest.raises(NotAllowed, match="局领导"):  # the requester may not revoke an approval
        svc.grant_withdraw(actor=officer, pk=approved.pk, data={"reason": "x"})
    svc.grant_withdraw(actor=leader, pk=approved.pk, data={"reason": "重复申请"})
    assert svc.balance_of(2026).balance == Decimal("7500.50")  # the 2000 is back
    with pytest.raises(StateConflict, match="已发放"):
        svc.grant_withdraw(actor=leader, pk=paid.pk, data={"reason": "x"})
    with pytest.raises(StateConflict, match="不能撤回"):
        svc.grant_withdraw(actor=leader, pk=pending.pk, data={"reason": "again"})
    with pytest.raises(StateConflict):  # a withdrawn request is never approved afterwards
        svc.grant_approve(actor=leader, pk=pending.pk)
    # The page and the API
    other = grant(county, "100")
    c = web("officer")
    assert "withdraw-form" in c.get(f"/ledgers/fund/grants/{other.pk}/").content.decode()
    r = c.post(f"/ledgers/fund/grants/{other.pk}/withdraw/", {"reason": "申请有误"})
    assert r.status_code == 302 and FundGrant.objects.get(pk=other.pk).status == "withdrawn"
    page = c.get(f"/ledgers/fund/grants/{other.pk}/").content.decode()
    assert "申请有误" in page and "withdraw-form" not in page
    api = grant(county, "100")
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(county.users["handler"])
    assert client.post(f"/api/v1/fund/grants/{api.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 403
    client.force_authenticate(officer)
    body = client.post(f"/api/v1/fund/grants/{api.pk}/withdraw/", {"reason": "撤回"}, format="json").json()
    assert body["status"] == "withdrawn" and body["withdraw_reason"] == "撤回" and body["withdrawn_by"] == "officer"
