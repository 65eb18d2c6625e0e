"""Celery path of the daily audit-chain check (cron installs run ``manage.py verify_audit_chain``)."""

from celery import shared_task

from .audit import check_chains


@shared_task(name="xinfang.core.tasks.verify_audit_chain_task")
def verify_audit_chain_task() -> dict:
    return {r.chain: {"ok": r.ok, "rows": r.checked, "broken_id": r.broken_id} for r in check_chains()}


@shared_task(name="xinfang.core.tasks.run_jobs_task")
def run_jobs_task(jobs) -> None:
    """The after-commit jobs of one act (xinfang.core.background) in the Celery worker."""
    from . import background

    background.run_all(jobs)


@shared_task(name="xinfang.core.tasks.seal_audit_chain_task")
def seal_audit_chain_task() -> int:
    """Catch up: seal the events a process left unsealed when it died after commit (only rows the
    system vouched for: a row slipped into the table stays outside and is reported)."""
    from . import audit_chain

    return audit_chain.seal_vouched("event")
