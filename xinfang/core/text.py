"""The one rule for text input: every character must be one that XML 1.0 (and so PostgreSQL,
the DOCX documents and every browser) can carry.

Rejected: NUL and the other C0 control characters except tab, line feed and carriage return,
lone UTF-16 surrogates (``"\\ud800"`` in JSON), and the non-characters U+FFFE/U+FFFF. They
cannot come from honest typing; accepted, they make PostgreSQL refuse the row or the DOCX
renderer refuse the document after the act was validated. ``TextInputMiddleware`` applies the
rule to every request (API and HTML forms) before any view or service runs.
"""

from __future__ import annotations

import re

BAD_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Header values are Latin-1 strings in WSGI; HTTP forbids control characters in them.
BAD_HEADER_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def bad_text_message(field: str) -> str:
    return f"{field}：含有不允许的字符（如空字符或不成对的代理项），请删除后重新提交。"


def find_bad_text(value, path: str = "") -> str | None:
    """The path of the first string (or key) in ``value`` that breaks the rule, else None.

    Paths use the API error shape's notation: ``petitioners[0].name``; the top level is
    ``non_field_errors``.
    """
    if isinstance(value, str):
        return (path or "non_field_errors") if BAD_CHARACTER.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and BAD_CHARACTER.search(key):
                return path or "non_field_errors"
            found = find_bad_text(item, name)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = find_bad_text(item, f"{path}[{index}]")
            if found:
                return found
    return None
