"""Gap-free readable numbers and unguessable query codes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from ..models import Counter

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
QUERY_CODE_LENGTH = 10  # 32**10 ≈ 1.1e15 codes; wrong guesses are throttled


def next_value(key: str, year: int) -> int:
    """Next value of a per-year sequence; the row lock makes it gap-free under concurrency."""
    assert transaction.get_connection().in_atomic_block, "next_value must run inside a transaction"
    counter, _ = Counter.objects.get_or_create(key=key, year=year)
    counter = Counter.objects.select_for_update().get(pk=counter.pk)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def next_matter_number(year: int) -> tuple[str, int]:
    seq = next_value("matter", year)
    return f"{settings.XINFANG_MATTER_PREFIX}{year}-{seq:06d}", seq


def next_petition_number(year: int) -> str:
    seq = next_value("petition", year)
    return f"{settings.XINFANG_PETITION_PREFIX}{year}-{seq:06d}"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
