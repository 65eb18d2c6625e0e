"""Values for the placeholders, taken from the record at the moment of the act.

One builder per document type; each returns (values, recipient, recipient_unit). Everything
is read from the matter, its petitions and the event that produced the document, inside the
act's transaction, so the document states what the record said when the act happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from xinfang.matters.choices import (
    Channel,
    DecisionOutcome,
    DeclineReason,
    HandlingClass,
    ReplyOutcome,
)
from xinfang.matters.models import Deadline, Event, Matter, Petition, PetitionPerson
from xinfang.matters.params import EventParams
from xinfang.matters.services.numbering import format_query_code
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit
from xinfang.workdays.models import current_rules
from xinfang.workdays.rules import ClockKind

from .choices import DocType
from .renderers.content import ADDRESS_KEY, BLOCKS_KEY, QR_KEY, Table, blocks_to_json

D = DocType
DECLINE_BASIS = {
    DeclineReason.SAME_MATTER_IN_PROGRESS: "《信访工作条例》第十九条",
    DeclineReason.SAME_FACTS_AFTER_RECHECK: "《信访工作条例》第三十六条",
    DeclineReason.OTHER: "《信访工作条例》第二十二条、第二十三条",
}
KIND_CHAR = {UnitKind.BUREAU: "信", UnitKind.GOVERNMENT: "政", UnitKind.LEGAL_AFFAIRS: "政法", UnitKind.DISCIPLINE: "纪",
             UnitKind.ORGANIZATION: "组"}


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


def _first_petition(matter: Matter) -> Petition | None:
    held = _prefetched(matter, "petitions")
    if held is not None:
        return min(held, key=lambda p: (p.received_at, p.pk)) if held else None
    return matter.petitions.order_by("received_at", "id").first()


def _person_links(petition: Petition) -> list:
    held = _prefetched(petition, "person_links")
    if held is not None:
        return sorted(held, key=lambda link: (link.position, link.pk))
    return list(petition.person_links.select_related("petitioner").order_by("position", "id"))


def petitioner_names(matter: Matter, petition: Petition | None = None) -> str:
    if matter.is_anonymous:
        return "匿名信访人"
    petition = petition or _first_petition(matter)
    names = []
    if petition is not None:
        names = [link.petitioner.name for link in _person_links(petition)]
    if not names:
        names = [n for n in (matter.petitioner_names or "").split("、") if n]
    if len(names) > 5:
        return "、".join(names[:5]) + f"等{len(names)}人"
    return "、".join(names) or "信访人"


def petitioner_count(matter: Matter, petition: Petition | None = None) -> int:
    """How many persons a notice about ``matter`` (or about one ``petition``) is addressed to."""
    if matter.is_anonymous:
        return 1
    if petition is not None:
        people = {link.petitioner_id for link in _person_links(petition)}
    else:
        held = _prefetched(matter, "petitions")
        if held is not None:
            people = {link.petitioner_id for p in held for link in _person_links(p)}
        else:
            people = set(PetitionPerson.objects.filter(petition__matter=matter).values_list("petitioner_id", flat=True))
    if people:
        return len(people)
    return max(1, len([n for n in (matter.petitioner_names or "").split("、") if n]))


def addressee(matter: Matter, petition: Petition | None = None) -> str | None:
    """"你" for one petitioner; None (the wording keeps "你（你们）") for several."""
    return "你" if petitioner_count(matter, petition) == 1 else None


def portal_address() -> str:
    """The portal's tracking page as printed on receipts: ``XINFANG_PORTAL_TRACK_URL``, else
    ``XINFANG_PUBLIC_BASE_URL`` + /public/track/; "" when the deployment set neither."""
    url = (getattr(settings, "XINFANG_PORTAL_TRACK_URL", "") or "").strip()
    if url:
        return url
    base = (getattr(settings, "XINFANG_PUBLIC_BASE_URL", "") or "").strip().rstrip("/")
    return f"{base}/public/track/" if base else ""


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


@dataclass
class Paper:
    """What a builder fills in: the values, the recipient (a name), the recipient unit and the
    issuing unit (defaults: the petitioner, none, the acting unit)."""

    v: dict[str, str | None]
    p: EventParams
    event: Event
    matter: Matter
    rules: object
    day: str
    recipient: str
    recipient_unit: Unit | None
    issuing: Unit


def _receipt(d: Paper) -> None:
    held = [x for x in (_prefetched(d.matter, "petitions") or []) if x.number == d.p["petition"]]
    petition = (held[0] if held else Petition.objects.filter(matter=d.matter, number=d.p["petition"]).first()
                or d.matter.petitions.first())
    d.v["信访件编号"] = petition.number if petition else ""
    d.v["查询码"] = format_query_code(petition.query_code) if petition else ""
    d.v["登记日期"] = day_text(petition.registered_at if petition and petition.registered_at else d.event.recorded_at)
    d.v["信访人"] = d.recipient = petitioner_names(d.matter, petition)
    d.v[ADDRESS_KEY] = addressee(d.matter, petition)
    url = portal_address()
    d.v["查询网址"] = url or None  # None: a template line naming it is left out (no address configured)
    if url and petition is not None:
        d.v[QR_KEY] = f"{url}?number={d.matter.number}"


def _to_unit(d: Paper) -> None:
    d.recipient_unit = Unit.objects.get(code=d.p["unit"])
    d.recipient = d.recipient_unit.name
    d.v["责任单位"] = d.recipient_unit.name
    co = list(Unit.objects.filter(code__in=d.p["co_units"] or []).values_list("name", flat=True))
    d.v["协办单位"] = "、".join(co) or "无"
    d.v["信访人信息"] = _petitioner_info(d.matter)


def _forwarding_letter(d: Paper) -> None:
    _to_unit(d)
    accept = _deadline(d.matter, ClockKind.ACCEPT, d.event)
    obj = _deadline(d.matter, ClockKind.OBJECT, d.event)
    d.v["转送日期"] = d.day
    d.v["受理告知期限"] = _days(d.rules.period(ClockKind.ACCEPT))
    d.v["受理告知届满日"] = day_text(accept.due) if accept else ""
    d.v["异议期限"] = f"{d.rules.period(ClockKind.OBJECT)}个工作日"
    d.v["异议届满日"] = day_text(obj.due) if obj else ""


def _assignment_sheet(d: Paper) -> None:
    _to_unit(d)
    d.v["交办日期"] = d.day
    d.v["办结报告期限"] = day_text(d.p["report_due"])


def _acceptance_notice(d: Paper) -> None:
    handle = _deadline(d.matter, ClockKind.HANDLE, d.event)
    d.v["受理日期"] = d.day
    d.v["办理期限"] = _days(handle.period if handle else d.rules.period(ClockKind.HANDLE))
    d.v["办理期限届满日"] = day_text(handle.due) if handle else ""


def _non_acceptance(d: Paper) -> None:
    reason = d.p["reason"] or DeclineReason.OTHER
    d.v["不予受理理由"] = DeclineReason(reason).label
    d.v["说明"] = d.p.text("note")
    d.v["法律依据"] = DECLINE_BASIS.get(reason, DECLINE_BASIS[DeclineReason.OTHER])
    d.v["决定日期"] = d.day


def _extension_notice(d: Paper) -> None:
    d.v["延期天数"] = _days(d.p.number("days") or d.matter.extension_days)
    d.v["延期理由"] = d.p.text("reason") or d.matter.extension_reason
    d.v["原办理期限届满日"] = day_text(d.p["old_due"])
    d.v["延期后届满日"] = day_text(d.p["new_due"])
    d.v["受理日期"] = _event_day(d.matter, "accept")


def _opinion(d: Paper) -> None:
    d.v["处理结果"] = ReplyOutcome(d.p["outcome"]).label
    d.v["处理意见"] = d.p.text("opinion")
    d.v["答复日期"] = d.day


def _handling_opinion(d: Paper) -> None:
    _opinion(d)
    d.v["法律依据"] = d.p.text("legal_basis")
    d.v["复查机关"] = d.p.text("review_body_name") or (
        d.matter.review_body.name if d.matter.review_body_id else "上一级行政机关")
    d.v["复查期限"] = _days(d.rules.period(ClockKind.REVIEW_REQUEST))
    d.v["受理日期"] = _event_day(d.matter, "accept")


def _completion_report(d: Paper) -> None:
    _opinion(d)
    assign = d.matter.events.filter(action="assign").order_by("-seq").first()
    bureau = (assign.unit if assign and assign.unit_id else None) or d.matter.registering_unit
    d.recipient_unit = bureau
    d.recipient = bureau.name
    d.v["交办机关"] = bureau.name
    d.v["交办日期"] = day_text(assign.occurred_at) if assign else ""
    d.v["办结报告期限"] = day_text(EventParams.of(assign)["report_due"]) if assign else ""
    d.v["办结报告"] = d.p.text("report") or d.p.text("opinion")


def _review_opinion(d: Paper) -> None:
    m = d.matter
    request = m.events.filter(action="request_review").order_by("-seq").first()
    d.issuing = m.review_body or d.issuing
    outcome = d.p["outcome"]
    d.v["复查结果"] = d.p.text("outcome")
    d.v["复查意见"] = d.p.text("opinion")
    d.v["复查机关"] = d.issuing.name
    d.v["原处理机关"] = d.v["责任单位"]
    redo = outcome == DecisionOutcome.REDO
    # None: the line does not apply (a case ordered redone gets a new opinion, not 复核)
    d.v["复核机关"] = None if redo else (m.recheck_body.name if m.recheck_body_id else "上一级行政机关")
    d.v["复核期限"] = None if redo else _days(d.rules.period(ClockKind.RECHECK_REQUEST))
    d.v["复查申请日期"] = day_text(request.occurred_at) if request else ""
    d.v["重新办理期限"] = _days(d.p.number("redo_days")) if redo else None


def _recheck_opinion(d: Paper) -> None:
    m = d.matter
    request = m.events.filter(action="request_recheck").order_by("-seq").first()
    d.issuing = m.recheck_body or d.issuing
    d.v["复核结果"] = d.p.text("outcome")
    d.v["复核意见"] = d.p.text("opinion")
    d.v["复核机关"] = d.issuing.name
    d.v["复查机关"] = m.review_body.name if m.review_body_id else ""
    d.v["复核申请日期"] = day_text(request.occurred_at) if request else ""


OPINION_OF = {"reply": D.HANDLING_OPINION, "review_decide": D.REVIEW_OPINION, "recheck_decide": D.RECHECK_OPINION}


def _delivery_receipt(d: Paper) -> None:
    """送达回证: the form that travels with the opinion the same act issues and comes back signed."""
    opinion = OPINION_OF.get(d.event.action, D.HANDLING_OPINION)
    if d.event.action == "review_decide":
        d.issuing = d.matter.review_body or d.issuing
    elif d.event.action == "recheck_decide":
        d.issuing = d.matter.recheck_body or d.issuing
    petition = _first_petition(d.matter)
    address = ""
    if petition is not None and not d.matter.is_anonymous:
        links = _person_links(petition)
        address = next((link.petitioner.address for link in links if link.petitioner.address), "")
    from .models import IssuedDocument

    issued = IssuedDocument.objects.filter(event=d.event, doc_type=opinion).values_list("doc_number", flat=True).first()
    d.v["送达文书"] = f"{opinion.label}（{issued or d.matter.number}）"
    d.v["受送达人"] = d.recipient
    d.v["送达地点"] = address or "　"
    methods = "□直接　□邮寄　□留置　□委托　□电子"
    blank = "　" * 8 + "年　　月　　日"
    rows = [["送达文书", d.v["送达文书"]], ["受送达人", d.recipient], ["送达地点", address or ""],
            ["送达方式", methods], ["受送达人签名或盖章", blank], ["代收人及代收理由", blank],
            ["拒收事由及见证人", blank], ["送达人", blank], ["备注", ""]]
    d.v[BLOCKS_KEY] = blocks_to_json({"送达回证": Table("送达回证", ["项目", "内容"], rows, form=True)})


# One builder per document type produced by matter events (supervision papers: supervision.papers).
BUILDERS = {
    D.REGISTRATION_RECEIPT: _receipt,
    D.FORWARDING_LETTER: _forwarding_letter,
    D.ASSIGNMENT_SHEET: _assignment_sheet,
    D.ACCEPTANCE_NOTICE: _acceptance_notice,
    D.NON_ACCEPTANCE_NOTICE: _non_acceptance,
    D.NO_FURTHER_ACCEPTANCE_NOTICE: _non_acceptance,
    D.EXTENSION_NOTICE: _extension_notice,
    D.HANDLING_OPINION: _handling_opinion,
    D.COMPLETION_REPORT: _completion_report,
    D.REVIEW_OPINION: _review_opinion,
    D.RECHECK_OPINION: _recheck_opinion,
    D.DELIVERY_RECEIPT: _delivery_receipt,
}
# Issued by the unit that handles the matter, not by the bureau that recorded the act.
ISSUED_BY_HANDLER = {D.ACCEPTANCE_NOTICE, D.EXTENSION_NOTICE, D.HANDLING_OPINION, D.COMPLETION_REPORT}


def build(doc_type: str, event: Event, matter: Matter) -> tuple[dict[str, str | None], str, Unit | None, Unit]:
    """(values, recipient, recipient unit, issuing unit) for a document produced by ``event``."""
    t = D(doc_type)
    builder = BUILDERS.get(t)
    if builder is None:
        raise ValueError(f"{doc_type} is not produced by matter events")
    values: dict[str, str | None] = dict(matter_values(matter))
    paper = Paper(v=values, p=EventParams.of(event), event=event, matter=matter, rules=current_rules(),
                  day=day_text(event.occurred_at), recipient=values["信访人"] or "", recipient_unit=None,
                  issuing=event.unit or matter.registering_unit)
    builder(paper)
    if ADDRESS_KEY not in paper.v:
        paper.v[ADDRESS_KEY] = addressee(matter)
    if t in ISSUED_BY_HANDLER:
        paper.issuing = (event.unit if event.unit_id and not event.unit.is_bureau
                         else (matter.handling_unit or paper.issuing))
    return paper.v, paper.recipient, paper.recipient_unit, paper.issuing
