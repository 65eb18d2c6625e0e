"""Gap-free readable numbers and unguessable query codes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from ..models import Counter

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
QUERY_CODE_LENGTH = 10  # 32**10 ≈ 1.1e15 codes; wrong guesses are throttled


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


def next_matter_number(year: int) -> tuple[str, int]:
    seq = next_value("matter", year)
    return f"{settings.XINFANG_MATTER_PREFIX}{year}-{seq:06d}", seq


def next_petition_number(year: int) -> str:
    seq = next_value("petition", year)
    return f"{settings.XINFANG_PETITION_PREFIX}{year}-{seq:06d}"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
