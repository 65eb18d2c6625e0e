"""Plain representations of ledger rows for the API (names fixed by api-v1.md; extras added)."""

from __future__ import annotations

from django.utils import timezone


def _dt(value):
    return timezone.localtime(value).isoformat() if value else None


def _d(value):
    return value.isoformat() if value else None


def adoption(row) -> dict | None:
    if row is None:
        return None
    return {
        "matter": row.matter.number, "adoption": row.adoption, "adoption_label": row.get_adoption_display(),
        "adopting_body": row.adopting_body, "note": row.note, "decided_at": _dt(row.decided_at),
        "reward": row.reward, "reward_label": row.get_reward_display(), "reward_note": row.reward_note,
        "reward_amount": str(row.reward_amount) if row.reward_amount is not None else None,
        "consent": row.consent, "show_name": row.show_name, "published": row.published,
        "published_at": _dt(row.published_at), "public_title": row.public_title,
    }


def proposal(row, today) -> dict:
    return {
        "id": row.pk, "kind": row.kind, "kind_label": row.get_kind_display(), "number": row.number,
        "session": row.session, "title": row.title, "proposer": row.proposer, "received_on": _d(row.received_on),
        "urgent": row.urgent, "due": _d(row.due), "unit": row.unit.code, "unit_name": row.unit.name,
        "co_units": [u.code for u in row.co_units.all()], "content": row.content, "status": row.state,
        "status_label": row.get_state_display(), "overdue": row.is_overdue(today),
        "reply": ({"text": row.reply_text, "doc_number": row.reply_doc_number, "occurred_at": _dt(row.replied_at),
                   "document": ({"id": row.reply_document_id, "doc_number": row.reply_document.doc_number,
                                 "pdf": f"/documents/d/{row.reply_document_id}/pdf/",
                                 "docx": f"/documents/d/{row.reply_document_id}/docx/"}
                                if row.reply_document_id else None),
                   "file": bool(row.reply_file)}
                  if row.replied_at else None),
        "rating": row.rating or None, "feedback_at": _dt(row.feedback_at),
    }


def risk(row) -> dict:
    return {
        "id": row.pk, "unit": row.unit.code, "unit_name": row.unit.name, "found_on": _d(row.found_on),
        "summary": row.summary, "people_count": row.people_count, "level": row.level,
        "level_label": row.get_level_display(), "responsible": row.responsible, "measures": row.measures,
        "status": row.state, "resolved_on": _d(row.resolved_on),
    }


def risk_change(h: dict) -> dict:
    r = h["row"]
    return {"kind": r.kind, "at": _dt(r.at), "by": r.by.username, "matter": h["matter"] or None, "note": r.note,
            "changes": {c["field"]: [r.changes[c["field"]][0], r.changes[c["field"]][1]] for c in h["changes"]}}


def report(row) -> dict:
    return {"id": row.pk, "unit": row.unit.code, "month": row.month.strftime("%Y-%m"), "nil_report": row.nil_report,
            "risk_count": row.risk_count, "filed_at": _dt(row.filed_at)}


def grant(row) -> dict:
    return {
        "id": row.pk, "year": row.fund_year.year, "matter": row.matter.number, "amount": str(row.amount),
        "reason": row.reason, "status": row.status, "status_label": row.get_status_display(),
        "requested_by": row.requested_by.username, "requested_at": _dt(row.requested_at),
        "decided_by": row.decided_by.username if row.decided_by_id else None, "decided_at": _dt(row.decided_at),
        "decision_note": row.decision_note, "paid_on": _d(row.paid_on), "payment_note": row.payment_note,
        "withdrawn_from": row.withdrawn_from or None, "withdrawn_by": row.withdrawn_by.username if row.withdrawn_by_id else None,
        "withdrawn_at": _dt(row.withdrawn_at), "withdraw_reason": row.withdraw_reason,
    }


def allocation(row) -> dict:
    return {"id": row.pk, "year": row.fund_year.year, "amount": str(row.amount), "source": row.source,
            "created_at": _dt(row.created_at)}


def library_item(row, *, full: bool = False) -> dict:
    data = {
        "id": row.pk, "kind": row.kind, "kind_label": row.get_kind_display(), "title": row.title, "issuer": row.issuer,
        "doc_number": row.doc_number, "issued_on": _d(row.issued_on), "effective_on": _d(row.effective_on),
        "expires_on": _d(row.expires_on), "effective": row.effective, "published": row.published,
        "version": row.version,
    }
    if full:
        data["text"] = row.text
        data["categories"] = [c.code for c in row.categories.all()]
        data["versions"] = [{"version": x.version, "title": x.title, "note": x.note, "created_at": _dt(x.created_at)}
                            for x in row.versions.all()]
        data["comments"] = [{"version": c.version, "author": c.author.username, "text": c.text,
                             "created_at": _dt(c.created_at)} for c in row.comments.all()]
    return data


def publicity(row) -> dict:
    return {"id": row.pk, "date": _d(row.date), "title": row.title, "place": row.place,
            "audience_count": row.audience_count, "material": row.material}


def training(row) -> dict:
    return {"id": row.pk, "date": _d(row.date), "title": row.title, "hours": str(row.hours), "place": row.place,
            "organizer": row.organizer, "attendees": [u.username for u in row.attendees.all()]}
