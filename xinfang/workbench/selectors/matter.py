"""The matter page: facts, petitioners (masked per role), clocks, timeline, documents."""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.documents.models import IssuedDocument
from xinfang.matters.access import access_matter, can_reveal, identity_hidden
from xinfang.matters.choices import Gender
from xinfang.matters.models import Deadline, Matter
from xinfang.matters.selectors import (
    PersonRow,
    attachment_rows,
    detail_queryset,
    find_duplicates,
    redacted_event_params,
    with_references,
)
from xinfang.matters.selectors import petitioner_rows as core_petitioner_rows
from xinfang.matters.workflow import Actor, actor_kinds, allowed_actions
from xinfang.org.permissions import BUREAU_ROLES
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

from .. import labels
from .due import DueContext, due_text

GENDER_LABELS = dict(Gender.choices)


def petitioner_rows(matter: Matter, *, reveal: bool, hidden: bool) -> list[PersonRow]:
    """The core's rows with the gender as its label."""
    rows = core_petitioner_rows(matter, reveal=reveal, hidden=hidden)
    for row in rows:
        row.gender = GENDER_LABELS.get(row.gender, "")
    return rows


@dataclass
class ClockRow:
    kind: str
    label: str
    unit: str
    start: object
    due: object
    state: str  # running / met / cancelled / lapsed
    state_label: str
    due_state: str  # overdue / soon / ok / ""
    due_text: str
    explanation: str
    provisional: bool
    workdays: bool
    remaining_workdays: int | None
    source: str
    target: str = ""


def clock_rows(matter: Matter, ctx: DueContext) -> list[ClockRow]:
    rows = []
    for d in matter.deadlines.all():
        rule = CLOCK_RULES.get(ClockKind(d.kind))
        overdue = d.is_overdue(ctx.today)
        if d.cancelled_at is not None:
            state, state_label, due_state, text = "cancelled", "已终止", "", ""
        elif d.met_at is not None:
            state, state_label = "met", ("已完成（超期）" if overdue else "已按期完成")
            due_state, text = ("overdue" if overdue else "ok"), ""
        elif d.is_lapsed(ctx.today):
            state, state_label, due_state, text = "lapsed", "期满未行使", "", ""
        else:
            state, state_label = "running", "计时中"
            due_state = ctx.state(d.due) if d.binds_authority else ""
            text = due_text(ctx, d.due)
        workdays = d.period_unit == "workdays"
        target = labels.param_value("target", d.target) if d.target else ""
        rows.append(ClockRow(
            kind=d.kind, label=labels.clock_label(d.kind) + (f"（{target}）" if target else ""),
            unit=d.unit.name if d.unit else "", start=d.start, due=d.due, state=state, state_label=state_label,
            due_state=due_state, due_text=text, explanation=d.explanation, provisional=d.provisional,
            workdays=workdays,
            remaining_workdays=ctx.remaining_workdays(d.due) if (state == "running" and workdays) else None,
            source=rule.source if rule else "", target=d.target,
        ))
    running_first = {"running": 0, "met": 1, "lapsed": 2, "cancelled": 3}
    rows.sort(key=lambda r: (running_first[r.state], r.due))
    return rows


def timeline(matter: Matter, user) -> list[dict]:
    rows = []
    params = redacted_event_params(user, matter.events.all())
    for e in matter.events.all():
        rows.append({
            "seq": e.seq,
            "action": e.action,
            "label": labels.action_label(e.action),
            "actor": str(e.actor) if e.actor else ("系统" if e.via == "system" else ("信访人（网上）" if e.via == "portal" else "")),
            "unit": e.unit.name if e.unit else "",
            "occurred_at": e.occurred_at,
            "recorded_at": e.recorded_at,
            "backdated": (e.recorded_at - e.occurred_at).total_seconds() > 3600,
            "from_label": labels.STATE_LABELS.get(e.from_status, ""),
            "to_label": labels.STATE_LABELS.get(e.to_status, ""),
            "params": labels.event_params(e.action, params[e.pk]),
            "note": e.note,
        })
    rows.reverse()  # newest first
    return rows


