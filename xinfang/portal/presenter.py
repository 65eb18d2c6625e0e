"""The public view of one matter for its petitioner (可查询、可跟踪). Never the staff serializers.

Everything here is built from a whitelist: per action, which parameters may be shown; per clock,
what label. No ID numbers, phones, staff names, internal notes or other petitioners' data; unit
*names* only. ``public_view`` returns plain data used by the portal templates and, through
``PublicMatterSerializer``, by ``GET /api/v1/public/track/``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from xinfang.documents.choices import DocType
from xinfang.matters.choices import (
    OPEN_STATES,
    CloseReason,
    EvaluationTarget,
    HandlingClass,
    Rating,
    State,
)
from xinfang.matters.models import Deadline, Event, Matter, Petition
from xinfang.matters.params import EventParams
from xinfang.matters.selectors import public_attachments
from xinfang.workdays.models import current_rules
from xinfang.workdays.rules import ClockKind

from . import documents
from .services.petitioner import PRESSABLE, appeal_action, recent_reminder, reminder_interval

PUBLIC_STATUS = {
    State.REGISTERED: "已登记，信访部门正在审查处理",
    State.FORWARDED: "已转送有权处理机关，等待受理",
    State.ASSIGNED: "已交办有权处理机关，等待受理",
    State.RETURN_REQUESTED: "信访部门正在确定办理机关",
    State.ACCEPTED: "已受理，正在办理",
    State.REPLIED: "已出具信访处理意见",
    State.REVIEW_REQUESTED: "复查中",
    State.REVIEWED: "已出具复查意见",
    State.RECHECK_REQUESTED: "复核中",
    State.CLOSED: "已办结",
}
PUBLIC_NOTICES = {
    DocType.REGISTRATION_RECEIPT, DocType.ACCEPTANCE_NOTICE, DocType.NON_ACCEPTANCE_NOTICE,
    DocType.NO_FURTHER_ACCEPTANCE_NOTICE, DocType.EXTENSION_NOTICE, DocType.HANDLING_OPINION,
    DocType.REVIEW_OPINION, DocType.RECHECK_OPINION,
}
CLOCK_LABELS = {
    ClockKind.DISPOSE: "信访部门登记后转送、交办或答复",
    ClockKind.ACCEPT: "有权处理机关告知是否受理",
    ClockKind.HANDLE: "出具信访处理意见",
    ClockKind.REVIEW_REQUEST: "您可申请复查的期限",
    ClockKind.REVIEW: "复查机关出具复查意见",
    ClockKind.RECHECK_REQUEST: "您可申请复核的期限",
    ClockKind.RECHECK: "复核机关出具复核意见",
    ClockKind.EVALUATE: "您可评价的期限",
}
TARGET_LABELS = {EvaluationTarget.BUREAU: "信访部门", EvaluationTarget.UNIT: "责任单位"}
LABELS = {"close": dict(CloseReason.choices), "rating": dict(Rating.choices), "notice": dict(DocType.choices)}


def _day(value) -> dt.date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value


PETITIONER_ACTS = {"evaluate", "request_review", "request_recheck"}


def _unit_name(event: Event) -> str:
    """The acting body's name; the petitioner's own acts say so. Never a staff member's name."""
    if event.action in PETITIONER_ACTS:
        return "信访人"
    return event.unit.name if event.unit_id else ""


def _ask_for_body(p: EventParams, name: str, fallback: str, what: str) -> tuple[str, str]:
    return f"申请{what}", f"已向{p.text(name) or fallback}申请{what}。"


