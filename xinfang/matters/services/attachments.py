"""Files carried by the acts on a matter (issue 15 §6): stored with the act's event, listed on the
matter page, and shown to the petitioner only when marked 对信访人可见.

The checks (size, count, real type by content) are the registration's (``core.uploads``), run by
the declared ``attachments`` input before anything is written. Reading them goes through
``matters.selectors.attachments`` (the access function first).
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import NotAllowed, NotVisible

from ..access import access_matter, identity_hidden
from ..models import Attachment, Event
from ..workflow import Actor, actor_kinds

# Recognisable names for what the petitioner sends (the staff list shows the act as well).
PORTAL_PREFIX = {"add_material": "补充材料", "request_review": "复查申请", "request_recheck": "复核申请"}


def save_act_attachments(event: Event, files, *, actor, public: bool) -> list[Attachment]:
    """Store the act's checked files (caller: the act's transaction, after the event is written)."""
    saved = []
    petition = None
    if event.via == "portal":  # the petition whose 查询码 was used (a declared fact), else the first
        petitions = event.matter.petitions.order_by("received_at", "id")
        petition = (petitions.filter(number=event.params["petition"]).first() if event.params.get("petition")
                    else None) or petitions.first()
    for f in files:
        data = f.read()
        digest = hashlib.sha256(data).hexdigest()
        f.seek(0)
        name = str(f.name)
        prefix = PORTAL_PREFIX.get(event.action) if event.via == "portal" else None
        if prefix and not name.startswith(prefix):
            name = f"{prefix}-{name}"
        att = Attachment(
            matter=event.matter, petition=petition, event=event, name=name[:200],
            mime=getattr(f, "_xinfang_mime", ""), size=len(data), sha256=digest,
            uploaded_by=actor if actor is not None and getattr(actor, "pk", None) else None,
            public=public, via=event.via,
        )
        att.file.save(digest[:16], f, save=False)
        att.save()
        saved.append(att)
    return saved


def attachment_set_public(*, actor, number: str, pk: int, public: bool) -> Attachment:
    """Mark one attachment 对信访人可见 (or take it back). Staff who handle the matter decide: the
    bureau's case staff and the handling unit (not the accused unit, who never sees the files)."""
    with transaction.atomic():
        matter = access_matter(actor, number, for_update=True)
        if identity_hidden(actor, matter):
            raise NotVisible()
        kinds = actor_kinds(actor, matter)
        if not kinds & {Actor.BUREAU, Actor.HANDLER, Actor.REVIEW_BODY, Actor.RECHECK_BODY}:
            raise NotAllowed("只有信访部门和办理单位可以设置附件是否对信访人可见。")
        att = Attachment.objects.select_for_update().filter(matter=matter, pk=pk).first()
        if att is None:
            raise NotVisible("附件不存在。")
        if att.public != public:
            att.public, att.public_set_by, att.public_set_at = public, actor, timezone.now()
            att.save(update_fields=["public", "public_set_by", "public_set_at"])
    return att
