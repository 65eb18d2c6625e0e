"""One error vocabulary for services, the API and the UI.

Services raise these; the API exception handler (xinfang.core.api.errors) and the UI helper
(xinfang.core.ui.show_error) turn them into the single error shape / a message.
"""

from __future__ import annotations


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The API's one error shape (api-v1.md): {"error": {"code", "message", "fields"}}."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


class AppError(Exception):
    """Base application error. ``message`` is Chinese and shown to the user as is."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str] | str] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = {k: (v if isinstance(v, list) else [v]) for k, v in (fields or {}).items()}
        if code:
            self.code = code


class InvalidInput(AppError):
    """400: the input is not valid (a field names what is wrong)."""

    code = "invalid"
    http_status = 400


class NotVisible(AppError):
    """404: not found, or not visible to this user (never reveal that it exists)."""

    code = "not_found"
    http_status = 404

    def __init__(self, message: str = "未找到该信访事项，或您无权查看。", **kw):
        super().__init__(message, **kw)


class NotAllowed(AppError):
    """403: the user may see the object but not do this."""

    code = "forbidden"
    http_status = 403


class StateConflict(AppError):
    """409: the action is not allowed in the current state (or someone else acted first)."""

    code = "conflict"
    http_status = 409


class ClockViolation(StateConflict):
    """409: a statutory time limit forbids the action (e.g. objection after 5 working days)."""

    code = "clock_violation"


class StaleVersion(StateConflict):
    """409: the matter changed since the page was opened."""

    code = "stale"

    def __init__(self, message: str = "该事项已被他人处理，请刷新页面后再操作。", **kw):
        super().__init__(message, **kw)


class IdempotencyKeyReused(StateConflict):
    """409: an Idempotency-Key sent again with a different request (a retry must repeat it exactly)."""

    code = "idempotency_key_reused"

    def __init__(self, message: str = "该 Idempotency-Key 已用于内容不同的另一次请求：重试请原样重发同一请求；"
                 "新的请求请使用新的 Idempotency-Key。", **kw):
        kw.setdefault("fields", {"Idempotency-Key": "与首次请求的内容不一致"})
        super().__init__(message, **kw)
