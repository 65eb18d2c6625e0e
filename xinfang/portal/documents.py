"""The bridge to the documents app for the petitioner's downloads.

The documents app issues the notices (受理告知书, 信访处理意见书 …) in its in-transaction hook.
The portal lists a notice from the event that produced it and offers its download through
``xinfang.documents.public`` (``documents_for_petitioner``, ``petitioner_file``). The caller has
already checked the petitioner's number and 查询码; nothing here checks access.
"""

from __future__ import annotations

from xinfang.documents import public as api


def documents_for(matter) -> dict:
    """{(event_id, type): document} of the documents issued on the matter."""
    return {(d.event_id, d.type): d for d in api.documents_for_petitioner(matter)}


def file_for(matter, event_seq: int, notice_type: str, fmt: str = "pdf"):
    """(filename, content_type, bytes) of one issued notice, or None."""
    event = matter.events.filter(seq=event_seq).first()
    if event is None:
        return None
    document = documents_for(matter).get((event.pk, notice_type))
    if document is None:
        return None
    return api.petitioner_file(document, fmt)
