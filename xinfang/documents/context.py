"""Values for the placeholders, taken from the record at the moment of the act.

One builder per document type; each returns (values, recipient, recipient_unit). Everything
is read from the matter, its petitions and the event that produced the document, inside the
act's transaction, so the document states what the record said when the act happened.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from xinfang.matters.choices import (
    Channel,
    DecisionOutcome,
    DeclineReason,
    HandlingClass,
    ReplyOutcome,
)
from xinfang.matters.models import Deadline, Event, Matter, Petition
from xinfang.org.models import Unit
from xinfang.workdays.models import current_rules
from xinfang.workdays.rules import ClockKind

from .choices import DocType

D = DocType
DECLINE_BASIS = {
    DeclineReason.SAME_MATTER_IN_PROGRESS: "《信访工作条例》第十九条",
    DeclineReason.SAME_FACTS_AFTER_RECHECK: "《信访工作条例》第三十六条",
    DeclineReason.OTHER: "《信访工作条例》第二十二条、第二十三条",
}
KIND_CHAR = {"bureau": "信", "government": "政", "legal_affairs": "政法", "discipline": "纪", "organization": "组"}


def day_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def unit_code_char(unit: Unit) -> str:
    """机关代字: the unit's short name, or one derived from the county and the unit kind."""
    if unit.short_name:
        return unit.short_name
    county = str(getattr(settings, "XINFANG_COUNTY_NAME", "") or "")
    name = unit.name
    if county and name.startswith(county):
        name = name[len(county):]
    if unit.kind in KIND_CHAR:
        return (county[:1] or name[:1]) + KIND_CHAR[unit.kind]
    return name[:2]


def _prefetched(obj, name: str):
    """Rows the caller already holds (registration hands over what it just wrote), else None."""
    return getattr(obj, "_prefetched_objects_cache", {}).get(name)


def first_petition(matter: Matter) -> Petition | None:
    held = _prefetched(matter, "petitions")
    if held is not None:
        return min(held, key=lambda p: (p.received_at, p.pk)) if held else None
    return matter.petitions.order_by("received_at", "id").first()


def person_links(petition: Petition) -> list:
    held = _prefetched(petition, "person_links")
    if held is not None:
        return sorted(held, key=lambda link: (link.position, link.pk))
    return list(petition.person_links.select_related("petitioner").order_by("position", "id"))


def petitioner_names(matter: Matter, petition: Petition | None = None) -> str:
    if matter.is_anonymous:
        return "匿名信访人"
    petition = petition or first_petition(matter)
    names = []
    if petition is not None:
        names = [link.petitioner.name for link in person_links(petition)]
    if not names:
        names = [n for n in (matter.petitioner_names or "").split("、") if n]
    if len(names) > 5:
        return "、".join(names[:5]) + f"等{len(names)}人"
    return "、".join(names) or "信访人"


def _petitioner_info(matter: Matter) -> str:
    if matter.handling_class == HandlingClass.ACCUSATION and (matter.is_confidential or matter.accused_unit_id):
        return "（检举控告事项，信访人信息依照《信访工作条例》第三十条予以保密，不在本函列明）"
    petition = matter.petitions.order_by("received_at", "id").first()
    if petition is None:
        return petitioner_names(matter)
    parts = []
    for link in petition.person_links.select_related("petitioner").order_by("position", "id")[:5]:
        p = link.petitioner
        parts.append(f"{p.name}（联系电话：{p.phone or '未留'}；住址：{p.address or '未留'}）")
    return "；".join(parts) or petitioner_names(matter)


def _deadline(matter: Matter, kind: ClockKind, event: Event | None = None) -> Deadline | None:
    qs = Deadline.objects.filter(matter=matter, kind=kind.value)
    if event is not None:
        exact = qs.filter(event=event).order_by("-id").first()
        if exact is not None:
            return exact
    return qs.order_by("-id").first()


def _event_day(matter: Matter, action: str) -> str:
    ev = matter.events.filter(action=action).order_by("-seq").first()
    return day_text(ev.occurred_at) if ev else ""


def matter_values(matter: Matter) -> dict[str, str]:
    return {
        "信访人": petitioner_names(matter),
        "事项编号": matter.number,
        "信访事项标题": matter.title,
        "诉求概况": matter.content,
        "收到日期": day_text(matter.received_at),
        "登记机关": matter.registering_unit.name,
        "信访形式": Channel(matter.channel).label,
        "责任单位": matter.handling_unit.name if matter.handling_unit_id else "",
    }


def _days(n: int) -> str:
    return f"{n}日"


