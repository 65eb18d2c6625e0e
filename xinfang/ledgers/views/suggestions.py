"""人民建议征集 pages: the suggestions ledger (separate from complaints), adoption, reward, publication."""

from __future__ import annotations

from django.shortcuts import render

from xinfang.core.errors import InvalidInput
from xinfang.matters.access import access_matter

from .. import access
from ..choices import Adoption, Reward
from ..models import SuggestionAdoption
from ..selectors.suggestions import figures_by_theme, suggestion_figures, suggestion_matters
from ..services import suggestions as svc
from ..tables import SUGGESTIONS
from .common import Field, form_page, ledger_page, list_page, tabs_context


@ledger_page
def index(request):
    return render(request, "ledgers/index.html", {"tab": "", **tabs_context(request.user)})


@ledger_page
def suggestion_list(request):
    def queryset(params):
        return suggestion_matters(request.user, params)

    params = {k: v for k, v in request.GET.items() if v}
    try:
        totals, themes = suggestion_figures(request.user, params), figures_by_theme(request.user, params)
    except InvalidInput:  # the list shows the filter error
        totals, themes = None, []
    return list_page(request, title="人民建议征集台账", tab="suggestions", ledger="suggestions", columns=SUGGESTIONS,
                     queryset=queryset,
                     extra={"summary_template": "ledgers/_suggestion_figures.html", "totals": totals, "themes": themes,
                            "subtitle": "意见建议类事项：按主题排序、转送交办同信访事项；答复后记录采纳情况、奖励和公开。"})


def _adoption_initial(row: SuggestionAdoption | None) -> dict:
    if row is None:
        return {}
    return {"adoption": row.adoption, "adopting_body": row.adopting_body, "note": row.note,
            "reward": row.reward_note if row.reward == Reward.RECOMMENDED else "",
            "consent": row.consent, "show_name": row.show_name, "published": True,
            "public_title": row.public_title, "public_text": row.public_text}


def _back(matter):
    return [(f"/matters/{matter.number}/", matter.number)]


@ledger_page(check=access.is_bureau_writer)
def adopt(request, number):
    matter = access_matter(request.user, number)
    row = SuggestionAdoption.objects.filter(matter=matter).first()
    fields = [
        Field("adoption", "采纳情况", "select", Adoption.choices, required=True),
        Field("adopting_body", "采纳单位", hint="默认主办单位"),
        Field("note", "采纳说明", "textarea", required=True, span=4, hint="未采纳的可不填"),
        Field("reward", "奖励建议（可选）", span=4, hint="如：建议给予表彰奖励；填写即进入奖励待决定"),
    ]
    return form_page(request, title=f"记录采纳情况：{matter.number}", tab="suggestions", fields=fields,
                     initial=_adoption_initial(row), breadcrumb=_back(matter),
                     intro=f"“{matter.title}”。答复后记录：采纳、部分采纳或未采纳。",
                     service=lambda data: svc.adopt(actor=request.user, number=number, data=data),
                     success=lambda r: (f"/matters/{number}/", f"已记录采纳情况：{r.get_adoption_display()}。"))


@ledger_page(check=access.is_bureau_writer)
def reward(request, number):
    matter = access_matter(request.user, number)
    fields = [
        Field("outcome", "奖励结果", "select", [(Reward.GRANTED.value, "已奖励"), (Reward.REFUSED.value, "未予奖励")],
              required=True),
        Field("amount", "奖励金额（元，可选）", "number", hint="最多两位小数"),
        Field("note", "说明", span=2),
    ]
    return form_page(request, title=f"奖励结果：{matter.number}", tab="suggestions", fields=fields, breadcrumb=_back(matter),
                     service=lambda data: svc.reward_decide(actor=request.user, number=number, data=data),
                     success=lambda r: (f"/matters/{number}/", f"已记录奖励结果：{r.get_reward_display()}。"))


@ledger_page(check=access.is_bureau_writer)
def publish(request, number):
    matter = access_matter(request.user, number)
    row = SuggestionAdoption.objects.filter(matter=matter).first()
    initial = _adoption_initial(row)
    if not initial.get("public_title"):
        initial["public_title"] = matter.title
    fields = [
        Field("published", "在门户公开", "checkbox", hint="取消勾选即撤下"),
        Field("consent", "建议人已同意公开", "checkbox", required=True, hint="须经建议人同意"),
        Field("show_name", "公开署名", "checkbox", hint="默认不署名"),
        Field("public_title", "公开标题", span=4, required=True),
        Field("public_text", "公开内容（建议摘要与采纳情况，不含个人信息）", "textarea", span=4, required=True),
    ]
    return form_page(request, title=f"门户公开：{matter.number}", tab="suggestions", fields=fields, initial=initial,
                     breadcrumb=_back(matter),
                     service=lambda data: svc.publish(actor=request.user, number=number,
                                                      data={**data, "published": data.get("published") or "false"}),
                     success=lambda r: (f"/matters/{number}/", "已在门户公开。" if r.published else "已撤下公开。"))


__all__ = ["adopt", "index", "publish", "reward", "suggestion_list"]
