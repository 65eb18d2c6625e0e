"""Gap-free readable numbers and unguessable query codes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from ..models import Counter

# Easy to read aloud and to copy by hand: no look-alikes (0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V).
# 21 symbols × 12 characters ≈ 52.7 bits; shown as three groups of four (ACDE-FHJK-MNPR).
QUERY_CODE_ALPHABET = "ACDEFHJKMNPRTUWXY3479"
QUERY_CODE_LENGTH = 12
QUERY_CODE_GROUP = 4
# Codes issued before the alphabet above (still valid): letters without I/O and the digits 2–9.
LEGACY_QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LEGACY_QUERY_CODE_LENGTH = 10


_BUMP = f"UPDATE {Counter._meta.db_table} SET value = value + 1 WHERE key = %s AND year = %s RETURNING value"


def next_value(key: str, year: int) -> int:
    """Next value of a per-year sequence: one ``UPDATE … RETURNING`` statement. The row stays
    locked until the transaction ends, which makes the sequence gap-free under concurrency (a
    rolled-back act gives its number back); callers take numbers as late as they can."""
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "next_value must run inside a transaction"
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [key, year])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    Counter.objects.get_or_create(key=key, year=year)  # first number of this key and year
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [key, year])
        return cursor.fetchone()[0]


def matter_number(year: int, seq: int) -> str:
    """The readable number of the ``seq``-th matter of ``year`` (the counter ``matter``)."""
    return f"{settings.XINFANG_MATTER_PREFIX}{year}-{seq:06d}"


def petition_number(year: int, seq: int) -> str:
    """The readable number of the ``seq``-th petition of ``year`` (the counter ``petition``)."""
    return f"{settings.XINFANG_PETITION_PREFIX}{year}-{seq:06d}"


def new_query_code() -> str:
    """A new code (stored without separators; codes issued before issue 15 keep their old form)."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def format_query_code(code: str) -> str:
    """The code as shown and read aloud: groups of four joined by "-" (any stored length)."""
    code = (code or "").strip().upper()
    return "-".join(code[i:i + QUERY_CODE_GROUP] for i in range(0, len(code), QUERY_CODE_GROUP))
