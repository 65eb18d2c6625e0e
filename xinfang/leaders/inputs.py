"""Input hygiene shared by the API and the pages: a NUL byte anywhere is refused with a 400 naming
the field (PostgreSQL cannot store it; it is never legitimate text)."""

from __future__ import annotations

from xinfang.core.errors import InvalidInput


def refuse_nul(data, prefix: str = ""):
    if isinstance(data, dict):
        for key, value in data.items():
            refuse_nul(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            refuse_nul(value, f"{prefix}[{i}]")
    elif isinstance(data, str) and "\x00" in data:
        name = prefix or "body"
        raise InvalidInput(f"“{name}”含有不允许的控制字符（NUL），请删除后重试。", fields={name: "含有不允许的控制字符"})
    return data
