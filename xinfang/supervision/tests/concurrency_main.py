"""Two OS processes run the engine at the same moment on one database (used by test_engine_processes).

Usage: python -m xinfang.supervision.tests.concurrency_main  (DATABASE_URL / XINFANG_VAR_DIR set by
the caller). Prints one JSON line: the two results and the records written.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import sys


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    import django

    django.setup()


def build():
    from django.core.management import call_command
    from django.utils import timezone

    from xinfang.testing.factories import make_county, register

    call_command("migrate", verbosity=0)
    c = make_county()
    for back in (40, 30, 20, 16, 14, 12):  # dispose clocks overdue and due soon
        received = timezone.localtime() - dt.timedelta(days=back)
        register(c, received_at=received.isoformat())


def worker(barrier, queue):
    setup()
    from xinfang.supervision.engine import run

    barrier.wait()
    result = run()
    queue.put({"status": result.status, "changed": result.changed})


def main():
    setup()
    build()
    from django.db import connections

    connections.close_all()
    # spawn, not fork: the parent has run services (threads, logging and connection locks); a forked
    # child can inherit a lock some other thread held and hang on it
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(barrier, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    results = [queue.get(timeout=5) for _ in procs]
    from xinfang.supervision.models import SupervisionRecord

    keys = list(SupervisionRecord.objects.values_list("trigger_key", flat=True))
    print(json.dumps({"results": results, "keys": keys, "exitcodes": [p.exitcode for p in procs]}))


if __name__ == "__main__":
    sys.exit(main())
