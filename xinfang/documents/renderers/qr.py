"""QR codes printed on documents (the registration receipt's tracking address), by segno."""

from __future__ import annotations

import io


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as PNG (error correction M, a 2-module quiet zone)."""
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()
