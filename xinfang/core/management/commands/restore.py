"""``manage.py restore ARCHIVE [--database-url URL] [--media-root DIR] [--force]``.

Checks every hash in the archive first; restores into an empty database (``--force`` to overwrite)
and the media folder. Afterwards run ``manage.py migrate`` (a no-op for a backup of this version)
and ``manage.py verify_audit_chain``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.backup import restore, verify_archive
from xinfang.core.errors import InvalidInput


class Command(BaseCommand):
    help = "从备份文件恢复数据库和附件（先校验全部哈希）。"

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database-url", help="恢复到此数据库（默认当前配置的数据库）")
        parser.add_argument("--media-root", help="附件恢复到此目录（默认 MEDIA_ROOT）")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然覆盖")
        parser.add_argument("--check-only", action="store_true", help="只校验备份文件，不恢复")

    def handle(self, *args, archive, database_url=None, media_root=None, force=False, check_only=False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{path}")
        try:
            if check_only:
                manifest = verify_archive(path)
                self.stdout.write(f"备份文件完好：{len(manifest['files'])} 个条目哈希一致（{manifest['created_at']}）")
                return
            manifest = restore(path, database_url=database_url, media_root=Path(media_root) if media_root else None,
                               force=force)
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
        counts = manifest["counts"]
        self.stdout.write(
            f"恢复完成：信访事项 {counts['matters']} 件，办理记录 {counts['events']} 条，文书 {counts['documents']} 份，"
            f"文件 {len(manifest['files']) - 1} 个。请运行 manage.py verify_audit_chain 核对审计日志。"
        )
