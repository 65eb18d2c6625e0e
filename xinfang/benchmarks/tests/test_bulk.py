"""Smoke test of the benchmark bulk generator and of a measurement (tiny size)."""

import pytest

from xinfang.benchmarks.bulk import BenchmarkData
from xinfang.benchmarks.measure import explain_request
from xinfang.benchmarks.setup import make_users
from xinfang.matters.choices import OPEN_STATES, State
from xinfang.matters.models import Deadline, Event, Matter
from xinfang.org.data.loader import load_reference

# transaction=True: the generator creates indexes after its bulk inserts, which PostgreSQL refuses
# inside an outer transaction that still has pending deferred-constraint triggers.
pytestmark = pytest.mark.django_db(transaction=True)


def test_bulk_rows_are_consistent_and_listable():
    load_reference()
    make_users()
    stats = BenchmarkData(matters=40, seed=3).generate()
    assert stats["matters_matter"] == Matter.objects.count() == 40
    for m in Matter.objects.all():
        last = Event.objects.filter(matter=m).order_by("-seq").first()
        assert last.to_status == m.status and last.seq == m.event_count
        running = Deadline.objects.filter(matter=m, met_at__isnull=True, cancelled_at__isnull=True)
        assert (m.next_due is not None) == running.exists()
        assert (m.status == State.CLOSED) == bool(m.close_reason)
    assert {m.status for m in Matter.objects.all()} & set(OPEN_STATES)

    from rest_framework.test import APIClient

    from xinfang.org.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(username="bench_officer"))

    def call():
        response = client.get("/api/v1/matters/?status=open")
        assert response.status_code == 200
        return response.json()

    assert call()["count"] == Matter.objects.exclude(status=State.CLOSED).count()
    plan, page_paths, count_paths, _ = explain_request(call)
    assert "count" in plan and page_paths and count_paths