# The public timeline: one line per action, or None for acts the petitioner is not shown (internal).
# Each entry reads the event's typed params (``EventParams``) and whether the event concerns the
# petition being tracked (``own``). A test requires a row for every declared action.
PublicLine = Callable[[EventParams, bool], tuple[str, str]]
PUBLIC_TIMELINE: dict[str, PublicLine | None] = {
    "register": lambda p, own: ("登记", f"您通过{p.text('channel')}提出的信访件已登记。" if own else "信访事项已登记。"),
    "add_petition": lambda p, own: ("登记", "您的信访件已登记，与本事项合并办理。" if own
                                    else "收到反映同一事项的信访件，合并办理。"),
    "forward": lambda p, own: ("转送", f"转送{p.text('unit_name') or '有权处理机关'}办理。"),
    "assign": lambda p, own: ("交办", f"交办{p.text('unit_name') or '有权处理机关'}办理。"),
    "answer": lambda p, own: ("直接答复", p.text("reply")),
    "decline": lambda p, own: ("不予受理", p.text("reason")),
    "object": None,
    "approve_return": lambda p, own: ("重新确定办理机关", "原接收单位提出异议，经信访部门审核同意，重新确定办理机关。"),
    "refuse_return": None,
    "accept": lambda p, own: ("受理", "已受理，并书面告知。"),
    "route": lambda p, own: ("告知通过法定途径解决",
                             f"依法应通过“{p.text('procedure') or '其他法定'}”途径解决。{p.text('note')}"),
    "request_extension": None,
    "approve_extension": lambda p, own: ("延长办理期限", f"经批准延长 {p['days']} 日，办理期限至 {p['new_due']}。"
                                                        f"延期理由：{p.text('reason')}"),
    "refuse_extension": None,
    "merge": lambda p, own: ("合并办理", f"与反映同一事项的事项{p.text('into')}合并办理，请以该事项的办理结果为准。"),
    "absorb": lambda p, own: ("合并办理", "另行登记的反映同一事项的信访件并入本事项一并办理。"),
    "acknowledge": lambda p, own: ("签收", "有权处理机关已签收，将依法决定是否受理。"),
    "withdraw_extension": None,
    "start_hearing": lambda p, own: ("举行听证", "听证期间不计入复核期限。"),
    "end_hearing": lambda p, own: ("听证结束", ""),
    "mediate": lambda p, own: ("调解和解办结", p.text("agreement")),
    "reply": lambda p, own: ("出具信访处理意见书", f"处理结果：{p.text('outcome')}。{p.text('opinion')}"),
    "deliver": lambda p, own: ("送达", f"送达方式：{p.text('method')}。"),
    "evaluate": lambda p, own: ("评价", f"评价{p.text('target')}：{p.text('rating')}。"),
    "add_material": lambda p, own: ("补充材料", "信访人补充了材料" + (f"（附件 {p['attachments']} 个）" if p["attachments"] else "")
                                    + "，已通知办理机关。"),
    "request_review": lambda p, own: _ask_for_body(p, "review_body_name", "复查机关", "复查"),
    "review_decide": lambda p, own: ("出具复查意见", f"复查结果：{p.text('outcome')}。{p.text('opinion')}"),
    "request_recheck": lambda p, own: _ask_for_body(p, "recheck_body_name", "复核机关", "复核"),
    "recheck_decide": lambda p, own: ("出具复核意见", f"复核结果：{p.text('outcome')}。{p.text('opinion')}"),
    "close": lambda p, own: ("办结", p.text("reason")),
    "receive": lambda p, own: ("领导接访", f"{p.text('leader_name') or '领导'}接待来访，听取诉求。"),
    "take_ownership": None,
    "end_ownership": None,
    "raise_level": None,
    "set_flags": None,
}


def _timeline_entry(event: Event, petition: Petition) -> dict | None:
    """One public line per event, or None for acts the petitioner is not shown (internal)."""
    line = PUBLIC_TIMELINE.get(event.action)
    if line is None:
        return None
    p = EventParams.of(event)
    label, detail = line(p, p["petition"] == petition.number)
    return {"seq": event.seq, "action": event.action, "label": label, "date": _day(event.occurred_at),
            "unit_name": _unit_name(event), "detail": detail.strip()}


def _deadline_rows(deadlines: list[Deadline], today: dt.date) -> list[dict]:
    rows = []
    for d in deadlines:
        kind = ClockKind(d.kind)
        if kind not in CLOCK_LABELS or (d.cancelled_at is not None and d.lapsed_on is None):
            continue
        label = CLOCK_LABELS[kind]
        if kind == ClockKind.EVALUATE:
            label = f"您可评价{TARGET_LABELS.get(d.target, '')}的期限"
        if d.met_at is not None:
            state = "met_late" if d.is_overdue(today) else "met"
        elif d.cancelled_at is not None:
            state = "lapsed"
        elif d.binds_authority:
            state = "overdue" if today > d.due else "running"
        else:
            state = "lapsed" if today > d.due else "running"
        rows.append({
            "kind": d.kind, "target": d.target, "label": label,
            "unit_name": d.unit.name if d.unit_id and d.binds_authority else "",
            "start": d.start, "due": d.due, "met_on": _day(d.met_at), "state": state,
            "provisional": d.provisional, "explanation": d.explanation,
        })
    return rows


def _not_evaluable_reason(m: Matter) -> str:
    if m.handling_class == HandlingClass.ACCUSATION or m.is_confidential:
        return "检举控告类事项依规定不参加满意度评价（保护检举人）。"
    if m.is_law_related:
        return "涉法涉诉事项依法通过诉讼等法定程序处理，不参加满意度评价。"
    if not m.is_public:
        return "该事项不公开，不参加满意度评价。"
    if m.is_anonymous:
        return "匿名信访事项不参加满意度评价。"
    return ""


