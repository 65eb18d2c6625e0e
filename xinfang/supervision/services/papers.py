"""The official papers of supervision: 督办单, 通报 and 建议书 (domain §7, 条例 §38–§40).

Issued by the bureau through ``xinfang.documents.services.issue_document`` inside the
transaction that creates the record: a paper that cannot be generated refuses the act
(``DocumentGenerationFailed``) and nothing of it is kept. The record keeps the paper's 文号 in
``doc_number``; the paper points back at the record (``source_type``/``source_id``).

Which records are written papers: 督办单 and 挂牌督办 (a written order with a reply deadline,
numbered 督) and 通报 (numbered 通). 提醒 and 催办 are notices in the system, 约谈 is a meeting:
no paper. Every 建议书 is a paper (numbered 建).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xinfang.documents.choices import DocType
from xinfang.documents.context import day_text
from xinfang.documents.services import DocumentGenerationFailed, issue_document
from xinfang.matters.models import Deadline
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit
from xinfang.workdays.rules import AUTHORITY_CLOCKS, CLOCK_RULES, ClockKind

from .. import rates
from ..choices import RecommendationKind, RecordKind, Trigger
from ..dues import response_due_from
from ..selectors import bulletin_data

# The record kinds that are written papers, and the document type of each.
PAPER_OF_KIND = {
    RecordKind.ORDER: DocType.SUPERVISION_ORDER,
    RecordKind.LISTED: DocType.SUPERVISION_ORDER,
    RecordKind.BULLETIN: DocType.BULLETIN,
}
CLOCKS_STATED = 5  # running clocks stated as the reason of a 督办单 issued by hand
MATTERS_LISTED = 100  # a 督办单 lists this many matters by number; the rest are counted
BULLETIN_MATTERS_NAMED = 10  # overdue matters named per unit in a 通报
# A 通报 addressed to one of these covers every unit of the period (it reports to them);
# addressed to a town or a department, it covers that unit.
COUNTY_WIDE_RECIPIENTS = frozenset({UnitKind.GOVERNMENT, UnitKind.BUREAU, UnitKind.LEGAL_AFFAIRS,
                                    UnitKind.DISCIPLINE, UnitKind.ORGANIZATION})
TRIGGER_REASONS = {
    Trigger.DUE_SOON: "办理期限即将届满",
    Trigger.OVERDUE: "办理期限已经届满，尚未办理",
    Trigger.BOUNCED: "该事项已被多次退回，至今未明确责任单位依法受理办理",
    Trigger.CALLBACK: "信访局回访发现办理中存在问题",
    Trigger.RECOMMENDATION: "建议书反馈期限已过，未见书面反馈",
    Trigger.PETITIONER: "信访人提出催办",
}
DEFAULT_RECTIFICATION = ("请被通报单位对照通报的问题逐件查找原因，超期未办的事项立即依法办理，"
                         "并于15日内将整改情况书面报送本机关。")
LISTED_NOTE = "本件为挂牌督办事项，请你单位主要负责同志亲自过问，限期办结。"
RATE_LABELS = (("timely_acceptance", "及时受理率"), ("on_time_completion", "按期办结率"),
               ("participation", "参评率"), ("satisfaction", "满意率"))


def issuing_bureau(actor) -> Unit:
    """The bureau issues supervision papers: the acting officer's own unit, or (the engine, with no
    actor) the county's bureau."""
    if actor is not None and actor.unit_id and actor.in_bureau:
        return actor.unit
    unit = Unit.objects.filter(kind=UnitKind.BUREAU, active=True).order_by("id").first()
    if unit is None:
        raise DocumentGenerationFailed("系统中没有启用的信访局单位，无法生成督办文书，本次操作未执行。请联系管理员设置信访局。")
    return unit


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；…" else text + "。"


def _bare_title(title: str) -> str:
    """A record title without its kind label ("督办单：XF… 多次退回" → "XF… 多次退回")."""
    head, sep, rest = title.partition("：")
    labels = set(dict(RecordKind.choices).values()) | {"回访发现问题督办"}
    return rest.strip() if sep and head.strip() in labels and rest.strip() else title.strip()


# ---- 督办单 (督办单 and 挂牌督办 records) -----------------------------------------------------


def _matter_line(m) -> str:
    return f"{m.number}“{m.title}”（{m.get_status_display()}）"


def matters_text(matters: list) -> str:
    """One matter inline; several as a numbered list, one per line (one paragraph each)."""
    if not matters:
        return "（未列具体事项）"
    if len(matters) == 1:
        return _matter_line(matters[0])
    lines = [f"共{len(matters)}件："]
    lines += [f"{i}．{_matter_line(m)}" for i, m in enumerate(matters[:MATTERS_LISTED], 1)]
    if len(matters) > MATTERS_LISTED:
        lines.append(f"另有{len(matters) - MATTERS_LISTED}件，详见信访信息系统中的督办记录。")
    return "\n".join(lines)


