"""Request helpers shared by the staff pages, the documents views and the portal."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the header a trusted reverse proxy sets.

    Set XINFANG_PORTAL_CLIENT_IP_HEADER (e.g. ``HTTP_X_REAL_IP``) only behind a proxy that
    overwrites that header; otherwise clients could choose their own address. The access log of
    staff pages and the portal's throttling both use this address.
    """
    header = getattr(settings, "XINFANG_PORTAL_CLIENT_IP_HEADER", "") or ""
    raw = request.META.get(header, "") if header else ""
    raw = (raw.split(",")[0].strip() if raw else "") or request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