def build(doc_type: str, event: Event, matter: Matter) -> tuple[dict[str, str | None], str, Unit | None, Unit]:
    """(values, recipient, recipient unit, issuing unit) for a document produced by ``event``."""
    t = D(doc_type)
    p = event.params or {}
    v: dict[str, str | None] = dict(matter_values(matter))
    rules = current_rules()
    issuing = event.unit or matter.registering_unit
    recipient = v["信访人"]
    recipient_unit: Unit | None = None
    day = day_text(event.occurred_at)

    if t == D.REGISTRATION_RECEIPT:
        held = [x for x in (_prefetched(matter, "petitions") or []) if x.number == p.get("petition", "")]
        petition = (held[0] if held else Petition.objects.filter(matter=matter, number=p.get("petition", "")).first()
                    or matter.petitions.first())
        v["信访件编号"] = petition.number if petition else ""
        v["查询码"] = petition.query_code if petition else ""
        v["登记日期"] = day_text(petition.registered_at if petition and petition.registered_at else event.recorded_at)
        v["信访人"] = recipient = petitioner_names(matter, petition)
    elif t in (D.FORWARDING_LETTER, D.ASSIGNMENT_SHEET):
        recipient_unit = Unit.objects.get(code=p["unit"])
        recipient = recipient_unit.name
        v["责任单位"] = recipient_unit.name
        co = list(Unit.objects.filter(code__in=p.get("co_units") or []).values_list("name", flat=True))
        v["协办单位"] = "、".join(co) or "无"
        v["信访人信息"] = _petitioner_info(matter)
        if t == D.FORWARDING_LETTER:
            accept = _deadline(matter, ClockKind.ACCEPT, event)
            obj = _deadline(matter, ClockKind.OBJECT, event)
            v["转送日期"] = day
            v["受理告知期限"] = _days(rules.period(ClockKind.ACCEPT))
            v["受理告知届满日"] = day_text(accept.due) if accept else ""
            v["异议期限"] = f"{rules.period(ClockKind.OBJECT)}个工作日"
            v["异议届满日"] = day_text(obj.due) if obj else ""
        else:
            v["交办日期"] = day
            v["办结报告期限"] = day_text(p.get("report_due"))
    elif t == D.ACCEPTANCE_NOTICE:
        handle = _deadline(matter, ClockKind.HANDLE, event)
        v["受理日期"] = day
        v["办理期限"] = _days(handle.period if handle else rules.period(ClockKind.HANDLE))
        v["办理期限届满日"] = day_text(handle.due) if handle else ""
    elif t in (D.NON_ACCEPTANCE_NOTICE, D.NO_FURTHER_ACCEPTANCE_NOTICE):
        reason = p.get("reason") or DeclineReason.OTHER
        v["不予受理理由"] = DeclineReason(reason).label
        v["说明"] = p.get("note") or ""
        v["法律依据"] = DECLINE_BASIS.get(reason, DECLINE_BASIS[DeclineReason.OTHER])
        v["决定日期"] = day
    elif t == D.EXTENSION_NOTICE:
        v["延期天数"] = _days(int(p.get("days") or matter.extension_days))
        v["延期理由"] = p.get("reason") or matter.extension_reason
        v["原办理期限届满日"] = day_text(p.get("old_due"))
        v["延期后届满日"] = day_text(p.get("new_due"))
        v["受理日期"] = _event_day(matter, "accept")
    elif t in (D.HANDLING_OPINION, D.COMPLETION_REPORT):
        v["处理结果"] = ReplyOutcome(p["outcome"]).label
        v["处理意见"] = p.get("opinion", "")
        v["答复日期"] = day
        if t == D.HANDLING_OPINION:
            v["法律依据"] = p.get("legal_basis", "")
            v["复查机关"] = p.get("review_body_name") or (matter.review_body.name if matter.review_body_id else "上一级行政机关")
            v["复查期限"] = _days(rules.period(ClockKind.REVIEW_REQUEST))
            v["受理日期"] = _event_day(matter, "accept")
        else:
            assign = matter.events.filter(action="assign").order_by("-seq").first()
            bureau = (assign.unit if assign and assign.unit_id else None) or matter.registering_unit
            recipient_unit = bureau
            recipient = bureau.name
            v["交办机关"] = bureau.name
            v["交办日期"] = day_text(assign.occurred_at) if assign else ""
            v["办结报告期限"] = day_text((assign.params or {}).get("report_due")) if assign else ""
            v["办结报告"] = p.get("report") or p.get("opinion", "")
    elif t == D.REVIEW_OPINION:
        request = matter.events.filter(action="request_review").order_by("-seq").first()
        issuing = matter.review_body or issuing
        outcome = p.get("outcome", "")
        v["复查结果"] = DecisionOutcome(outcome).label if outcome else ""
        v["复查意见"] = p.get("opinion", "")
        v["复查机关"] = issuing.name
        v["原处理机关"] = v["责任单位"]
        redo = outcome == DecisionOutcome.REDO
        # None: the line does not apply (a case ordered redone gets a new opinion, not 复核)
        v["复核机关"] = None if redo else (matter.recheck_body.name if matter.recheck_body_id else "上一级行政机关")
        v["复核期限"] = None if redo else _days(rules.period(ClockKind.RECHECK_REQUEST))
        v["复查申请日期"] = day_text(request.occurred_at) if request else ""
        v["重新办理期限"] = _days(int(p.get("redo_days") or 60)) if redo else None
    elif t == D.RECHECK_OPINION:
        request = matter.events.filter(action="request_recheck").order_by("-seq").first()
        issuing = matter.recheck_body or issuing
        outcome = p.get("outcome", "")
        v["复核结果"] = DecisionOutcome(outcome).label if outcome else ""
        v["复核意见"] = p.get("opinion", "")
        v["复核机关"] = issuing.name
        v["复查机关"] = matter.review_body.name if matter.review_body_id else ""
        v["复核申请日期"] = day_text(request.occurred_at) if request else ""
    else:
        raise ValueError(f"{doc_type} is not produced by matter events")
    if t in (D.ACCEPTANCE_NOTICE, D.EXTENSION_NOTICE, D.HANDLING_OPINION, D.COMPLETION_REPORT):
        issuing = event.unit if event.unit_id and not event.unit.is_bureau else (matter.handling_unit or issuing)
    return v, recipient, recipient_unit, issuing
