"""The bridge to the documents app for the petitioner's downloads.

The documents app issues the notices (受理告知书, 信访处理意见书 …) in its in-transaction hook.
The portal lists a notice from the event that produced it and offers its download through
``xinfang.documents.public`` (``documents_for_petitioner``, ``petitioner_file``). The caller has
already checked the petitioner's number and 查询码; nothing here checks access.
"""

from __future__ import annotations

from xinfang.documents import public as api


def documents_for(matter) -> dict:
    """{(event_id, type): document} of the documents issued on the matter by its events."""
    return {(d.event_id, d.type): d for d in api.documents_for_petitioner(matter) if d.event_id is not None}


def papers_for(matter) -> list:
    """The petitioner's papers issued on the matter from a record rather than an event (the 听证通知书 and
    听证报告 of a hearing), oldest first."""
    return [d for d in api.documents_for_petitioner(matter) if d.event_id is None]


def paper_file(matter, doc_id: int, fmt: str = "pdf"):
    """(filename, content_type, bytes) of one such paper of this matter, or None."""
    document = next((d for d in papers_for(matter) if d.pk == doc_id), None)
    return api.petitioner_file(document, fmt) if document is not None else None


def file_for(matter, event_seq: int, notice_type: str, fmt: str = "pdf"):
    """(filename, content_type, bytes) of one issued notice, or None."""
    event = matter.events.filter(seq=event_seq).first()
    if event is None:
        return None
    document = documents_for(matter).get((event.pk, notice_type))
    if document is None:
        return None
    return api.petitioner_file(document, fmt)
