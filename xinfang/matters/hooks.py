"""Explicit extension points for other apps (documents, notifications, supervision).

* ``in_transaction``: called inside the action's transaction, after its event is written
  (documents are issued here: the act and its document are one transaction).
* ``after_commit``: called once the transaction committed (SMS, e-mail: never block the act).

Apps register in their ``AppConfig.ready()``. Each hook gets ``(event, matter)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager

from django.db import transaction

log = logging.getLogger(__name__)

Hook = Callable[..., None]
_in_transaction: list[Hook] = []
_after_commit: list[Hook] = []


def register_in_transaction(fn: Hook) -> Hook:
    if fn not in _in_transaction:
        _in_transaction.append(fn)
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
    for fn in _in_transaction:
        fn(event, matter)
    for fn in _after_commit:
        transaction.on_commit(lambda fn=fn: _safe(fn, event, matter), robust=True)


def _safe(fn: Hook, event, matter) -> None:
    try:
        fn(event, matter)
    except Exception:  # an after-commit failure never undoes or blocks the act
        log.exception("after-commit hook %s failed for event %s", getattr(fn, "__name__", fn), event.pk)
