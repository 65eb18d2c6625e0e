"""The fingerprint of a request sent with an Idempotency-Key (issue 9 §6).

A retry must repeat the first request exactly; the same key with another body is refused
(``IdempotencyKeyReused``, 409) instead of silently answering with the first result.
"""

from __future__ import annotations

import hashlib
import json


def request_fingerprint(data, files=()) -> str:
    """SHA-256 over the parsed body (keys sorted) and the bytes of each uploaded file."""
    digest = hashlib.sha256()
    # ensure_ascii keeps lone surrogates encodable; default=str covers dates and file objects.
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=True, default=str, separators=(",", ":")).encode())
    for f in files or ():
        if hasattr(f, "chunks"):
            for chunk in f.chunks():
                digest.update(chunk)
            f.seek(0)
        digest.update(b"\0")
    return digest.hexdigest()
