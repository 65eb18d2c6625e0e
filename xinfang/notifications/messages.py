"""The texts of the notices: which act produces which message, with the next right and its deadline.

One table (``COMPOSERS``: action → composer or None) reads each event's typed params; periods in the
texts come from the rules in force. ``compose(event, matter)`` returns the template key and its parameters (or None: nothing to tell);
``render(key, params, code)`` returns the text with the petition's 查询码. Texts are short enough
for two SMS segments; the full notice is on the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from xinfang.matters.choices import DecisionOutcome
from xinfang.matters.models import Deadline, Event, Matter
from xinfang.matters.params import EventParams
from xinfang.matters.services.numbering import format_query_code
from xinfang.workdays.models import current_rules
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
    TemplateKey.REPLIED: "{unit}已对您的信访事项{number}出具处理意见（{outcome}）。处理意见书送达之日起{review_days}日内，如不服可向{review_body}申请复查。{evaluate}查询码{code}。{track}",
    TemplateKey.DELIVERED: "您的信访事项{number}的{document}已送达。{next_right}查询码{code}。{track}",
    TemplateKey.REVIEW_DECIDED: "{body}已对您的信访事项{number}作出复查意见（{outcome}）。{next_right}查询码{code}。{track}",
    TemplateKey.RECHECK_DECIDED: "{body}已对您的信访事项{number}作出复核意见（{outcome}）。复核意见为终结意见，以同一事实和理由再次提出的，不再受理。查询码{code}。{track}",
    TemplateKey.MEDIATED: "您的信访事项{number}已经调解（和解）办结。查询码{code}。{track}",
    # issue 15 §15: a lost code, sent only to the phone given at submission (portal/services/recovery.py)
    TemplateKey.CODE_RECOVERY: "您申请找回信访事项查询码：{items}。请妥善保管，不要告诉他人。如非本人操作，请忽略本短信。{track}",
    # reception bookings: {code} is the booking code here, not a 查询码
    TemplateKey.RECEPTION_BOOKED: "您已预约{date} {time}{leader}接访日（{place}），预约码{code}。信访局确认后将短信通知您。",
    TemplateKey.RECEPTION_CONFIRMED: "您预约的{date} {time}{leader}接访（{place}）已确认，预约码{code}，请携带身份证件按时到达。",
    TemplateKey.RECEPTION_RESCHEDULED: "您的接访预约已改至{date} {time}{leader}接访（{place}），预约码{code}，请按时到达。",
}


@dataclass(frozen=True)
class Composition:
    template_key: str
    params: dict
    petition_number: str = ""  # for registration acts: only that petition's persons are told


def _date(value) -> str:
    return value.isoformat() if value else ""


def _deadline(matter: Matter, kind: ClockKind, target: str = "") -> Deadline | None:
    held = getattr(matter, "_prefetched_objects_cache", {}).get("deadlines")
    if held is not None:  # the rows the act just wrote (registration holds them): no query (issue 14)
        running = [d for d in held if d.kind == kind.value and d.target == target and d.met_at is None
                   and d.cancelled_at is None]
        return max(running, key=lambda d: d.pk or 0, default=None)
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


def _registered(p: EventParams, matter: Matter, rules) -> Composition:
    dispose = _deadline(matter, ClockKind.DISPOSE)
    accept = _deadline(matter, ClockKind.ACCEPT)
    if dispose is not None:
        next_step = f"信访部门将于{_date(dispose.due)}前依法转送、交办或直接答复。"
    elif accept is not None:
        next_step = f"有权处理机关将于{_date(accept.due)}前告知是否受理。"
    else:
        next_step = ""
    return Composition(TemplateKey.REGISTERED, {"number": matter.number, "next_step": next_step},
                       petition_number=p["petition"])


def _accepted(p: EventParams, matter: Matter, rules) -> Composition:
    handle = _deadline(matter, ClockKind.HANDLE)
    return Composition(TemplateKey.ACCEPTED, {
        "number": matter.number, "unit": _unit_name(matter), "handle_due": _date(handle.due) if handle else "法定期限",
        "evaluate": _evaluate_sentence(matter, "bureau", "信访部门")})


def _declined(p: EventParams, matter: Matter, rules) -> Composition:
    note = p.text("note")
    return Composition(TemplateKey.DECLINED, {
        "number": matter.number, "reason": p.text("reason", "不符合受理条件"),
        "detail": (note[:80] + "。") if note else ""})


def _answered(p: EventParams, matter: Matter, rules) -> Composition:
    reply = p.text("reply")
    text = (reply[:60] + "…（详见网上查询）" if len(reply) > 60 else reply) + ("" if reply.endswith("。") else "。")
    return Composition(TemplateKey.ANSWERED, {"number": matter.number, "reply": text})


def _replied(p: EventParams, matter: Matter, rules) -> Composition:
    return Composition(TemplateKey.REPLIED, {
        "number": matter.number, "unit": _unit_name(matter), "outcome": p.text("outcome"),
        "review_body": p.text("review_body_name") or "责任单位的上级机关",
        "review_days": rules.period(ClockKind.REVIEW_REQUEST),
        "evaluate": _evaluate_sentence(matter, "unit", "责任单位")})


def _delivered(p: EventParams, matter: Matter, rules) -> Composition:
    if p["opens"] == ClockKind.RECHECK_REQUEST.value:
        window, body, what, document = _deadline(matter, ClockKind.RECHECK_REQUEST), matter.recheck_body, "复核", "复查意见书"
    else:
        window, body, what, document = _deadline(matter, ClockKind.REVIEW_REQUEST), matter.review_body, "复查", "信访处理意见书"
    params = {"number": matter.number, "document": document, "next_right": ""}
    if window is not None:
        params["next_right"] = f"如不服，您可在{_date(window.due)}前向{body.name if body else '上级机关'}申请{what}。"
        params["due"] = _date(window.due)
    return Composition(TemplateKey.DELIVERED, params)


def _review_decided(p: EventParams, matter: Matter, rules) -> Composition:
    params = {"number": matter.number, "body": matter.review_body.name if matter.review_body else "复查机关",
              "outcome": p.text("outcome")}
    if p["outcome"] == DecisionOutcome.REDO:
        handle = _deadline(matter, ClockKind.HANDLE)
        params["next_right"] = (f"{_unit_name(matter)}将重新办理，应于{_date(handle.due) if handle else '规定期限'}"
                                "前重新出具处理意见。")
    else:
        body = matter.recheck_body.name if matter.recheck_body else "上一级机关"
        params["next_right"] = (f"复查意见书送达之日起{rules.period(ClockKind.RECHECK_REQUEST)}日内，"
                                f"如不服可向{body}申请复核。")
    return Composition(TemplateKey.REVIEW_DECIDED, params)


# The SMS/e-mail audience: one composer per action, or None for acts the petitioner is not told
# about by message (the portal shows them). A test requires a row for every declared action.
Composer = Callable[[EventParams, Matter, object], Composition]
COMPOSERS: dict[str, Composer | None] = {
    "register": _registered,
    "add_petition": lambda p, m, rules: Composition(TemplateKey.REPEAT_REGISTERED, {"number": m.number},
                                                    petition_number=p["petition"]),
    "forward": None,
    "assign": None,
    "answer": _answered,
    "decline": _declined,
    "object": None,
    "approve_return": None,
    "refuse_return": None,
    "accept": _accepted,
    "route": lambda p, m, rules: Composition(TemplateKey.ROUTED, {"number": m.number,
                                                                  "procedure": p.text("procedure", "其他法定")}),
    "request_extension": None,
    "approve_extension": lambda p, m, rules: Composition(TemplateKey.EXTENDED, {
        "number": m.number, "new_due": p["new_due"], "reason": p.text("reason")}),
    "refuse_extension": None,
    "acknowledge": None,
    "merge": None,
    "absorb": None,
    "withdraw_extension": None,
    "start_hearing": None,
    "end_hearing": None,
    "mediate": lambda p, m, rules: Composition(TemplateKey.MEDIATED, {"number": m.number}),
    "reply": _replied,
    "deliver": _delivered,
    "evaluate": None,
    "add_material": None,  # the petitioner's own act: nothing to tell them
    "request_review": None,
    "review_decide": _review_decided,
    "request_recheck": None,
    "recheck_decide": lambda p, m, rules: Composition(TemplateKey.RECHECK_DECIDED, {
        "number": m.number, "body": m.recheck_body.name if m.recheck_body else "复核机关", "outcome": p.text("outcome")}),
    "close": None,
    "receive": None,
    "take_ownership": None,
    "end_ownership": None,
    "raise_level": None,
    "set_flags": None,
}


def compose(event: Event, matter: Matter) -> Composition | None:
    composer = COMPOSERS.get(event.action)
    if composer is None:
        return None
    return composer(EventParams.of(event), matter, current_rules())


def track_hint() -> str:
    base = (getattr(settings, "XINFANG_PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return f"查询：{base}/public/track/"
    return "可在网上信访平台凭编号和查询码查询。"


# Templates whose {code} is a reception booking code (typed at the desk as printed), not a 查询码.
BOOKING_TEMPLATES = frozenset({TemplateKey.RECEPTION_BOOKED, TemplateKey.RECEPTION_CONFIRMED,
                               TemplateKey.RECEPTION_RESCHEDULED})


def render(template_key: str, params: dict, code: str) -> str:
    shown = code if TemplateKey(template_key) in BOOKING_TEMPLATES else format_query_code(code)
    values = {"next_step": "", "evaluate": "", "next_right": "", "detail": "", **params, "code": shown, "track": track_hint()}
    values.setdefault("review_days", current_rules().period(ClockKind.REVIEW_REQUEST))  # rows queued before the setting
    return TEXTS[TemplateKey(template_key)].format(**values)


def subject(template_key: str) -> str:
    return f"{settings.XINFANG_COUNTY_NAME}信访局：{TemplateKey(template_key).label}"
