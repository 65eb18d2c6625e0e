"""JSON representations of the leaders' records (api-v1.md "Leaders and hard cases").

Personal data: a booking's phone is always masked; a task names its matter only when the caller
may see that matter (``visible_ids``).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from xinfang.core.masking import mask_phone

from ..services.receptions import free_places


def _iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def session(s, *, taken: int | None = None) -> dict:
    taken = getattr(s, "taken", taken)
    return {
        "id": s.pk, "kind": s.kind, "kind_label": s.get_kind_display(), "leader": s.leader.username,
        "leader_name": s.leader.full_name or s.leader.username, "date": _iso(s.date),
        "start_time": s.start_time.strftime("%H:%M"), "end_time": s.end_time.strftime("%H:%M") if s.end_time else None,
        "place": s.place, "topic": s.topic, "capacity": s.capacity, "published": s.published,
        "town": s.town.code if s.town_id else None, "booked": taken,
        "free_places": free_places(s, taken) if taken is not None else None,
    }


def public_session(s) -> dict:
    return {"id": s.pk, "date": _iso(s.date), "start_time": s.start_time.strftime("%H:%M"),
            "end_time": s.end_time.strftime("%H:%M") if s.end_time else None,
            "leader_name": s.leader.full_name or s.leader.username, "place": s.place, "topic": s.topic,
            "capacity": s.capacity, "free_places": free_places(s, s.taken)}


def booking(b) -> dict:
    return {"id": b.pk, "booking_code": b.booking_code, "status": b.status, "status_label": b.get_status_display(),
            "name": b.name, "phone": mask_phone(b.phone), "summary": b.summary,
            "matter": b.matter.number if b.matter_id else None, "session": b.session_id,
            "rescheduled_from": b.rescheduled_from_id, "sms": b.sms.status if b.sms_id else None, "created_at": _iso(b.created_at)}


def task(t, visible_ids: set[int], today: dt.date, *, records=None) -> dict:
    out = {
        "id": t.pk, "source": t.source, "source_label": t.get_source_display(), "basis": t.basis or None,
        "unit": t.unit.code, "unit_name": t.unit.name, "text": t.text, "due": _iso(t.due), "status": t.status,
        "status_label": t.get_status_display(), "overdue": t.is_overdue(today),
        "matter": t.matter.number if t.matter_id and t.matter_id in visible_ids else None,
        "meeting": t.decision.meeting_id if t.decision_id else None, "decision": t.decision_id,
        "reception_record": t.record_id, "case": t.case_id, "hearing": t.hearing_id,
        "created_at": _iso(t.created_at), "completed_at": _iso(t.completed_at),
    }
    if records is not None:
        out["supervision"] = [{"id": r.pk, "number": r.number, "kind": r.kind, "kind_label": r.get_kind_display(),
                               "state": r.state, "issued_at": _iso(r.issued_at), "doc_number": r.doc_number}
                              for r in records]
    return out


def record(r, visible_ids: set[int], today: dt.date) -> dict:
    return {"id": r.pk, "session": r.session_id, "booking": r.booking_id,
            "matter": r.matter.number if r.matter_id and r.matter_id in visible_ids else None,
            "visitor": r.visitor, "summary": r.summary, "instructions": r.instructions,
            "recorded_at": _iso(r.recorded_at), "tasks": [task(t, visible_ids, today) for t in r.tasks.all()]}


def case(c, today: dt.date, *, progress=None) -> dict:
    out = {"id": c.pk, "matter": c.matter.number, "matter_title": c.matter.title, "leader": c.leader.username,
           "leader_name": c.leader.full_name or c.leader.username, "plan": c.plan, "target_date": _iso(c.target_date),
           "status": c.status, "outcome": c.outcome or None, "note": c.resolution_note,
           "overdue": c.status == "open" and c.target_date < today, "created_at": _iso(c.created_at),
           "resolved_at": _iso(c.resolved_at)}
    if progress is not None:
        out["progress"] = [{"text": p.text, "occurred_at": _iso(p.occurred_at)} for p in progress]
    return out


def _doc(d):
    if d is None:
        return None
    return {"type": d.doc_type, "doc_number": d.doc_number, "issued_at": _iso(d.issued_at),
            "pdf_url": reverse("documents:download", args=[d.pk, "pdf"]),
            "docx_url": reverse("documents:download", args=[d.pk, "docx"])}


def hearing(h) -> dict:
    return {"id": h.pk, "matter": h.matter.number, "unit": h.unit.code, "scheduled_at": _iso(h.scheduled_at),
            "place": h.place, "host": h.host, "panel": h.panel, "participants": h.participants, "public": h.public,
            "status": h.status, "status_label": h.get_status_display(), "opened_at": _iso(h.opened_at),
            "closed_at": _iso(h.closed_at), "minutes": h.minutes, "conclusion": h.conclusion,
            "notice": _doc(h.notice), "report": _doc(h.report)}


def meeting(m) -> dict:
    return {"id": m.pk, "kind": m.kind, "kind_label": m.get_kind_display(), "date": _iso(m.date), "title": m.title,
            "place": m.place, "chair": m.chair, "units": [u.code for u in m.units.all()],
            "campaign": m.campaign_id}


def decision(d, visible_ids: set[int], today: dt.date) -> dict:
    return {"id": d.pk, "meeting": d.meeting_id, "text": d.text,
            "matters": [m.number for m in d.matters.all() if m.pk in visible_ids],
            "tasks": [task(t, visible_ids, today) for t in d.tasks.all()]}


def campaign(c, progress=None) -> dict:
    out = {"id": c.pk, "name": c.name, "start": _iso(c.start), "end": _iso(c.end), "description": c.description,
           "owners": [u.username for u in c.owners.all()], "matter_count": getattr(c, "matter_count", None)}
    if progress is not None:
        out["progress"] = progress
    return out
