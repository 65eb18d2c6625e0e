from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from xinfang.matters.docs import workflow_markdown


class Command(BaseCommand):
    help = "Write docs/workflow.md from the workflow and clock tables."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "workflow.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(workflow_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
