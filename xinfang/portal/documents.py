"""The bridge to the documents app for the petitioner's downloads.

The documents app issues the notices (受理告知书, 信访处理意见书 …) in its in-transaction hook.
The portal lists a notice from the event that produced it and offers a download only when that
app exposes the module ``xinfang.documents.public`` with:

* ``documents_for_petitioner(matter) -> iterable`` of objects with ``pk``, ``type``,
  ``event_id``, ``issued_at``, ``doc_number``;
* ``petitioner_file(document, fmt) -> (filename, content_type, bytes)`` with fmt "pdf" or "docx".

Without it (not built yet, or failing) the notice is listed without a download link. The caller
has already checked the petitioner's number and 查询码; nothing here checks access.
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger("xinfang.portal")


def _api():
    try:
        module = importlib.import_module("xinfang.documents.public")
    except ImportError:
        return None
    if not (hasattr(module, "documents_for_petitioner") and hasattr(module, "petitioner_file")):
        return None
    return module


def available() -> bool:
    return _api() is not None


def documents_for(matter) -> dict:
    """{(event_id, type): document} of the documents issued on the matter (empty if unavailable)."""
    api = _api()
    if api is None:
        return {}
    try:
        return {(d.event_id, d.type): d for d in api.documents_for_petitioner(matter)}
    except Exception:  # a documents failure must not break the petitioner's page
        log.exception("documents_for_petitioner failed for %s", matter.number)
        return {}


def file_for(matter, event_seq: int, notice_type: str, fmt: str = "pdf"):
    """(filename, content_type, bytes) of one issued notice, or None."""
    api = _api()
    if api is None:
        return None
    event = matter.events.filter(seq=event_seq).first()
    if event is None:
        return None
    document = documents_for(matter).get((event.pk, notice_type))
    if document is None:
        return None
    return api.petitioner_file(document, fmt)