def documents_for(matter: Matter) -> list[dict]:
    """The documents issued on this matter (newest first, at most 50) for the matter page."""
    rows = IssuedDocument.objects.filter(matter=matter).only(
        "id", "doc_type", "doc_number", "title", "issued_at").order_by("-issued_at", "-id")[:50]
    return [{"title": str(d), "label": d.get_doc_type_display(), "url": d.get_absolute_url(), "created": d.issued_at}
            for d in rows]


@dataclass
class MatterPage:
    matter: Matter
    petitioners: list[PersonRow]
    clocks: list[ClockRow]
    events: list[dict]
    actions: list[str]
    can_reveal: bool
    revealed: bool
    hidden: bool
    flags: list[str]
    documents: list[dict] | None
    related: list[dict]
    show_query_code: bool
    attachments: list[dict] = None  # issue 15 §6: who added which file at which act, and when
    can_publish: bool = False  # may mark files 对信访人可见


def matter_page(user, number: str, ctx: DueContext, *, reveal: bool = False) -> MatterPage:
    """Everything the matter page shows; raises NotVisible like access_matter."""
    matter = with_references(access_matter(user, number, queryset=detail_queryset(Matter.objects.all())))
    hidden = identity_hidden(user, matter)
    revealable = can_reveal(user, matter)
    revealed = reveal and revealable
    bureau = bool(user.in_bureau and user.has_role(*BUREAU_ROLES))
    related = []
    if bureau and not hidden:
        persons = [link.petitioner for p in matter.petitions.all() for link in p.person_links.all()]
        related = find_duplicates(
            user, ids=[p.id_number for p in persons if p.id_number], phones=[p.phone for p in persons if p.phone],
            names_addresses=[(p.name, p.address) for p in persons if p.address], title=matter.title,
            region=matter.region, category=matter.category, today=ctx.today, exclude_pk=matter.pk, limit=5,
        )
    matter.due_state = ctx.state(matter.next_due)
    matter.due_text = due_text(ctx, matter.next_due)
    return MatterPage(
        matter=matter,
        petitioners=petitioner_rows(matter, reveal=revealed, hidden=hidden),
        clocks=clock_rows(matter, ctx),
        events=timeline(matter, user),
        actions=allowed_actions(user, matter),
        can_reveal=revealable,
        revealed=revealed,
        hidden=hidden,
        flags=labels.matter_flags(matter),
        documents=documents_for(matter),
        related=related,
        show_query_code=bureau,
        attachments=attachment_list(user, matter),
        can_publish=not hidden and bool(actor_kinds(user, matter) & PUBLISHERS),
    )


PUBLISHERS = {Actor.BUREAU, Actor.HANDLER, Actor.REVIEW_BODY, Actor.RECHECK_BODY}


def attachment_list(user, matter: Matter) -> list[dict]:
    """The matter's files for this reader: name, size, the act that carried it, who and when."""
    rows = []
    for a in attachment_rows(user, matter):
        if a.event_id:
            act = labels.action_label(a.event.action)
        else:
            act = "登记" if a.petition_id else ""
        if a.via == "portal":
            who = "信访人（网上）"
        elif a.uploaded_by is not None:
            unit = a.event.unit if a.event_id and a.event.unit_id else None
            who = f"{a.uploaded_by}（{unit.name}）" if unit is not None else str(a.uploaded_by)
        else:
            who = ""
        rows.append({"pk": a.pk, "name": a.name, "size": a.size, "act": act, "seq": a.event.seq if a.event_id else None,
                     "who": who, "at": a.uploaded_at, "public": a.public, "mime": a.mime})
    return rows


def running_deadline(matter: Matter, kind: str) -> Deadline | None:
    for d in matter.deadlines.all():
        if d.kind == kind and d.is_running:
            return d
    return None
