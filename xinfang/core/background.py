"""Work that follows an act's commit, outside its transaction (issue 14).

An act fixes in its own transaction everything that must not be lost, and leaves the slow or
serialising parts for right after commit: rendering its documents' bytes, sealing its events into
the audit chain, sending its immediate notices. Each job is idempotent and what it still has to do
is visible in the database (a document with ``rendered_at`` NULL, an event without ``chain_seq``, a
queued notification), so a process that dies in between loses nothing: the engine
(``run_deadlines``), the Celery beat tasks and the commands catch up.

Apps register their jobs by name (``@background.job("render")``). Who runs them
(``settings.XINFANG_AFTER_COMMIT``):

* ``thread`` (default): one background thread of this process, fed by a queue; a job already
  waiting with the same argument is not queued twice (a burst of acts needs one seal);
* ``celery``: one Celery task per committed act, running its jobs in turn (the worker);
* ``inline``: in the after-commit callback of the request itself (tests, scripts);
* ``pending``: nobody now; the catch-ups above do it (statement-count benchmarks).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Hashable
from functools import partial

from django.conf import settings
from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)

MODES = ("thread", "celery", "inline", "pending")

_JOBS: dict[str, Callable] = {}
_BATCH = "_xinfang_after_commit_jobs"  # the jobs of the connection's current transaction
_queue: queue.Queue[tuple[str, Hashable]] = queue.Queue()
_waiting: set[tuple[str, Hashable]] = set()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def job(name: str):
    """Register ``fn(arg)`` as the job ``name`` (at import of the app's module; see its apps.py)."""
    def register(fn: Callable) -> Callable:
        _JOBS[name] = fn
        return fn
    return register


def run(name: str, arg: Hashable = None):
    """Run one job now, in this thread."""
    return _JOBS[name](arg)


def after_commit(name: str, arg: Hashable = None) -> None:
    """Run the job once the current transaction commits (at once outside a transaction). The jobs
    of one transaction are handed over together: one Celery message per act, not one per job."""
    connection_ = transaction.get_connection()
    batch = connection_.__dict__.setdefault(_BATCH, [])
    if (name, arg) not in batch:
        batch.append((name, arg))
    # One callback per call, all sharing the batch: the first to run hands over every job. (A
    # callback registered in a savepoint that rolls back is dropped by Django; the others still run.
    # Jobs left by a rolled-back transaction go with the next commit: each job checks the database,
    # so one whose rows never committed does nothing.)
    transaction.on_commit(partial(_flush, connection_), robust=True)


def _flush(connection_) -> None:
    jobs = connection_.__dict__.pop(_BATCH, None)
    if jobs:
        dispatch(jobs)


def dispatch(jobs: list[tuple[str, Hashable]]) -> None:
    """Hand these jobs to whoever runs jobs (see the module docstring). Never raises: a job that
    cannot be handed over stays pending in the database and is caught up."""
    mode = settings.XINFANG_AFTER_COMMIT
    try:
        if mode == "celery":
            from .tasks import run_jobs_task

            run_jobs_task.delay([[name, arg] for name, arg in jobs])
        elif mode == "inline":
            run_all(jobs)
        elif mode == "thread":
            with _lock:
                fresh = [job for job in jobs if job not in _waiting]
                _waiting.update(fresh)
            if fresh:
                _ensure_thread()
                for job_ in fresh:
                    _queue.put(job_)
    except Exception:
        log.exception("handing over after-commit jobs %r failed; their work stays pending and is caught up", jobs)


def run_all(jobs) -> None:
    """Run these jobs in turn; one that fails does not stop the others (its work stays pending)."""
    for name, arg in jobs:
        try:
            run(name, tuple(arg) if isinstance(arg, list) else arg)
        except Exception:
            log.exception("after-commit job %s(%r) failed; its work stays pending and is caught up", name, arg)


def wait_idle() -> None:
    """Block until the thread has run everything queued (tests, benchmarks)."""
    _queue.join()


def _worker() -> None:
    while True:
        name, arg = _queue.get()
        with _lock:
            _waiting.discard((name, arg))
        try:
            run(name, arg)
        except Exception:
            log.exception("after-commit job %s(%r) failed; its work stays pending and is caught up", name, arg)
        finally:
            close_old_connections()
            if _queue.empty():
                connection.close()
            _queue.task_done()


def _ensure_thread() -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_worker, name="xinfang-after-commit", daemon=True)
            _thread.start()
