"""Celery application: used only where several machines share scheduled work.

Small installs run ``manage.py run_deadlines`` from cron instead; both call the same function.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")

app = Celery("xinfang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