def _evaluation(m: Matter, deadlines: list[Deadline], events: list[Event], today: dt.date) -> dict:
    if not m.is_evaluable:
        return {"evaluable": False, "reason": _not_evaluable_reason(m), "targets": []}
    allow_again = current_rules().allow_reevaluation
    targets = []
    for target, label in TARGET_LABELS.items():
        unit = m.registering_unit if target == EvaluationTarget.BUREAU else m.handling_unit
        windows = [d for d in deadlines if d.kind == ClockKind.EVALUATE and d.target == target]
        ratings = [
            {"rating": e.params.get("rating"), "label": LABELS["rating"].get(e.params.get("rating", ""), ""),
             "date": _day(e.occurred_at)}
            for e in events if e.action == "evaluate" and (e.params or {}).get("target") == target
        ]
        latest = windows[-1] if windows else None
        can, due, message = False, None, ""
        if latest is None:
            message = ("受理后可评价信访部门的工作。" if target == EvaluationTarget.BUREAU
                       else "责任单位出具处理意见后可评价其工作。")
        elif latest.is_running:
            due = latest.due
            can = today <= latest.due
            message = "" if can else f"评价期限已于 {latest.due.isoformat()} 届满。"
        elif latest.met_at is not None:
            due = latest.due
            if allow_again and len(ratings) == 1 and today <= latest.due:
                can, message = True, "您已评价，可在评价期限内重新评价一次。"
            else:
                message = "您已作出评价。"
        else:
            message = "评价期限已经结束。"
        targets.append({"target": target, "label": label, "unit_name": unit.name if unit else "",
                        "can_evaluate": can, "due": due, "ratings": ratings, "message": message})
    return {"evaluable": True, "reason": "", "targets": targets}


def _appeal(m: Matter, deadlines: list[Deadline], today: dt.date) -> dict:
    action = appeal_action(m)
    out = {"action": None, "label": "", "body_name": "", "due": None, "can_request": False, "message": ""}
    if m.status == State.REVIEW_REQUESTED:
        out.update(label="复查", body_name=m.review_body.name if m.review_body else "",
                   message=f"已申请复查，由{m.review_body.name if m.review_body else '复查机关'}办理。")
        return out
    if m.status == State.RECHECK_REQUESTED:
        out.update(label="复核", body_name=m.recheck_body.name if m.recheck_body else "",
                   message=f"已申请复核，由{m.recheck_body.name if m.recheck_body else '复核机关'}办理。")
        return out
    if action is None:
        if m.status == State.CLOSED and m.close_reason == CloseReason.RECHECKED:
            out["message"] = "复核意见为终结意见。对复核意见不服，仍以同一事实和理由提出的，不再受理。"
        return out
    review = action == "request_review"
    kind = ClockKind.REVIEW_REQUEST if review else ClockKind.RECHECK_REQUEST
    body = (m.review_body or (m.handling_unit.superior if m.handling_unit else None)) if review else m.recheck_body
    label = "复查" if review else "复核"
    window = next((d for d in reversed(deadlines) if d.kind == kind and d.is_running), None)
    out.update(action=action, label=label, body_name=body.name if body else "")
    if not m.delivered or window is None:
        document = "信访处理意见书" if review else "复查意见书"
        out["message"] = f"{document}送达后 {current_rules().period(kind)} 日内，如不服可申请{label}。"
    elif today > window.due:
        out.update(due=window.due, message=f"申请{label}的期限已于 {window.due.isoformat()} 届满。")
    else:
        out.update(due=window.due, can_request=True,
                   message=f"如不服，您可在 {window.due.isoformat()} 前向{out['body_name'] or '上一级机关'}申请{label}。")
    return out


def _reminder(m: Matter, deadlines: list[Deadline], today: dt.date) -> dict:
    overdue = [
        {"kind": d.kind, "label": CLOCK_LABELS[ClockKind(d.kind)], "due": d.due,
         "unit_name": d.unit.name if d.unit_id else ""}
        for d in deadlines
        if ClockKind(d.kind) in PRESSABLE and d.is_running and today > d.due
    ]
    recent = recent_reminder(m) if overdue else None
    return {
        "overdue": overdue,
        "can_request": bool(overdue) and recent is None,
        "requested_on": _day(recent.created_at) if recent else None,
        "interval_days": reminder_interval().days,
    }


def _single_party(matter: Matter, petition: Petition, petitions: list[Petition]) -> bool:
    """True when every petitioner of the matter is on this petition (notices name no one else)."""
    own = {link.petitioner_id for link in petition.person_links.all()}
    others = {link.petitioner_id for p in petitions for link in p.person_links.all()}
    return others <= own


