"""文号: per issuing unit, per year, per prefix; gap-free and never repeated under concurrent acts.

Run on SQLite by default and on PostgreSQL with DATABASE_URL=postgres://…/xinfang_docs (the
threads then really race on the counter row lock).
"""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection, connections

from xinfang.documents.models import IssuedDocument
from xinfang.documents.services import issue_document
from xinfang.testing.factories import at, make_county, register

THREADS = 6


def test_numbers_are_per_unit_per_prefix_per_year(county):
    def issue(unit, doc_type="supervision_order"):
        return issue_document(doc_type, issuing_unit=unit, recipient="城关镇人民政府", context={
            "被督办单位": "x", "督办事项": "x", "督办要求": "x", "督办依据": "x", "回复期限": "x",
            "通报对象": "x", "通报事由": "x", "通报内容": "x", "整改要求": "x"}).doc_number

    with time_machine.travel(at("2026-12-31", 10), tick=False):
        assert [issue(county.bureau) for _ in range(3)] == ["示信督〔2026〕1号", "示信督〔2026〕2号", "示信督〔2026〕3号"]
        assert issue(county.bureau, "bulletin") == "示信通〔2026〕1号"  # another prefix, its own sequence
        assert issue(county.town) == "城关督〔2026〕1号"  # another unit, its own sequence
    with time_machine.travel(at("2027-01-01", 10), tick=False):
        assert issue(county.bureau) == "示信督〔2027〕1号"  # a new year starts again


def _race(fn, n=THREADS):
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            fn(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_gap_free_receipt_numbers():
    county = make_county()

    def one(i):
        register(county, title=f"并发登记{i}")

    with time_machine.travel(at("2026-09-10", 10), tick=True):
        _race(one)
    numbers = sorted(IssuedDocument.objects.filter(doc_type="registration_receipt").values_list("seq", flat=True))
    assert numbers == list(range(1, THREADS + 1)), connection.vendor
    assert len(set(IssuedDocument.objects.values_list("doc_number", flat=True))) == THREADS


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_document_never_repeats_or_skips():
    county = make_county()
    ctx = {"被督办单位": "x", "督办事项": "x", "督办要求": "x", "督办依据": "x", "回复期限": "x"}

    def one(i):
        issue_document("supervision_order", issuing_unit=county.bureau, recipient=f"单位{i}", context=ctx)

    _race(one)
    seqs = sorted(IssuedDocument.objects.filter(doc_type="supervision_order").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS + 1)), connection.vendor
