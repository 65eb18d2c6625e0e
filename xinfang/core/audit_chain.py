"""Tamper-evident audit: the event log and the personal-data access log, each chained by hash.

Every new row of a chain gets a position ``chain_seq`` (1, 2, 3 …), the hash of the row before it
(``chain_prev``) and its own hash (``chain_hash`` = SHA-256 over the chain name, its position, the
previous hash and a canonical JSON serialisation of its content). Editing, deleting or inserting a
row anywhere breaks the chain from that row on; ``verify`` finds the first broken row.

Concurrency: the chain head (``ChainHead``: length and last hash) is advanced in the writer's own
transaction by one compare-and-set UPDATE, which also row-locks the head until commit: a second
writer waits, sees that the head moved, and re-reads it under ``SELECT … FOR UPDATE`` (SQLite
serialises writers anyway with ``BEGIN IMMEDIATE``). Two writers can therefore never fork the chain,
and a rolled-back transaction takes its head update with it. The common case costs one small UPDATE
per row (the head as this process last wrote it is remembered); a writer that lost the race pays two
more.

Sealed after commit (the event chain, issue 14): a matter's act writes its event without a place,
carrying instead a *voucher* (``chain_hash`` = an HMAC of its content under the server's secret key),
and its transaction never touches the head. Right after commit the act's after-commit job
(``seal_vouched``, xinfang/core/background.py) takes the head's lock for a few statements and seals
every vouched row still waiting, in id order; the engine and a Celery beat task catch up rows left
by a process that died in between. A row without a valid voucher was not written by the system:
it is never sealed and ``verify`` reports it. So registrations no longer wait for each other on the
head, and a row slipped into the table is still found (now even by someone who can compute hashes).

Rows written in bulk (the demo generator's ``bulk_create``) are sealed afterwards by ``seal_pending``
in id order. See docs/security.md "审计日志防篡改".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from . import background

GENESIS = "0" * 64

# chain name → (app label, model name, the fields that are hashed, in this order)
CHAINS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "event": ("matters", "Event", (
        "matter_id", "seq", "action", "actor_id", "unit_id", "via", "occurred_at", "recorded_at",
        "from_status", "to_status", "params", "note",
    )),
    "access": ("core", "AccessLog", (
        "at", "user_id", "kind", "object_type", "object_ref", "detail", "ip_address",
    )),
}

# (database alias, chain) → (length, last hash) as this process last advanced it.
_HEADS: dict[tuple[str, str], tuple[int, str]] = {}


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _payload(*parts) -> bytes:
    return json.dumps(list(parts), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")


def row_hash(chain: str, seq: int, prev: str, values) -> str:
    """The hash of one row; ``values`` in the order of ``CHAINS[chain]``."""
    return hashlib.sha256(_payload(chain, seq, prev, [_plain(v) for v in values])).hexdigest()


def voucher(chain: str, values, secret=None) -> str:
    """What a row waiting to be sealed carries: an HMAC of its content under the secret key."""
    return salted_hmac("xinfang.audit_chain.voucher", _payload(chain, [_plain(v) for v in values]),
                       secret=secret, algorithm="sha256").hexdigest()


def vouch(chain: str, obj) -> None:
    """Leave ``obj`` (not yet saved) waiting for its seal, vouched for by the system."""
    obj.chain_seq, obj.chain_prev, obj.chain_hash = None, "", voucher(chain, _values(chain, obj))


def _vouched(chain: str, row) -> bool:
    """``row`` = (pk, chain_hash, *values): a waiting row the system wrote (under the current secret
    key or one of ``SECRET_KEY_FALLBACKS``, so that a key rotation strands no waiting row)."""
    if not row[1]:
        return False
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(row[1], voucher(chain, row[2:], secret)) for secret in secrets_)


def _model(chain: str, registry=apps):
    app_label, model_name, _ = CHAINS[chain]
    return registry.get_model(app_label, model_name)


def _head_model(registry=apps):
    return registry.get_model("core", "ChainHead")


def _values(chain: str, obj) -> list:
    model = type(obj)
    values = []
    for name in CHAINS[chain][2]:
        value = getattr(obj, name)
        if name == "ip_address" and value:
            value = model._meta.get_field(name).get_prep_value(value)  # the form the database keeps
        values.append(value)
    return values


def _locked_head(chain: str, using: str, registry=apps):
    """The head under a row lock, created from the table itself when it is missing (a fresh or
    flushed database)."""
    Head = _head_model(registry)
    head = Head.objects.using(using).select_for_update().filter(name=chain).first()
    if head is not None:
        return head
    last = (
        _model(chain, registry).objects.using(using).filter(chain_seq__isnull=False)
        .order_by("-chain_seq").values_list("chain_seq", "chain_hash").first()
    )
    try:
        with transaction.atomic(using=using):
            Head.objects.using(using).create(name=chain, length=last[0] if last else 0,
                                             last_hash=last[1] if last else GENESIS)
    except IntegrityError:
        pass  # created by a concurrent writer
    return Head.objects.using(using).select_for_update().get(name=chain)


def stamp(chain: str, obj, using: str | None = None) -> None:
    """Give ``obj`` (not yet saved) its place in the chain. Must run in the transaction that
    inserts ``obj`` (the model's ``save`` does both inside ``transaction.atomic``)."""
    using = using or router.db_for_write(type(obj))
    Head = _head_model()
    values = _values(chain, obj)
    cached = _HEADS.get((using, chain))
    if cached is not None:
        length, prev = cached
        digest = row_hash(chain, length + 1, prev, values)
        moved = Head.objects.using(using).filter(name=chain, length=length, last_hash=prev).update(
            length=length + 1, last_hash=digest)
        if moved:
            _set(obj, using, chain, length + 1, prev, digest)
            return
    head = _locked_head(chain, using)
    digest = row_hash(chain, head.length + 1, head.last_hash, values)
    Head.objects.using(using).filter(pk=head.pk).update(length=head.length + 1, last_hash=digest)
    _set(obj, using, chain, head.length + 1, head.last_hash, digest)


def _set(obj, using, chain, seq, prev, digest) -> None:
    obj.chain_seq, obj.chain_prev, obj.chain_hash = seq, prev, digest
    _HEADS[(using, chain)] = (seq, digest)


@background.job("seal")
def seal_vouched(chain: str = "event", using: str = "default") -> int:
    """The after-commit job: seal the rows waiting with a valid voucher, in id order."""
    return seal_pending(chain, using, vouched_only=True)


def seal_pending(chain: str, using: str = "default", batch: int = 2000, registry=apps, *,
                 vouched_only: bool = False) -> int:
    """Chain the rows written without a place, in id order. Returns how many. By default every
    such row (bulk inserts; the migration that introduced the chain, with its historical
    ``registry``; ``verify_audit_chain --seal-pending``); with ``vouched_only`` only the rows the
    system vouched for (``vouch``), so that a row slipped in stays outside and is reported."""
    model = _model(chain, registry)
    fields = CHAINS[chain][2]
    table = model._meta.db_table
    sealed = 0
    with transaction.atomic(using=using):
        head = _locked_head(chain, using, registry)
        length, prev = head.length, head.last_hash
        pending = model.objects.using(using).filter(chain_seq__isnull=True).order_by("pk")
        updates: list[tuple] = []
        with connections[using].cursor() as cursor:
            for row in pending.values_list("pk", "chain_hash", *fields).iterator(chunk_size=batch):
                if vouched_only and not _vouched(chain, row):
                    continue
                row = (row[0], *row[2:])
                length += 1
                digest = row_hash(chain, length, prev, row[1:])
                updates.append((length, prev, digest, row[0]))
                prev = digest
                if len(updates) >= batch:
                    _write(cursor, table, updates)
                    sealed += len(updates)
                    updates = []
            if updates:
                _write(cursor, table, updates)
                sealed += len(updates)
        _head_model(registry).objects.using(using).filter(pk=head.pk).update(length=length, last_hash=prev)
    _HEADS.pop((using, chain), None)
    return sealed


def _write(cursor, table: str, updates: list[tuple]) -> None:
    cursor.executemany(
        f'UPDATE "{table}" SET "chain_seq" = %s, "chain_prev" = %s, "chain_hash" = %s WHERE "id" = %s', updates
    )


@dataclass
class ChainReport:
    chain: str
    ok: bool
    checked: int
    head_hash: str
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""
    waiting: int = 0  # rows the system wrote that await their seal (sealed right after commit)


def verify(chain: str, using: str = "default", chunk: int = 5000) -> ChainReport:
    """Walk the chain from its first row; report the first row whose place, link or hash is wrong,
    rows that have no place, and a head that does not match the last row."""
    model = _model(chain)
    fields = CHAINS[chain][2]
    # The head first: rows written while the walk runs lie beyond it and are left for the next check.
    head = _head_model().objects.using(using).filter(name=chain).values_list("length", "last_hash").first()
    rows = model.objects.using(using).filter(chain_seq__isnull=False)
    if head is not None:
        rows = rows.filter(chain_seq__lte=head[0])
    rows = rows.order_by("chain_seq").values_list("pk", "chain_seq", "chain_prev", "chain_hash", *fields)
    expected_seq, prev, checked = 1, GENESIS, 0
    for row in rows.iterator(chunk_size=chunk):
        pk, seq, row_prev, row_digest = row[:4]
        reason = ""
        if seq != expected_seq:
            reason = f"序号应为 {expected_seq}，实为 {seq}（其前的记录被删除）"
        elif row_prev != prev:
            reason = "与前一条记录的哈希不衔接（前一条记录被删除、插入或改动）"
        elif row_hash(chain, seq, prev, row[4:]) != row_digest:
            reason = "内容与哈希不符（该记录被改动）"
        if reason:
            return ChainReport(chain, False, checked, prev, broken_id=pk, broken_seq=seq, reason=reason)
        prev, expected_seq, checked = row_digest, expected_seq + 1, checked + 1
    if head is not None and (head[0] != checked or head[1] != prev):
        return ChainReport(chain, False, checked, prev, broken_seq=checked + 1,
                           reason=f"链头记录 {head[0]} 条，实际 {checked} 条（末尾的记录被删除或改动）")
    waiting = model.objects.using(using).filter(chain_seq__isnull=True).order_by("pk")
    outside, vouched = [], 0
    for row in waiting.values_list("pk", "chain_hash", *fields).iterator(chunk_size=chunk):
        if _vouched(chain, row):
            vouched += 1  # written by the system, sealed right after its commit (or by the catch-up)
        else:
            outside.append(row[0])
    if outside:
        return ChainReport(chain, False, checked, prev, broken_id=outside[0], waiting=vouched,
                           reason=f"有 {len(outside)} 条记录不在链上（绕过系统直接写入）")
    return ChainReport(chain, True, checked, prev, waiting=vouched)
