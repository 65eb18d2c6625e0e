"""特殊疑难信访问题补助资金 pages (bureau roles and auditors only)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .. import access
from ..choices import GrantStatus
from ..selectors.ledgers import filter_grants, fund_years
from ..services import fund as svc
from ..tables import GRANTS
from .common import Field, act, form_page, ledger_page, list_page


@ledger_page(check=access.may_see_fund)
def fund_home(request):
    user = request.user
    year = timezone.localdate().year
    actions = []
    if access.may_request_grant(user):
        actions.append({"url": reverse("ledgers:grant_new"), "label": "＋ 补助申请"})
    if access.may_approve_grant(user):
        actions.append({"url": reverse("ledgers:allocation_new"), "label": "＋ 资金安排"})
    years = fund_years()

    return list_page(request, title="特殊疑难信访问题补助资金", tab="fund", ledger="fund", columns=GRANTS,
                     queryset=lambda params: filter_grants(params),
                     extra={"actions": actions, "summary_template": "ledgers/_fund_years.html", "years": years,
                            "current_year": year,
                            "subtitle": "补助须经非申请人的局领导审批；批准金额不得超过年度余额。金额以元计，保留两位小数。"})


@ledger_page(check=access.may_approve_grant)
def allocation_new(request):
    fields = [Field("year", "年度", "number", required=True), Field("amount", "安排金额（元）", "number", required=True),
              Field("source", "资金来源", required=True, span=2, hint="如：县财政专项")]
    return form_page(request, title="登记资金安排", tab="fund", fields=fields, initial={"year": timezone.localdate().year},
                     breadcrumb=[(reverse("ledgers:fund"), "补助资金")],
                     service=lambda data: svc.allocate(actor=request.user, data=data),
                     success=lambda r: (reverse("ledgers:fund"), f"已登记 {r.fund_year.year} 年度资金安排 {r.amount} 元。"))


@ledger_page(check=access.may_request_grant)
def grant_new(request):
    fields = [Field("matter", "所涉事项编号", required=True), Field("amount", "申请金额（元）", "number", required=True),
              Field("year", "年度", "number", hint="默认本年度"),
              Field("reason", "申请理由", "textarea", required=True, span=4),
              Field("files", "证明材料", "file", span=2, hint="PDF、图片、DOCX")]
    return form_page(request, title="补助资金申请", tab="fund", fields=fields, files="files",
                     initial={"matter": request.GET.get("matter", ""), "year": timezone.localdate().year},
                     breadcrumb=[(reverse("ledgers:fund"), "补助资金")],
                     service=lambda data, files: svc.grant_request(actor=request.user, data=data, files=files),
                     success=lambda r: (reverse("ledgers:grant", args=[r.pk]), f"已提交补助申请（{r.amount} 元），待局领导审批。"))


@ledger_page(check=access.may_see_fund)
def grant_detail(request, pk):
    grant = svc.access_grant(request.user, pk)
    user = request.user
    return render(request, "ledgers/grant_detail.html", {
        "g": grant, "tab": "fund", "show_fund": True, "show_risks": access.may_use_risks(user),
        "balance": svc.balance_of(grant.fund_year.year), "files": list(grant.files.all()),
        "may_decide": grant.status == GrantStatus.PENDING and access.may_approve_grant(user)
        and grant.requested_by_id != user.pk,
        "own_request": grant.requested_by_id == user.pk,
        "may_pay": grant.status == GrantStatus.APPROVED and access.is_bureau_writer(user),
        "may_withdraw": (grant.status == GrantStatus.PENDING and access.may_request_grant(user)
                         and (grant.requested_by_id == user.pk or access.may_approve_grant(user)))
        or (grant.status == GrantStatus.APPROVED and access.may_approve_grant(user)),
        "today": timezone.localdate(),
    })


def _grant_act(service, message):
    @ledger_page(check=access.may_see_fund)
    def view(request, pk):
        return act(request, lambda data: service(actor=request.user, pk=pk, data=data),
                   success_url=reverse("ledgers:grant", args=[pk]), message=message)

    return view


grant_approve = _grant_act(svc.grant_approve, "已批准。")
grant_reject = _grant_act(svc.grant_reject, "已记录不予批准。")
grant_pay = _grant_act(svc.grant_pay, "已登记发放。")
grant_withdraw = _grant_act(svc.grant_withdraw, "已撤回补助申请。")


@ledger_page(check=access.may_see_fund)
def grant_file(request, pk, file_id):
    grant = svc.access_grant(request.user, pk)
    f = grant.files.filter(pk=file_id).first()
    if f is None:
        raise Http404()
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name, content_type=f.mime)
