from __future__ import annotations

from django.http import Http404

from xinfang.core.models import log_access

from ..choices import PETITIONER_TYPES
from ..models import IssuedDocument
from ..public import read_token, session_grants
from ..rendering import file_bytes
from .common import client_ip, file_response


def portal_download(request, doc_id, fmt):
    """The petitioner's own notice: signed link or portal session; anything else is a plain 404."""
    doc = (IssuedDocument.objects.select_related("matter")
           .filter(pk=doc_id, doc_type__in=[t.value for t in PETITIONER_TYPES], matter__isnull=False).first())
    if doc is None:
        raise Http404("未找到该文书。")
    granted = read_token(request.GET.get("t", ""), doc.pk)
    ok = granted == doc.matter.number or session_grants(request, doc.matter.number)
    if not ok:
        raise Http404("未找到该文书，或链接已过期，请重新查询。")
    data = file_bytes(doc, fmt)
    log_access(user=None, kind="export", object_type="document", object_ref=doc.doc_number,
               detail={"document": doc.pk, "format": fmt, "via": "portal", "matter": doc.matter.number},
               ip=client_ip(request))
    return file_response(doc, fmt, data)