def order_reason(record, day: dt.date) -> str:
    """督办依据: the clock and its due day, the trigger, or (by hand) the record's title."""
    parts = []
    if record.deadline_id:
        d = record.deadline
        label = CLOCK_RULES[ClockKind(d.kind)].label
        when = "已于" if d.due < day else "将于"
        parts.append(f"“{label}”期限{when}{day_text(d.due)}届满")
    if record.trigger == Trigger.ESCALATION and record.escalated_from_id:
        prev = record.escalated_from
        due = f"答复期限{day_text(prev.response_due)}已过，" if prev.response_due and prev.response_due < day else ""
        parts.append(f"本机关于{day_text(prev.issued_at)}发出的{prev.get_kind_display()}（{prev.number}），"
                     f"{due}未见书面答复或答复不到位，依规升级为{record.get_kind_display()}")
    elif record.trigger in TRIGGER_REASONS and not (record.deadline_id and record.trigger in (Trigger.DUE_SOON, Trigger.OVERDUE)):
        parts.append(TRIGGER_REASONS[record.trigger])
    if not parts:  # issued by hand: what the matters' running clocks say (one line each), else the title
        facts = running_clock_facts(record, day)
        if facts:
            return "\n" + "\n".join(_sentence(f) for f in facts)
        parts = [_bare_title(record.title)]
    return _sentence("；".join(parts))


def running_clock_facts(record, day: dt.date) -> list[str]:
    """The overdue (and then the nearest) running duty clocks of the record's matters, as sentences."""
    rows = list(Deadline.objects.filter(matter__in=record.matters.all(), kind__in=[k.value for k in AUTHORITY_CLOCKS],
                                        met_at__isnull=True, cancelled_at__isnull=True)
                .select_related("matter").order_by("due", "pk")[:CLOCKS_STATED])
    facts = []
    for d in rows:
        label = CLOCK_RULES[ClockKind(d.kind)].label
        if d.due < day:
            facts.append(f"{d.matter.number}“{label}”期限已于{day_text(d.due)}届满，尚未办理")
        else:
            facts.append(f"{d.matter.number}“{label}”期限将于{day_text(d.due)}届满")
    return facts


def order_context(record, day: dt.date) -> dict[str, str]:
    matters = list(record.matters.order_by("number"))
    requirement = record.content.strip() or "请依法及时办理，并书面告知信访人办理情况。"
    if record.kind == RecordKind.LISTED:
        requirement = f"{LISTED_NOTE}\n{requirement}"
    due = record.response_due
    if due is None:
        due = response_due_from(day)
    return {
        "被督办单位": record.target_unit.name,
        "督办事项": matters_text(matters),
        "督办要求": requirement,
        "督办依据": order_reason(record, day),
        "回复期限": day_text(due),
    }


# ---- 通报 ------------------------------------------------------------------------------------


def _rates_text(figures: dict) -> str:
    parts = []
    for key, label in RATE_LABELS:
        f = figures.get(key)
        if f is not None and f.denominator:
            parts.append(f"{label}{f.percent}（{f.numerator}/{f.denominator}）")
    return "，".join(parts)


def _overdue_text(items: list[dict]) -> str:
    named = []
    for o in items[:BULLETIN_MATTERS_NAMED]:
        state = f"{day_text(o['met'])}逾期办理" if o["met"] else "至今未办理"
        named.append(f"{o['matter'].number}（{o['kind']}期满{day_text(o['due'])}，{state}）")
    more = f"等{len(items)}项" if len(items) > BULLETIN_MATTERS_NAMED else ""
    return "、".join(named) + more


def bulletin_figures(actor, record, day: dt.date) -> tuple[str, str]:
    """(通报对象, 通报内容): the figures of ``selectors.bulletin_data`` for the record's period, by
    unit, with each unit's rates (三率) and the overdue matters, as text (one line per unit)."""

    target = record.target_unit
    data = bulletin_data(actor, record.period_from, record.period_to, today=day)
    rows = data["units"]
    whole_county = target.kind in COUNTY_WIDE_RECIPIENTS
    if not whole_county:
        rows = [r for r in rows if r["unit"].pk == target.pk]
    scope = rates.Scope(date_from=record.period_from, date_to=record.period_to, today=day,
                        unit=None if whole_county else target)
    by_unit = rates.rates_by_unit(actor, scope)
    overall = rates.rates(actor, scope)
    period = f"{day_text(record.period_from)}至{day_text(record.period_to)}"
    overdue = sum(len(r["overdue"]) for r in rows)
    open_overdue = sum(1 for r in rows for o in r["overdue"] if not o["met"])
    dissatisfied = sum(len(r["dissatisfied"]) for r in rows)
    problems = sum(len(r["problems"]) for r in rows)
    who = "全县" if whole_county else target.name
    figures = (f"超期{overdue}项（其中至今未办理{open_overdue}项），群众不满意评价{dissatisfied}件，"
               f"回访发现问题{problems}件。")
    lines = []
    if not rows:
        lines.append(f"{period}，{who}未发现超期或办理不佳的信访事项。")
    elif whole_county:
        lines.append(f"{period}，全县共有{len(rows)}个单位存在超期或办理不佳的情况：{figures}")
    else:
        lines.append(f"{period}，{who}存在超期或办理不佳的情况：{figures}")
    if _rates_text(overall):
        lines.append(f"{who}{_rates_text(overall)}。")
    for i, r in enumerate(rows, 1):
        text = (f"{i}．{r['unit'].name}：超期{len(r['overdue'])}项，不满意评价{len(r['dissatisfied'])}件，"
                f"回访发现问题{len(r['problems'])}件")
        unit_rates = _rates_text(by_unit.get(r["unit"].pk, {}))
        if unit_rates:
            text += f"；{unit_rates}"
        lines.append(_sentence(text))
        if r["overdue"]:  # a paragraph of its own: matter numbers are never split across lines
            lines.append(f"超期事项：{_overdue_text(r['overdue'])}。")
    names = [r["unit"].name for r in rows]
    if not names:
        subject = target.name
    elif len(names) <= 3:
        subject = "、".join(names)
    else:
        subject = f"{'、'.join(names[:3])}等{len(names)}个单位"
    return subject, "\n".join(lines)