def _notices(matter: Matter, petition: Petition, events: list[Event], downloadable: bool) -> list[dict]:
    issued = documents.documents_for(matter)
    rows = []
    for e in events:
        p = e.params or {}
        types = p.get("notice_types") or ([p["notice_type"]] if p.get("notice_type") else [])
        for notice_type in types:
            if notice_type not in PUBLIC_NOTICES:
                continue
            if notice_type == DocType.REGISTRATION_RECEIPT and p.get("petition") != petition.number:
                continue  # another person's receipt
            doc = issued.get((e.pk, notice_type))
            rows.append({
                "type": notice_type, "label": LABELS["notice"].get(notice_type, notice_type), "event_seq": e.seq,
                "doc_id": None,
                "issued_on": _day(doc.issued_at) if doc is not None and doc.issued_at else _day(e.occurred_at),
                "doc_number": doc.doc_number if doc is not None else "",
                "available": bool(doc is not None and downloadable),
            })
    for doc in documents.papers_for(matter):  # hearing papers: from the hearing record, not an event
        rows.append({
            "type": doc.doc_type, "label": LABELS["notice"].get(doc.doc_type, doc.doc_type), "event_seq": None,
            "doc_id": doc.pk, "issued_on": _day(doc.issued_at), "doc_number": doc.doc_number,
            "available": downloadable,
        })
    return rows


def limited_view(matter: Matter, petition: Petition) -> dict:
    """Matters not published (不公开/保密): only that it exists and how to ask in person."""
    return {
        "number": matter.number, "petition_number": petition.number, "limited": True,
        "limited_reason": "该事项依规定不在网上公开办理过程。如需了解办理情况，请携带身份证件到信访局接待大厅或拨打信访局电话查询。",
        "title": "", "status": "", "status_label": "", "close_reason": "", "received_on": _day(petition.received_at),
        "handling_unit_name": "", "review_body_name": "", "recheck_body_name": "",
        "timeline": [], "deadlines": [], "notices": [],
        "evaluation": {"evaluable": False, "reason": "该事项不公开，不参加满意度评价。", "targets": []},
        "appeal": {"action": None, "label": "", "body_name": "", "due": None, "can_request": False, "message": ""},
        "reminder": {"overdue": [], "can_request": False, "requested_on": None},
        "material": _material(matter), "attachments": [],
    }


def _material(m: Matter) -> dict:
    """补充材料: any open matter (also one not published: adding tells the petitioner nothing)."""
    return {"can_add": m.status in OPEN_STATES}


def _attachments(m: Matter) -> list[dict]:
    """Files marked 对信访人可见 (and the petitioner's own uploads): name, size, the act, the day."""
    rows = []
    for a in public_attachments(m):
        act = PUBLIC_TIMELINE.get(a.event.action) if a.event_id else None
        label = "登记" if a.event_id is None else (act(EventParams.of(a.event), True)[0] if act else "办理")
        rows.append({"id": a.pk, "name": a.name, "size": a.size, "act": label, "date": _day(a.uploaded_at)})
    return rows


def public_view(matter: Matter, petition: Petition, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    matter = (Matter.objects.select_related("registering_unit", "handling_unit__superior", "review_body", "recheck_body")
              .get(pk=matter.pk))
    if not matter.is_public or matter.is_confidential:
        return limited_view(matter, petition)
    events = list(matter.events.select_related("unit").order_by("seq"))
    deadlines = list(Deadline.objects.filter(matter=matter).select_related("unit").order_by("start", "id"))
    petitions = list(matter.petitions.prefetch_related("person_links"))
    petition = next((p for p in petitions if p.pk == petition.pk), petition)
    status_label = PUBLIC_STATUS[State(matter.status)]
    if matter.status == State.CLOSED and matter.close_reason:
        status_label = f"已办结（{LABELS['close'].get(matter.close_reason, '')}）"
    holds_unit = matter.status not in (State.REGISTERED, State.RETURN_REQUESTED)
    return {
        "number": matter.number, "petition_number": petition.number, "limited": False, "limited_reason": "",
        "title": matter.title, "status": matter.status, "status_label": status_label,
        "close_reason": matter.close_reason, "received_on": _day(matter.received_at),
        "handling_unit_name": matter.handling_unit.name if matter.handling_unit and holds_unit else "",
        "review_body_name": matter.review_body.name if matter.review_body else "",
        "recheck_body_name": matter.recheck_body.name if matter.recheck_body else "",
        "timeline": [row for e in events if (row := _timeline_entry(e, petition)) is not None],
        "deadlines": _deadline_rows(deadlines, today),
        "notices": _notices(matter, petition, events, _single_party(matter, petition, petitions)),
        "evaluation": _evaluation(matter, deadlines, events, today),
        "appeal": _appeal(matter, deadlines, today),
        "reminder": _reminder(matter, deadlines, today),
        "material": _material(matter),
        "attachments": _attachments(matter),
    }
