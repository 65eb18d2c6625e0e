"""Celery path of the daily audit-chain check (cron installs run ``manage.py verify_audit_chain``)."""

from celery import shared_task

from .audit import check_chains


@shared_task(name="xinfang.core.tasks.verify_audit_chain_task")
def verify_audit_chain_task() -> dict:
    return {r.chain: {"ok": r.ok, "rows": r.checked, "broken_id": r.broken_id} for r in check_chains()}
