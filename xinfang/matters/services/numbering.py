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

# Numbers a registration takes before its first insert: on PostgreSQL they come from a sequence per
# key and year, so concurrent registrations never wait for each other (issue 14). A sequence never
# gives a number back: a registration that fails after taking its number leaves a gap (a matter is
# never deleted either way, and the audit chain shows every matter's register event). Everything
# else (documents' 发文字号, supervision numbers) stays gap-free on the counter row.
SEQUENCED = frozenset({"matter", "petition"})


def next_value(key: str, year: int) -> int:
    """Next value of a per-year sequence. Gap-free keys: one ``UPDATE … RETURNING`` statement; the
    row stays locked until the transaction ends, which makes the sequence gap-free under
    concurrency (a rolled-back act gives its number back); callers take them as late as they can.
    ``SEQUENCED`` keys on PostgreSQL: ``nextval`` of the key's sequence, no lock."""
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "next_value must run inside a transaction"
    if key in SEQUENCED and connection.vendor == "postgresql":
        return _sequence_value(connection, key, year)
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [key, year])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    Counter.objects.get_or_create(key=key, year=year)  # first number of this key and year
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [key, year])
        return cursor.fetchone()[0]


def next_values(keys: tuple[str, ...], year: int) -> list[int]:
    """``next_value`` of each key, in order. On PostgreSQL the ``SEQUENCED`` keys among them are
    taken in one statement (a registration's matter and petition numbers: one round trip, not two);
    a key whose sequence is not there yet goes the long way of ``next_value``."""
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "next_values must run inside a transaction"
    sequenced = [k for k in keys if k in SEQUENCED] if connection.vendor == "postgresql" else []
    taken: dict[str, int] = {}
    if len(sequenced) > 1:
        one = f"(SELECT nextval(to_regclass(%s)) FROM {Counter._meta.db_table} WHERE key = %s AND year = %s)"
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join([one] * len(sequenced)),
                           [x for k in sequenced for x in (_sequence_name(k, year), k, year)])
            taken = {k: v for k, v in zip(sequenced, cursor.fetchone(), strict=True) if v is not None}
    return [taken[k] if k in taken else next_value(k, year) for k in keys]


def _sequence_name(key: str, year: int) -> str:
    return f"{Counter._meta.db_table}_{key}_{year}"


def _sequence_value(connection, key: str, year: int) -> int:
    name = _sequence_name(key, year)
    # One statement in the common case: no row when the counter row is missing (the first number of
    # this key and year, or a table emptied since), NULL while the sequence does not exist.
    take = f"SELECT nextval(to_regclass(%s)) FROM {Counter._meta.db_table} WHERE key = %s AND year = %s"
    with connection.cursor() as cursor:
        cursor.execute(take, [name, key, year])
        row = cursor.fetchone()
        if row is not None and row[0] is not None:
            return row[0]
        # The counter row anchors the sequence: locked (created if missing) while the sequence is
        # (re)made, so that concurrent first registrations wait here once and then share it.
        counter, created = Counter.objects.select_for_update().get_or_create(key=key, year=year)
        if created:  # a sequence left from rows since removed (a reset database) must start again
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')
        # After the counter row and after every number already in use (a restored database).
        start = max(int(counter.value), _taken(key, year)) + 1
        cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START WITH {start}')
        cursor.execute(take, [name, key, year])
        return cursor.fetchone()[0]


def _taken(key: str, year: int) -> int:
    """The highest number of ``key`` in ``year`` already written (matters and petitions)."""
    from django.db.models import Max

    from ..models import Matter, Petition

    if key == "matter":
        return Matter.objects.filter(year=year).aggregate(m=Max("seq"))["m"] or 0
    prefix = f"{settings.XINFANG_PETITION_PREFIX}{year}-"
    last = Petition.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    return int(last[len(prefix):]) if last and last[len(prefix):].isdigit() else 0


def last_value(key: str, year: int) -> int:
    """The last number taken of ``key`` in ``year`` (0 if none), without taking one."""
    connection = transaction.get_connection()
    row = Counter.objects.filter(key=key, year=year).values_list("value", flat=True).first()
    value = row or 0
    if key in SEQUENCED and connection.vendor == "postgresql" and row is not None:  # as _sequence_value
        with connection.cursor() as cursor:
            name = _sequence_name(key, year)
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                cursor.execute(f'SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "{name}"')
                value = max(value, cursor.fetchone()[0])
    return value


def set_value(key: str, year: int, value: int) -> None:
    """Make ``value`` the last number taken of ``key`` in ``year`` (bulk loaders that write numbered
    rows themselves); the next ``next_value`` is ``value + 1``."""
    connection = transaction.get_connection()
    Counter.objects.update_or_create(key=key, year=year, defaults={"value": value})
    if key in SEQUENCED and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{_sequence_name(key, year)}"')  # recreated from the row


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
