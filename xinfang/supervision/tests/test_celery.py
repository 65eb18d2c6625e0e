"""The Celery path against the real Redis on 127.0.0.1:6379 (skipped with a reason when absent)."""

import datetime as dt
import os

import pytest

from xinfang.supervision.models import EngineRun, SupervisionRecord

from .helpers import new_matter, on

# One Redis database per pytest-xdist worker: two workers sharing one would consume each other's
# tasks (run against the other worker's test database) and see each other's engine lock.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS = os.environ.get("XINFANG_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{10 + _WORKER % 6}")


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(not _redis_up(), reason=f"Redis not reachable at {REDIS}: the Celery path needs a real broker"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def celery_worker_on_redis(monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from xinfang.celery import app

    monkeypatch.setenv("XINFANG_REDIS_URL", REDIS)
    saved = dict(app.conf)
    app.conf.update(broker_url=REDIS, result_backend=REDIS, task_always_eager=False, broker_connection_retry_on_startup=False)
    import redis

    redis.Redis.from_url(REDIS).delete("xinfang:lock:run_deadlines")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"):
        yield app
    app.conf.update({k: saved.get(k) for k in ("broker_url", "result_backend", "task_always_eager")})


def _run(day: str) -> dict:
    """Send the engine's task through Redis and read its result from Redis.

    Both ends are named here rather than taken from the app: Celery caches ``app.backend`` and its
    producer pool the first time any test in this process touches them (before this module changed
    the configuration: the disabled backend and the default broker), so going through them made the
    outcome depend on test order (a disabled backend in CI; a message sent to another broker here).
    """
    from celery.backends.redis import RedisBackend
    from celery.result import AsyncResult

    from xinfang.celery import app
    from xinfang.supervision.tasks import run_deadlines_task

    with app.connection_for_write(REDIS) as connection:  # not app.pool: also cached from the first send
        sent = run_deadlines_task.apply_async((day,), connection=connection)
    return AsyncResult(sent.id, backend=RedisBackend(app=app, url=REDIS), app=app).get(timeout=60)


def test_beat_task_runs_the_engine_through_redis(county, celery_worker_on_redis):
    new_matter(county, "2026-09-10")  # dispose due 09-28
    with on("2026-10-09", 6):
        first = _run("2026-10-09")
        second = _run("2026-10-09")
    assert first["status"] == "finished" and first["counts"]["overdue_marked"] == 1
    assert second["status"] == "finished" and not any(v for k, v in second["counts"].items() if not k.startswith("notif"))
    assert SupervisionRecord.objects.count() == 1
    assert list(EngineRun.objects.values_list("via", flat=True).distinct()) == ["celery"]
    assert EngineRun.objects.filter(day=dt.date(2026, 10, 9)).count() == 2


def test_redis_lock_held_elsewhere_skips(county, celery_worker_on_redis):
    import redis

    from xinfang.supervision.tasks import REDIS_LOCK

    client = redis.Redis.from_url(REDIS)
    lock = client.lock(REDIS_LOCK, timeout=30)
    assert lock.acquire(blocking=False)
    try:
        with on("2026-10-09", 6):
            result = _run("2026-10-09")
    finally:
        lock.release()
    assert result["status"] == "locked" and not EngineRun.objects.exists()
