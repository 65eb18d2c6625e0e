"""Portal-specific errors (in the shared vocabulary: an ``AppError`` with HTTP 429)."""

from __future__ import annotations

from xinfang.core.errors import AppError


def wait_text(seconds: int) -> str:
    seconds = max(int(seconds), 1)
    if seconds < 60:
        return f"{seconds} 秒"
    minutes = (seconds + 59) // 60
    return f"{minutes} 分钟"


class TooManyAttempts(AppError):
    """429: too many attempts from this address, for this number, or for this phone."""

    code = "throttled"
    http_status = 429

    def __init__(self, message: str, *, wait_seconds: int, **kw):
        super().__init__(message, **kw)
        self.wait_seconds = max(int(wait_seconds), 1)
