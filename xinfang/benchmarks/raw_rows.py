"""The rows of one registration written by raw psycopg, one transaction per registration (issue 14:
"≥ 30 % of the raw rate for its own rows"). Used by ``./run bench register`` (``--raw``).

The template is the newest matter the API registered in the benchmark database: every row that
registration wrote is read back (``SELECT *``) and written again with new keys, in the order and
with the locks the service takes: the matter and petition numbers from the service's own sequences
(``nextval``, no lock), the matter, petition, petitioner, its link, the unit link (whose trigger
writes the visibility key), the event (with its voucher; the chain's seal follows after commit, as
in the API), the running deadline, the SMS notice, and last the document counter
(``UPDATE … RETURNING``, the one row lock) and the receipt's document row (not rendered, marked
done: the API renders after commit too). No Django, no validation, no response: the floor the API
is compared with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import time
import uuid

from psycopg.types.json import Jsonb

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Columns the database's triggers write, as they do for the API's rows (matters/0019: the linked units).
KEPT_BY_TRIGGERS = {"matters_matter": ["unit_ids"]}


def _row(conn, table: str, where: str, params) -> dict:
    cur = conn.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY id LIMIT 1', params)
    values = cur.fetchone()
    if values is None:
        raise RuntimeError(f"{table}: no row of the template registration")
    row = dict(zip([d.name for d in cur.description], values, strict=True))
    row.pop("id")
    generated = conn.execute(  # PostgreSQL computes these itself (matters' search_bigrams)
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attgenerated <> ''", [table]).fetchall()
    for name in [name for (name,) in generated] + KEPT_BY_TRIGGERS.get(table, []):
        row.pop(name, None)
    return row


def template(conn) -> dict:
    """The rows of the newest registration that has a receipt and a notice."""
    matter_id = conn.execute(
        "SELECT max(d.matter_id) FROM documents_issueddocument d "
        "JOIN notifications_notification n ON n.matter_id = d.matter_id").fetchone()[0]
    if matter_id is None:
        raise RuntimeError("no registration in the benchmark database yet (run the API load first)")
    petition_id = conn.execute("SELECT min(id) FROM matters_petition WHERE matter_id = %s", [matter_id]).fetchone()[0]
    event_id = conn.execute("SELECT min(id) FROM matters_event WHERE matter_id = %s", [matter_id]).fetchone()[0]
    link = conn.execute("SELECT petitioner_id FROM matters_petitionperson WHERE petition_id = %s",
                        [petition_id]).fetchone()
    t = {
        "matter": _row(conn, "matters_matter", "id = %s", [matter_id]),
        "petition": _row(conn, "matters_petition", "id = %s", [petition_id]),
        "petitioner": _row(conn, "matters_petitioner", "id = %s", [link[0]]),
        "petitionperson": _row(conn, "matters_petitionperson", "petition_id = %s", [petition_id]),
        "matterunit": _row(conn, "matters_matterunit", "matter_id = %s", [matter_id]),
        "event": _row(conn, "matters_event", "id = %s", [event_id]),
        "deadline": _row(conn, "matters_deadline", "matter_id = %s", [matter_id]),
        "document": _row(conn, "documents_issueddocument", "matter_id = %s", [matter_id]),
        "notification": _row(conn, "notifications_notification", "matter_id = %s", [matter_id]),
    }
    t["document_key"] = t["document"]["number_key"]
    t["matter_ref"] = matter_id
    return t


def _adapt(value):
    return Jsonb(value) if isinstance(value, (dict, list)) else value


def _insert(cur, table: str, row: dict) -> int:
    cols = list(row)
    names = ", ".join(f'"{c}"' for c in cols)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["%s"] * len(cols))}) RETURNING id'
    return cur.execute(sql, [_adapt(row[c]) for c in cols]).fetchone()[0]


def _renumber(number: str, value: int) -> str:
    m = re.match(r"^(.*?)(\d+)$", number)
    return f"{m.group(1)}{value:0{len(m.group(2))}d}" if m else f"{number}-{value}"


def register_once(conn, t: dict, n: int, rng) -> None:
    year = t["matter"]["year"]
    with conn.transaction(), conn.cursor() as cur:
        counter = "UPDATE matters_counter SET value = value + 1 WHERE key = %s AND year = %s RETURNING value"
        sequence = "SELECT nextval(%s::regclass)"
        seq = cur.execute(sequence, [f"matters_counter_matter_{year}"]).fetchone()[0]
        matter = {**t["matter"], "seq": seq, "number": _renumber(t["matter"]["number"], seq)}
        matter_id = _insert(cur, "matters_matter", matter)
        pyear = t["petition"]["registered_at"].year
        pseq = cur.execute(sequence, [f"matters_counter_petition_{pyear}"]).fetchone()[0]
        petition = {**t["petition"], "matter_id": matter_id, "number": _renumber(t["petition"]["number"], pseq),
                    "query_code": "".join(rng.choice(ALPHABET) for _ in t["petition"]["query_code"]),
                    "idempotency_key": uuid.uuid4().hex if t["petition"]["idempotency_key"] else ""}
        petition_id = _insert(cur, "matters_petition", petition)
        petitioner_id = _insert(cur, "matters_petitioner", {**t["petitioner"], "id_number": f"R{n:017d}"})
        _insert(cur, "matters_petitionperson", {**t["petitionperson"], "petition_id": petition_id,
                                                "petitioner_id": petitioner_id})
        _insert(cur, "matters_matterunit", {**t["matterunit"], "matter_id": matter_id})
        voucher = hashlib.sha256(f"{matter_id}|{n}".encode()).hexdigest()
        event_id = _insert(cur, "matters_event", {**t["event"], "matter_id": matter_id, "chain_seq": None,
                                                 "chain_prev": "", "chain_hash": voucher})
        deadline = {**t["deadline"], "matter_id": matter_id}
        if deadline.get("event_id") is not None:
            deadline["event_id"] = event_id
        _insert(cur, "matters_deadline", deadline)
        note = {**t["notification"], "matter_id": matter_id, "event_id": event_id, "petition_id": petition_id,
                "status": "sent", "attempts": 1, "provider_message_id": "raw"}  # sent after commit, off the row's life
        _insert(cur, "notifications_notification", note)
        doc = t["document"]
        dseq = cur.execute(counter, [t["document_key"], doc["year"]]).fetchone()[0]
        _insert(cur, "documents_issueddocument", {
            **doc, "seq": dseq, "doc_number": _renumber(doc["doc_number"], dseq), "matter_id": matter_id,
            "event_id": event_id if doc.get("event_id") is not None else None,
            "source_id": str(matter_id) if str(doc.get("source_id")) == str(t["matter_ref"]) else doc.get("source_id"),
            # not pending: the API renders after its commit too, and this row's frozen text is the template's
            "rendered_at": doc.get("rendered_at") or dt.datetime.now(dt.UTC)})


def measure_raw(url: str, *, concurrency: int = 4, seconds: float = 20.0, warmup: float = 3.0) -> dict:
    """Registrations/s and latency of the raw writes at this concurrency for ``seconds``."""
    import os
    import random

    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        t = template(conn)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(int(time.time()) % 10**6 * 10**6, 10**15))
    measuring = threading.Event()
    stop_at = time.perf_counter() + warmup + seconds

    def worker(k: int):
        rng = random.SystemRandom()  # query codes must not repeat across levels and passes
        with psycopg.connect(url, autocommit=True) as conn:
            while time.perf_counter() < stop_at:
                with lock:
                    n = next(counter)
                started = time.perf_counter()
                try:
                    register_once(conn, t, n, rng)
                    ok = True
                except psycopg.Error as exc:
                    ok, err = False, repr(exc)[:200]
                elapsed = time.perf_counter() - started
                if measuring.is_set() and time.perf_counter() < stop_at:
                    with lock:
                        (latencies.append(elapsed) if ok else errors.append(err))

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(concurrency)]
    load_before = os.getloadavg()
    for th in threads:
        th.start()
    time.sleep(warmup)
    measuring.set()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(q):
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1) if latencies else None

    return {"target": "raw psycopg", "concurrency": concurrency, "seconds": round(elapsed, 1),
            "registrations": len(latencies), "per_second": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.5), "p95_ms": pct(0.95), "errors": len(errors), "error_samples": errors[:3],
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()]}
