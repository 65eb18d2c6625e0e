"""Every search by ID number is written to the access log the auditor reads (issue 15 §3).

It is logged like a reveal (kind ``reveal``, object ``id_search``): a person found by an ID number is
a full identity shown, so these searches also count towards the auditor's unusual-volume notice. The
log keeps the masked number (the log must not become a list of ID numbers), how many matters were
found and the numbers of those shown; a single match is also the row's object, so the auditor's
filter by matter number finds it.
"""

from __future__ import annotations

from xinfang.core.models import AccessLog, log_access

from ..lookup import Lookup


def log_id_search(*, user, lookup: Lookup, found: list[str], total: int, via: str, ip: str | None) -> None:
    if lookup.kind != "id_number":
        return
    detail = {"search": "id_number", "id_number": lookup.shown, "count": total, "matters": found[:100], "via": via}
    single = found[0] if total == 1 and found else ""
    if single:
        detail["matter"] = single
    log_access(user=user, kind=AccessLog.Kind.REVEAL, object_type="id_search", object_ref=single, detail=detail, ip=ip)
