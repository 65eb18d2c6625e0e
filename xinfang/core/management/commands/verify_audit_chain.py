"""Verify the hash chains of the event log and the access log; report the first broken row.

Run daily (cron or Celery beat: ``verify-audit-chain``). A failure is recorded and shown to the
auditor on the home page; the command then exits with status 1.
"""

from django.core.management.base import BaseCommand, CommandError

from xinfang.core import audit, audit_chain


class Command(BaseCommand):
    help = "校验办理记录与个人信息访问日志的哈希链，报告第一条异常记录。"

    def add_arguments(self, parser):
        parser.add_argument("--chain", choices=sorted(audit_chain.CHAINS), help="只校验一条链")
        parser.add_argument("--no-record", action="store_true", help="不写入校验记录（不提醒审计员）")
        parser.add_argument("--seal-pending", action="store_true",
                            help="先把批量导入（演示数据生成器）未入链的记录按 ID 顺序入链")

    def handle(self, *args, chain=None, no_record=False, seal_pending=False, **options):
        chains = [chain] if chain else list(audit_chain.CHAINS)
        if seal_pending:
            for name in chains:
                sealed = audit_chain.seal_pending(name)
                if sealed:
                    self.stdout.write(f"{name}: {sealed} 条记录已入链")
        broken = []
        for r in audit.check_chains(chains, record=not no_record):
            if r.ok:
                waiting = f"，另有 {r.waiting} 条刚写入、等待入链" if r.waiting else ""
                self.stdout.write(f"{r.chain}: 完整，{r.checked} 条，链末哈希 {r.head_hash}{waiting}")
            else:
                where = f"记录 id={r.broken_id}" if r.broken_id is not None else "链末"
                self.stdout.write(f"{r.chain}: 异常，{where}，链序号 {r.broken_seq}：{r.reason}（此前 {r.checked} 条完整）")
                broken.append(r.chain)
        if broken:
            raise CommandError(f"审计日志哈希链异常：{', '.join(broken)}")
