from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from xinfang.matters.docs import workflow_markdown
from xinfang.org.permissions import permissions_markdown


class Command(BaseCommand):
    help = "Write docs/workflow.md (workflow and clock tables) and docs/permissions.md (permission matrix)."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "workflow.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(workflow_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
        matrix = path.parent / "permissions.md"
        matrix.write_text(permissions_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {matrix}")
