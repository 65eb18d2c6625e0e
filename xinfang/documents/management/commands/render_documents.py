"""``manage.py render_documents``: render every issued document whose PDF/DOCX is still pending.

Documents are rendered after their act commits (xinfang/documents/rendering.py). If a process
died in between, this (also run by ``run_deadlines`` and the Celery beat) finishes the job.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.documents.rendering import pending_ids, render_pending


class Command(BaseCommand):
    help = "生成尚未生成 PDF/DOCX 文件的已发文书（进程在提交后、生成前中断时补齐）。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="最多处理多少件（默认全部）")
        parser.add_argument("--check", action="store_true", help="只报告待生成的件数，不生成")

    def handle(self, *args, **options):
        if options["check"]:
            self.stdout.write(f"待生成文书：{len(pending_ids())} 件")
            return
        result = render_pending(options["limit"])
        if options["verbosity"] >= 1:
            self.stdout.write(f"已生成 {result['rendered']} 件文书，失败 {result['failed']} 件。")
        if result["failed"]:
            raise SystemExit(1)
