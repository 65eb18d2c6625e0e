"""The fast demo run (services on in-memory rows, bulk insert) writes exactly what the services
write through the ORM, row for row: same matters, petitions, people, unit links, events with
their parameters, deadlines with their explanations, callback tasks and counters.

If a service starts reading or writing rows in a way ``xinfang.demo.generator.memory`` does not
mirror, this test fails (the fast run would then diverge from the law as the services apply it).
"""

import datetime as dt

import pytest
import time_machine
from django.db import models, transaction
from django.utils import timezone

from xinfang.core import audit_chain
from xinfang.demo.generator import generate
from xinfang.documents.models import IssuedDocument
from xinfang.matters.models import (
    Counter,
    Deadline,
    Event,
    Matter,
    MatterUnit,
    Petition,
    Petitioner,
    PetitionPerson,
)
from xinfang.matters.services import numbering
from xinfang.supervision.models import CallbackTask

pytestmark = pytest.mark.django_db

# chain_hash/chain_prev cover row ids, which differ between the two runs on PostgreSQL (sequences do not
# restart); the chain itself is tested in core/tests/test_audit_chain.py.
SKIP = {"id", "query_code", "created_at", "pdf_data", "docx_data", "render_ms", "content_hash", "pdf_sha256",
        "docx_sha256", "chain_hash", "chain_prev"}


def natural(obj) -> object:
    """A key that names a row the same way in both runs (primary keys differ on PostgreSQL)."""
    if obj is None:
        return None
    for attr in ("number", "code", "username"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    if isinstance(obj, Event):
        return (obj.matter.number, obj.seq)
    if isinstance(obj, Petitioner):
        return (obj.name, obj.id_number, obj.phone)
    return repr(obj)


def rows(model: type[models.Model]) -> list[tuple]:
    out = []
    for obj in model.objects.all():
        values = []
        for f in model._meta.concrete_fields:
            if f.name in SKIP:
                continue
            value = natural(getattr(obj, f.name)) if f.is_relation else getattr(obj, f.name)
            values.append((f.name, value))
        out.append(tuple(values))
    return sorted(out, key=repr)


def dump() -> dict[str, list[tuple]]:
    models_ = [Matter, Petition, Petitioner, PetitionPerson, MatterUnit, Event, Deadline, CallbackTask, IssuedDocument]
    # The last number of each counter (on PostgreSQL matter and petition numbers come from sequences).
    numbers = sorted((c.key, c.year, numbering.last_value(c.key, c.year)) for c in Counter.objects.all())
    return {"numbers": numbers, **{m._meta.label: rows(m) for m in models_}}


def run(in_memory_rows: bool) -> tuple[dict, object]:
    with transaction.atomic():
        _, stats = generate(seed=20260101, matters=90, documents_days=4, in_memory_rows=in_memory_rows)
        audit_chain.seal_vouched("event")  # what follows each act's commit (this block never commits)
        snapshot = dump()
        transaction.set_rollback(True)
    return snapshot, stats


def test_fast_run_writes_what_the_services_write():
    now = timezone.make_aware(dt.datetime(2026, 11, 20, 16, 0))
    with time_machine.travel(now, tick=False):
        reference, ref_stats = run(in_memory_rows=False)
        fast, fast_stats = run(in_memory_rows=True)
    assert ref_stats.refused == fast_stats.refused
    assert ref_stats.acts == fast_stats.acts
    assert sum(len(v) for v in reference.values()) > 1000  # a real run, not two empty ones
    assert len(reference["matters.Event"]) >= 400
    assert reference["documents.IssuedDocument"], "the run should issue some recent documents"
    for label in reference:
        ref, got = reference[label], fast[label]
        assert len(ref) == len(got), f"{label}: {len(ref)} rows through the services, {len(got)} in the fast run"
        for a, b in zip(ref, got, strict=True):
            assert a == b, f"{label} differs:\nservices: {a}\nfast run: {b}"
