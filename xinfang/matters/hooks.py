"""Explicit extension points for other apps (documents, notifications, supervision).

* ``in_transaction``: called inside the action's transaction, after its event is written
  (documents are issued here: the act and its document are one transaction).
* ``after_commit``: called once the transaction committed (SMS, e-mail: never block the act).

Apps register in their ``AppConfig.ready()``. Each hook gets ``(event, matter)``.

The services call ``run(event, matter)`` once per act. What ``run`` does can be replaced for a
block of code with ``running_with(runner)`` (a ``ContextVar``: this thread or task only): the demo
generator runs only some hooks, and in its fast run keeps the calls until the rows exist.
``run_registered`` is what ``run`` does by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

log = logging.getLogger(__name__)

Hook = Callable[..., None]
_in_transaction: list[Hook] = []
_after_commit: list[Hook] = []
_last: set[Hook] = set()  # in-transaction hooks that run after all others (see register_in_transaction)
_runner: ContextVar[Callable[..., None] | None] = ContextVar("xinfang_hooks_runner", default=None)


def register_in_transaction(fn: Hook, *, last: bool = False) -> Hook:
    """``last``: after every other in-transaction hook. For a hook that takes a gap-free number
    (documents): its counter row stays locked until commit, so it is taken at the last moment and
    concurrent acts wait for each other only over the final inserts (issue 14)."""
    if fn not in _in_transaction:
        if last:
            _in_transaction.append(fn)
            _last.add(fn)
        else:
            _in_transaction.insert(sum(1 for h in _in_transaction if h not in _last), fn)
    return fn


def register_after_commit(fn: Hook) -> Hook:
    if fn not in _after_commit:
        _after_commit.append(fn)
    return fn


@contextmanager
def suspended(*modules: str):
    """Temporarily remove the hooks defined in ``modules`` (used by the demo generator and by the
    core's own unit tests, which test the workflow and leave documents to the documents tests)."""
    saved = (list(_in_transaction), list(_after_commit))
    _in_transaction[:] = [fn for fn in _in_transaction if fn.__module__ not in modules]
    _after_commit[:] = [fn for fn in _after_commit if fn.__module__ not in modules]
    try:
        yield
    finally:
        _in_transaction[:], _after_commit[:] = saved


def run(event, matter) -> None:
    """The hooks of one act (``run_registered``, or the runner installed by ``running_with``)."""
    runner = _runner.get()
    if runner is None:
        run_registered(event, matter)
    else:
        runner(event, matter)


def run_registered(event, matter, keep: Callable[[Hook, object], bool] | None = None, *,
                   after_commit: bool = True) -> None:
    """Every registered hook (or those ``keep(hook, event)`` accepts): in-transaction ones now,
    after-commit ones (unless ``after_commit`` is False) once the transaction commits."""
    for fn in _in_transaction:
        if keep is None or keep(fn, event):
            fn(event, matter)
    for fn in _after_commit if after_commit else ():
        if keep is None or keep(fn, event):
            transaction.on_commit(lambda fn=fn: _safe(fn, event, matter), robust=True)


@contextmanager
def running_with(runner: Callable[..., None]):
    """Inside the block, ``run(event, matter)`` calls ``runner(event, matter)`` instead."""
    token = _runner.set(runner)
    try:
        yield
    finally:
        _runner.reset(token)


def _safe(fn: Hook, event, matter) -> None:
    try:
        fn(event, matter)
    except Exception:  # an after-commit failure never undoes or blocks the act
        log.exception("after-commit hook %s failed for event %s", getattr(fn, "__name__", fn), event.pk)