def bulletin_reason(record) -> str:
    """通报事由 from the title ("关于X的通报" → X; a trailing 情况 is left to the template's wording)."""
    text = _bare_title(record.title)
    if text.startswith("关于"):
        text = text[2:]
    for tail in ("的通报", "通报"):
        if text.endswith(tail):
            text = text[: -len(tail)]
            break
    for tail in ("的情况", "情况"):
        if text.endswith(tail) and len(text) > len(tail):
            text = text[: -len(tail)]
            break
    return text.strip() or "信访事项办理"


def bulletin_context(actor, record, day: dt.date) -> dict[str, str]:
    subject, content = bulletin_figures(actor, record, day)
    return {
        "通报对象": subject,
        "通报事由": bulletin_reason(record),
        "通报内容": content,
        "整改要求": record.content.strip() or DEFAULT_RECTIFICATION,
    }


# ---- issuing ---------------------------------------------------------------------------------


def issue_record_paper(record, *, actor):
    """The 督办单 or 通报 of a record of a written kind (None for the others). Caller's transaction."""
    doc_type = PAPER_OF_KIND.get(RecordKind(record.kind))
    if doc_type is None:
        return None
    day = timezone.localtime(record.issued_at).date()
    try:
        if doc_type == DocType.BULLETIN:
            context = bulletin_context(actor, record, day)
        else:
            context = order_context(record, day)
    except Exception as exc:
        raise DocumentGenerationFailed(
            f"生成“{DocType(doc_type).label}”所需的数据不完整（{type(exc).__name__}），本次操作未执行。"
        ) from exc
    doc = issue_document(doc_type, context=context, issuing_unit=issuing_bureau(actor), recipient=record.target_unit.name,
                         recipient_unit=record.target_unit, source=record, actor=actor, issued_at=record.issued_at)
    record.doc_number = doc.doc_number
    record.save(update_fields=["doc_number"])
    return doc


def recommendation_kind_text(kind: str) -> str:
    """建议类型 as the template uses it: "改进工作建议" → "改进工作"."""
    label = RecommendationKind(kind).label
    return label[:-2] if label.endswith("建议") else label


def recommendation_context(rec) -> dict[str, str]:
    reason = rec.title.strip().rstrip("。.")  # the template adds the full stop
    if reason.startswith("关于"):
        reason = reason[2:]
    for tail in ("的建议书", "建议书", "的建议", "建议"):
        if reason.endswith(tail) and len(reason) > len(tail):
            reason = reason[: -len(tail)]
            break
    lines = [rec.content.strip()]
    if rec.subject:
        lines.append(f"涉及人员或单位：{rec.subject}")
    matters = list(rec.matters.order_by("number"))
    if matters:
        named = "、".join(m.number for m in matters[:MATTERS_LISTED])
        more = f"等{len(matters)}件" if len(matters) > MATTERS_LISTED else ""
        lines.append(f"依据的信访事项：{named}{more}。")
    return {
        "建议对象": rec.recipient_unit.name,
        "建议类型": recommendation_kind_text(rec.kind),
        "建议事由": reason,
        "建议内容": "\n".join(lines),
        "反馈期限": day_text(rec.feedback_due),
    }


def issue_recommendation_paper(rec, *, actor):
    """The 建议书 of a recommendation. Caller's transaction."""
    try:
        context = recommendation_context(rec)
    except Exception as exc:
        raise DocumentGenerationFailed(f"生成“建议书”所需的数据不完整（{type(exc).__name__}），本次操作未执行。") from exc
    doc = issue_document(DocType.RECOMMENDATION, context=context, issuing_unit=issuing_bureau(actor),
                         recipient=rec.recipient_unit.name, recipient_unit=rec.recipient_unit, source=rec, actor=actor,
                         issued_at=rec.issued_at)
    rec.doc_number = doc.doc_number
    rec.save(update_fields=["doc_number"])
    return doc
