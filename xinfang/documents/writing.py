"""Writing the opinion (issue 15 item 7): the aids the editor offers and the preview of the 意见书.

Reads only. ``aids(matter, action)`` gives the stock phrases, the templates that apply to the
matter's content category (filled from the matter), and the legal bases in force.
``preview(user, matter, action, params)`` composes the very document the act would issue (the
active template of 信访处理意见书 / 复查意见书 / 复核意见书, the builder of ``context``) from the
unsaved form, without numbering or storing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from xinfang.matters.models import Event, Matter
from xinfang.matters.workflow import WORKFLOW

from .choices import DocType
from .composing import compose
from .context import build, matter_values
from .models import LegalBasis, OpinionPhrase, OpinionTemplate
from .placeholders import PLACEHOLDER
from .renderers.content import DocumentContent, official_date

OPINION_DOC = {"reply": DocType.HANDLING_OPINION, "review_decide": DocType.REVIEW_OPINION,
               "recheck_decide": DocType.RECHECK_OPINION}
NOT_CHOSEN = "〔未选择〕"
NOT_WRITTEN = "〔尚未填写〕"


def is_opinion_action(action: str) -> bool:
    return action in OPINION_DOC


@dataclass
class FilledTemplate:
    pk: int
    name: str
    body: str
    legal_basis: str


def _fill_known(text: str, values: dict[str, str]) -> str:
    """Placeholders the matter has are filled; any other stays as written for the author to see."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)) or "", text or "")


def _category_code(matter: Matter) -> str:
    category = getattr(matter, "category", None)
    return getattr(category, "code", "") or ""


def templates_for(matter: Matter, action: str) -> list[FilledTemplate]:
    """Active templates for this act and the matter's category (most specific first), filled in."""
    code = _category_code(matter)
    values = {k: v for k, v in matter_values(matter).items() if v is not None}
    rows = OpinionTemplate.objects.filter(active=True).filter(Q(action="") | Q(action=action))
    chosen = [t for t in rows if not t.prefix or code.startswith(t.prefix)]
    chosen.sort(key=lambda t: (-len(t.prefix), t.order, t.pk))
    return [FilledTemplate(t.pk, t.name, _fill_known(t.body, values), t.legal_basis) for t in chosen]


def aids(matter: Matter, action: str) -> dict:
    groups: dict[str, list[str]] = {}
    for phrase in OpinionPhrase.objects.filter(active=True):
        groups.setdefault(phrase.group, []).append(phrase.text)
    return {
        "phrases": groups,
        "templates": templates_for(matter, action),
        "bases": list(LegalBasis.objects.filter(active=True)),
        "has_legal_basis": "legal_basis" in WORKFLOW[action].fields,
    }


def preview(user, matter: Matter, action: str, params: dict) -> DocumentContent:
    """The 意见书 the act would issue now, from the form as typed (not validated, not stored)."""
    from .services import active_template

    doc_type = OPINION_DOC[action]
    params = {k: v for k, v in params.items() if v not in (None, "")}
    outcome = params.get("outcome")
    choices = dict(next(i for i in WORKFLOW[action].inputs if i.name == "outcome").choices)
    if outcome not in choices:
        params["outcome"] = next(iter(choices))  # the builder needs a value; the text says none was chosen
    if action == "reply" and matter.handling_unit_id and matter.handling_unit.superior_id:
        body = matter.handling_unit.superior  # as the act records it (matters.services.actions.matter_reply)
        params.update({"review_body": body.code, "review_body_name": body.name})
    now = timezone.now()
    event = Event(matter=matter, seq=0, action=action, actor=user, unit=getattr(user, "unit", None), occurred_at=now,
                  recorded_at=now, from_status=matter.status, params=params)
    values, recipient, _unit, issuing = build(doc_type, event, matter)
    if outcome not in choices:
        for name in ("处理结果", "复查结果", "复核结果"):
            if name in values:
                values[name] = NOT_CHOSEN
    for name in ("处理意见", "复查意见", "复核意见", "法律依据"):
        if name in values and not (values[name] or "").strip():
            values[name] = NOT_WRITTEN
    template = active_template(doc_type.value)
    values.update({"发文机关": issuing.name, "机关代字": "", "成文日期": official_date(timezone.localdate()),
                   "主送": recipient, "年份": str(timezone.localdate().year)})
    return compose(template, values, issuing_unit_name=issuing.name, doc_number="（预览，出具时编号）",
                   recipient=recipient, date_text=official_date(timezone.localdate()))


