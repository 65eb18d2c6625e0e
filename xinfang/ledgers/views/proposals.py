"""人大建议 / 政协提案 pages: list, registration, detail with reply and feedback."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from xinfang.documents.selectors import may_see_unit_paper
from xinfang.supervision.models import SupervisionRecord

from .. import access
from ..choices import ProposalKind, ProposalState, Rating
from ..filters import county_units
from ..selectors.ledgers import filter_proposals, proposal_figures
from ..services import proposals as svc
from ..tables import PROPOSALS
from .common import Field, act, form_page, ledger_page, list_page, tabs_context

_units = county_units


@ledger_page
def proposal_list(request):
    today = timezone.localdate()
    actions = [{"url": reverse("ledgers:proposal_new"), "label": "＋ 登记建议提案"}] if access.is_bureau_writer(request.user) else []
    return list_page(request, title="人大建议和政协提案", tab="proposals", ledger="proposals", columns=PROPOSALS,
                     queryset=lambda params: filter_proposals(request.user, params, today=today),
                     extra={"actions": actions, "summary_template": "ledgers/_proposal_figures.html",
                            "figures": proposal_figures(request.user, today.year), "year": today.year,
                            "subtitle": "办理期限默认交办后 3 个月（紧急件 30 日，台账设置）；逾期未答复由时限引擎催办。"})


@ledger_page(check=access.is_bureau_writer)
def proposal_new(request):
    fields = [
        Field("kind", "类别", "select", ProposalKind.choices, required=True),
        Field("number", "建议/提案号", required=True), Field("session", "届次", hint="如：十八届人大三次会议"),
        Field("proposer", "代表/委员", required=True),
        Field("title", "标题", required=True, span=4),
        Field("received_on", "交办日期", "date", required=True), Field("urgent", "紧急", "checkbox"),
        Field("due", "办理期限", "date", hint="留空按设置计算"),
        Field("unit", "主办单位", "select", _units(), required=True, picker=True),
        Field("co_units", "协办单位", "multiselect", _units(), span=2, picker=True),
        Field("content", "内容", "textarea", required=True, span=4),
    ]
    return form_page(request, title="登记建议提案", tab="proposals", fields=fields, lists=("co_units",),
                     breadcrumb=[(reverse("ledgers:proposals"), "建议提案")],
                     initial={"unit": request.user.unit.code if request.user.unit_id else "", "co_units": []},
                     service=lambda data: svc.proposal_create(actor=request.user, data=data),
                     success=lambda r: (reverse("ledgers:proposal", args=[r.pk]), f"已登记 {r.number}，办理期限 {r.due}。"))


@ledger_page
def proposal_detail(request, pk):
    row = svc.access_proposal(request.user, pk)
    user = request.user
    may_reply = row.state == ProposalState.OPEN and (
        access.is_bureau_writer(user) or (user.unit_id == row.unit_id and access.unit_staff(user)))
    records = SupervisionRecord.objects.filter(trigger_key=f"proposal:{row.pk}:overdue").order_by("-issued_at")
    return render(request, "ledgers/proposal_detail.html", {
        "p": row, "tab": "proposals", "today": timezone.localdate(), "may_reply": may_reply,
        "may_feedback": row.state == ProposalState.REPLIED and access.is_bureau_writer(user),
        "ratings": Rating.choices, "records": records, **tabs_context(user),
        "reply_doc": row.reply_document if row.reply_document_id and may_see_unit_paper(user, row.reply_document) else None,
    })


@ledger_page
def proposal_reply(request, pk):
    return act(request, lambda data: svc.proposal_reply(actor=request.user, pk=pk, data=data,
                                                        files=request.FILES.getlist("file")),
               success_url=reverse("ledgers:proposal", args=[pk]), message="已答复，已生成答复函。")


@ledger_page
def proposal_reply_file(request, pk):
    """The signed scan of the reply: whoever may see the proposal."""
    row = svc.access_proposal(request.user, pk)
    if not row.reply_file:
        raise Http404("没有答复函扫描件。")
    return FileResponse(row.reply_file.open("rb"), as_attachment=True, filename=row.reply_file_name,
                        content_type=row.reply_file_mime)


@ledger_page
def proposal_feedback(request, pk):
    return act(request, lambda data: svc.proposal_feedback(actor=request.user, pk=pk, data=data),
               success_url=reverse("ledgers:proposal", args=[pk]), message="已记录代表/委员反馈。")
