"""gunicorn settings for a county server (``./run production``; docs/deployment.md).

Sync workers: one request per process, no thread or GIL sharing between requests. A
registration spends about half its time waiting on PostgreSQL, so two workers per core keep
the CPUs busy. Override with ``XINFANG_WORKERS`` / ``XINFANG_BIND``.
"""

import multiprocessing
import os

bind = os.environ.get("XINFANG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("XINFANG_WORKERS", str(2 * multiprocessing.cpu_count())))
worker_class = "sync"
timeout = int(os.environ.get("XINFANG_WORKER_TIMEOUT", "60"))  # an export of the whole county fits
graceful_timeout = 30
keepalive = 5  # behind nginx
max_requests = 2000  # recycle workers now and then (memory growth of long-lived processes)
max_requests_jitter = 200
preload_app = True  # import once, fork warm workers (faster start, shared memory)
accesslog = os.environ.get("XINFANG_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("XINFANG_FORWARDED_ALLOW_IPS", "127.0.0.1")
