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
* ``celery``: a Celery task per job (the worker);
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
    """Run the job once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(dispatch, name, arg), robust=True)


def dispatch(name: str, arg: Hashable = None) -> None:
    """Hand one job to whoever runs jobs (see the module docstring). Never raises: a job that
    cannot be handed over stays pending in the database and is caught up."""
    mode = settings.XINFANG_AFTER_COMMIT
    try:
        if mode == "celery":
            from .tasks import run_job_task

            run_job_task.delay(name, arg)
        elif mode == "inline":
            run(name, arg)
        elif mode == "thread":
            with _lock:
                if (name, arg) in _waiting:
                    return
                _waiting.add((name, arg))
            _ensure_thread()
            _queue.put((name, arg))
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
