"""What the portal uses: the petitioner's own documents and signed, time-limited download links.

The portal (xinfang.portal) lists a matter's notices after the petitioner gave the number and
查询码. It either serves the file itself through ``petitioner_file`` or links to
``public_document_url(doc, matter)``: /documents/public/<id>/<pdf|docx>/?t=<signed token>. The
download view accepts that token (valid ``LINK_MAX_AGE`` seconds, bound to the document and
its matter) or the portal session grant for the matter. Only documents addressed to the
petitioner are ever served (never forwarding letters, assignment sheets or reports).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core import signing
from django.urls import reverse

from .choices import PETITIONER_TYPES
from .models import IssuedDocument
from .selectors import petitioner_documents

SALT = "xinfang.documents.public"
LINK_MAX_AGE = 2 * 60 * 60  # seconds
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


# How a petitioner's session grants a matter: registered by the portal (``PortalConfig.ready``),
# which owns that session; the download view asks it without importing the portal.
SessionGrant = Callable[[object, str], bool]
_session_grants: list[SessionGrant] = []


def register_session_grant(fn: SessionGrant) -> SessionGrant:
    if fn not in _session_grants:
        _session_grants.append(fn)
    return fn


def session_grants(request, matter_number: str) -> bool:
    return any(fn(request, matter_number) for fn in _session_grants)


def documents_for_petitioner(matter):
    return list(petitioner_documents(matter))


def filename(document: IssuedDocument, fmt: str) -> str:
    return f"{document.doc_number}-{document.get_doc_type_display()}.{fmt}"


def petitioner_file(document: IssuedDocument, fmt: str) -> tuple[str, str, bytes] | None:
    if fmt not in CONTENT_TYPES or document.doc_type not in PETITIONER_TYPES:
        return None
    from .rendering import file_bytes

    try:
        data = file_bytes(document, fmt)
    except IssuedDocument.DoesNotExist:
        return None
    return filename(document, fmt), CONTENT_TYPES[fmt], data


def make_token(document: IssuedDocument, matter) -> str:
    return signing.dumps({"d": document.pk, "m": matter.number}, salt=SALT, compress=True)


def read_token(token: str, document_id: int) -> str | None:
    """The matter number the token grants for this document, or None (bad, other doc, expired)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("d") != document_id:
        return None
    return str(data.get("m") or "") or None


def public_document_url(doc: IssuedDocument, matter, fmt: str = "pdf") -> str:
    """A signed, time-limited link the portal can put on the petitioner's page."""
    url = reverse("documents:public", args=[doc.pk, fmt])
    return f"{url}?t={make_token(doc, matter)}"
