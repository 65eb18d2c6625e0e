"""xinfang — 网上信访信息系统."""

from .celery import app as celery_app

__all__ = ["celery_app"]
