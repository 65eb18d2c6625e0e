"""``manage.py backup [--output PATH]``: database + media files + manifest of hashes, in one tar."""

from pathlib import Path

from django.core.management.base import BaseCommand

from xinfang.core.backup import backup, read_manifest


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份）和附件文件，附哈希清单。"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="备份文件路径或目录（默认 var/backups/）")
        parser.add_argument("--media-root", help="附件目录（默认 MEDIA_ROOT）")

    def handle(self, *args, output=None, media_root=None, **options):
        path = backup(Path(output) if output else None, media_root=Path(media_root) if media_root else None)
        manifest = read_manifest(path)
        counts = manifest["counts"]
        self.stdout.write(
            f"备份完成：{path}（{path.stat().st_size / 1e6:.1f} MB；{manifest['engine']}；信访事项 {counts['matters']} 件，"
            f"办理记录 {counts['events']} 条，文书 {counts['documents']} 份，文件 {len(manifest['files']) - 1} 个）"
        )
