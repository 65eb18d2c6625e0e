"""The texts of the notices: which act produces which message, with the next right and its deadline.

``compose(event, matter)`` returns the template key and its parameters (or None: nothing to tell);
``render(key, params, code)`` returns the text with the petition's 查询码. Texts are short enough
for two SMS segments; the full notice is on the portal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from xinfang.matters.choices import DecisionOutcome, DeclineReason, ReplyOutcome, RouteProcedure
from xinfang.matters.models import Deadline, Event, Matter
from xinfang.workdays.rules import ClockKind

from .models import TemplateKey

TEXTS = {
    TemplateKey.REGISTERED: "您的信访事项已登记，事项编号{number}，查询码{code}。{next_step}{track}",
    TemplateKey.REPEAT_REGISTERED: "您的信访件已登记，并入信访事项{number}一并办理，查询码{code}。{track}",
    TemplateKey.ACCEPTED: "您的信访事项{number}已由{unit}受理，应于{handle_due}前出具处理意见。{evaluate}查询码{code}。{track}",
    TemplateKey.DECLINED: "您的信访事项{number}不予受理，理由：{reason}。{detail}查询码{code}。{track}",
    TemplateKey.ANSWERED: "您的信访事项{number}已直接答复：{reply}查询码{code}。{track}",
    TemplateKey.ROUTED: "您反映的事项{number}依法应通过{procedure}途径解决，请依照有关法律、行政法规规定的程序向有关机关提出。查询码{code}。{track}",
    TemplateKey.EXTENDED: "您的信访事项{number}办理期限经批准延长至{new_due}，理由：{reason}。查询码{code}。{track}",
    TemplateKey.REPLIED: "{unit}已对您的信访事项{number}出具处理意见（{outcome}）。处理意见书送达之日起30日内，如不服可向{review_body}申请复查。{evaluate}查询码{code}。{track}",
    TemplateKey.DELIVERED: "您的信访事项{number}的{document}已送达。{next_right}查询码{code}。{track}",
    TemplateKey.REVIEW_DECIDED: "{body}已对您的信访事项{number}作出复查意见（{outcome}）。{next_right}查询码{code}。{track}",
    TemplateKey.RECHECK_DECIDED: "{body}已对您的信访事项{number}作出复核意见（{outcome}）。复核意见为终结意见，以同一事实和理由再次提出的，不再受理。查询码{code}。{track}",
    TemplateKey.MEDIATED: "您的信访事项{number}已经调解（和解）办结。查询码{code}。{track}",
}


@dataclass(frozen=True)
class Composition:
    template_key: str
    params: dict
    petition_number: str = ""  # for registration acts: only that petition's persons are told


def _date(value) -> str:
    return value.isoformat() if value else ""


def _deadline(matter: Matter, kind: ClockKind, target: str = "") -> Deadline | None:
    return (
        Deadline.objects.filter(matter=matter, kind=kind.value, target=target, met_at__isnull=True, cancelled_at__isnull=True)
        .order_by("-id")
        .first()
    )


def _evaluate_sentence(matter: Matter, target: str, label: str) -> str:
    window = _deadline(matter, ClockKind.EVALUATE, target) if matter.is_evaluable else None
    return f"您可在{_date(window.due)}前对{label}的工作作出评价。" if window else ""


def _unit_name(matter: Matter, code: str = "") -> str:
    if matter.handling_unit is not None:
        return matter.handling_unit.name
    return code or "责任单位"


def compose(event: Event, matter: Matter) -> Composition | None:
    p = event.params or {}
    key, params = None, {"number": matter.number}
    action = event.action
    if action == "register":
        key = TemplateKey.REGISTERED
        dispose = _deadline(matter, ClockKind.DISPOSE)
        accept = _deadline(matter, ClockKind.ACCEPT)
        if dispose is not None:
            params["next_step"] = f"信访部门将于{_date(dispose.due)}前依法转送、交办或直接答复。"
        elif accept is not None:
            params["next_step"] = f"有权处理机关将于{_date(accept.due)}前告知是否受理。"
        else:
            params["next_step"] = ""
        return Composition(key, params, petition_number=p.get("petition", ""))
    if action == "add_petition":
        return Composition(TemplateKey.REPEAT_REGISTERED, params, petition_number=p.get("petition", ""))
    if action == "accept":
        handle = _deadline(matter, ClockKind.HANDLE)
        key = TemplateKey.ACCEPTED
        params.update(unit=_unit_name(matter), handle_due=_date(handle.due) if handle else "法定期限",
                      evaluate=_evaluate_sentence(matter, "bureau", "信访部门"))
    elif action == "decline":
        key = TemplateKey.DECLINED
        reason = p.get("reason", "")
        params.update(reason=dict(DeclineReason.choices).get(reason, "不符合受理条件"),
                      detail=(str(p.get("note") or "")[:80] + "。") if p.get("note") else "")
    elif action == "answer":
        reply = str(p.get("reply") or "")
        key = TemplateKey.ANSWERED
        params["reply"] = (reply[:60] + "…（详见网上查询）" if len(reply) > 60 else reply) + ("" if reply.endswith("。") else "。")
    elif action == "route":
        key = TemplateKey.ROUTED
        params["procedure"] = dict(RouteProcedure.choices).get(p.get("procedure", ""), "其他法定")
    elif action == "approve_extension":
        key = TemplateKey.EXTENDED
        params.update(new_due=p.get("new_due", ""), reason=p.get("reason", ""))
    elif action == "reply":
        key = TemplateKey.REPLIED
        params.update(unit=_unit_name(matter), outcome=dict(ReplyOutcome.choices).get(p.get("outcome", ""), ""),
                      review_body=p.get("review_body_name") or "责任单位的上级机关",
                      evaluate=_evaluate_sentence(matter, "unit", "责任单位"))
    elif action == "deliver":
        key = TemplateKey.DELIVERED
        if p.get("opens") == ClockKind.RECHECK_REQUEST.value:
            window, body, what, document = _deadline(matter, ClockKind.RECHECK_REQUEST), matter.recheck_body, "复核", "复查意见书"
        else:
            window, body, what, document = _deadline(matter, ClockKind.REVIEW_REQUEST), matter.review_body, "复查", "信访处理意见书"
        params["document"] = document
        if window is not None:
            params["next_right"] = f"如不服，您可在{_date(window.due)}前向{body.name if body else '上级机关'}申请{what}。"
            params["due"] = _date(window.due)
        else:
            params["next_right"] = ""
    elif action == "review_decide":
        key = TemplateKey.REVIEW_DECIDED
        outcome = p.get("outcome", "")
        params.update(body=matter.review_body.name if matter.review_body else "复查机关",
                      outcome=dict(DecisionOutcome.choices).get(outcome, ""))
        if outcome == DecisionOutcome.REDO:
            handle = _deadline(matter, ClockKind.HANDLE)
            params["next_right"] = f"{_unit_name(matter)}将重新办理，应于{_date(handle.due) if handle else '规定期限'}前重新出具处理意见。"
        else:
            body = matter.recheck_body.name if matter.recheck_body else "上一级机关"
            params["next_right"] = f"复查意见书送达之日起30日内，如不服可向{body}申请复核。"
    elif action == "recheck_decide":
        key = TemplateKey.RECHECK_DECIDED
        params.update(body=matter.recheck_body.name if matter.recheck_body else "复核机关",
                      outcome=dict(DecisionOutcome.choices).get(p.get("outcome", ""), ""))
    elif action == "mediate":
        key = TemplateKey.MEDIATED
    if key is None:
        return None
    return Composition(key, params)


def track_hint() -> str:
    base = (getattr(settings, "XINFANG_PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return f"查询：{base}/public/track/"
    return "可在网上信访平台凭编号和查询码查询。"


def render(template_key: str, params: dict, code: str) -> str:
    values = {"next_step": "", "evaluate": "", "next_right": "", "detail": "", **params, "code": code, "track": track_hint()}
    return TEXTS[TemplateKey(template_key)].format(**values)


def subject(template_key: str) -> str:
    return f"{settings.XINFANG_COUNTY_NAME}信访局：{TemplateKey(template_key).label}"
