"""Two people complete the same task at the same moment: one wins, the other gets 409 (PostgreSQL;
in-memory SQLite shares one connection cache between threads, so it is skipped there)."""

import threading

import pytest
from django.db import connection

from xinfang.core.errors import StateConflict
from xinfang.leaders.choices import TaskSource
from xinfang.leaders.models import Task, TaskReport
from xinfang.leaders.services.tasks import task_complete

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_completion_one_wins(county):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite shares one cache between threads")
    from django.utils import timezone

    task = Task.objects.create(source=TaskSource.DECISION, unit=county.town, text="核查", due=timezone.localdate(),
                               created_at=timezone.now(), status="reported")
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def worker(username):
        from django.db import connections

        try:
            barrier.wait()
            task_complete(actor=county.users[username], task_id=task.pk, data={"note": f"{username} 办结"})
            outcomes.append(("won", username))
        except StateConflict:
            outcomes.append(("409", username))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(u,)) for u in ("officer", "bleader")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(o for o, _ in outcomes) == ["409", "won"]
    winner = next(u for o, u in outcomes if o == "won")
    task.refresh_from_db()
    assert task.status == "done" and task.completed_by.username == winner
    assert TaskReport.objects.filter(task=task).count() == 1
