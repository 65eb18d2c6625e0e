"""Checking the audit chains and telling the auditor (docs/security.md "审计日志防篡改")."""

from __future__ import annotations

import logging

from django.db import transaction

from . import audit_chain
from .models import AuditCheck

log = logging.getLogger("xinfang.audit")


def check_chains(chains=tuple(audit_chain.CHAINS), *, record: bool = True) -> list[audit_chain.ChainReport]:
    """Verify each chain; record the outcome (shown to auditors when it fails) and log the chain's
    end hash, so that a copy of the log kept elsewhere anchors the chain outside the database."""
    reports = [audit_chain.verify(chain) for chain in chains]
    for r in reports:
        if r.ok:
            log.info("audit chain %s intact: %d rows, head %s", r.chain, r.checked, r.head_hash)
        else:
            log.error("audit chain %s BROKEN at row id=%s seq=%s: %s", r.chain, r.broken_id, r.broken_seq, r.reason)
    if record:
        with transaction.atomic():
            AuditCheck.objects.bulk_create([
                AuditCheck(chain=r.chain, ok=r.ok, rows=r.checked, head_hash=r.head_hash, broken_id=r.broken_id,
                           broken_seq=r.broken_seq, reason=r.reason[:200])
                for r in reports
            ])
    return reports


def latest_checks() -> list[AuditCheck]:
    """The latest check of each chain (for the auditor's home page): one query per chain, two rows."""
    rows = []
    for chain in audit_chain.CHAINS:
        row = AuditCheck.objects.filter(chain=chain).order_by("-checked_at", "-id").first()
        if row is not None:
            rows.append(row)
    return rows
