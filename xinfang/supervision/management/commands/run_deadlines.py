"""``manage.py run_deadlines [--date YYYY-MM-DD]``: the daily deadline engine (api-v1.md)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from xinfang.supervision.engine import run


class Command(BaseCommand):
    help = "运行每日时限引擎（临期提醒、超期催办、期满办结、超期未评价、督办升级）。同一天重复运行不会产生任何变化。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="业务日期 YYYY-MM-DD（默认今天；不能是将来的日期）")

    def handle(self, *args, **options):
        day = timezone.localdate()
        if options.get("date"):
            day = parse_date(options["date"]) if _looks_like_date(options["date"]) else None
            if day is None:
                raise CommandError(f"日期“{options['date']}”无效，格式应为 YYYY-MM-DD。")
        try:
            result = run(day, via="command")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.status == "locked":
            self.stdout.write(f"{day}: 另一台机器正在运行时限引擎，本次未执行。")
            return
        if options["verbosity"] >= 1:
            self.stdout.write(f"{day}: 完成 {json.dumps(result.counts, ensure_ascii=False, sort_keys=True)}")
        from xinfang.documents.rendering import render_pending

        rendered = render_pending()  # documents left pending by a process that died after commit
        if options["verbosity"] >= 1 and (rendered["rendered"] or rendered["failed"]):
            self.stdout.write(f"补齐文书文件：{rendered['rendered']} 件，失败 {rendered['failed']} 件")
        from xinfang.core.audit_chain import seal_vouched

        sealed = seal_vouched("event")  # events left unsealed by a process that died after commit
        if options["verbosity"] >= 1 and sealed:
            self.stdout.write(f"补齐审计链：{sealed} 条办理记录入链")


def _looks_like_date(value: str) -> bool:
    try:
        return parse_date(value) is not None
    except ValueError:
        return False
