"""The demo county's ledgers, a separate step after ``load_demo`` (idempotent)."""

from django.core.management.base import BaseCommand

from xinfang.ledgers import demo


class Command(BaseCommand):
    help = "为示范县生成台账演示数据（建议采纳、建议提案、隐患排查、补助资金、资料库、宣传培训）"

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="只输出 loaded 或 empty")

    def handle(self, *args, **options):
        if options["status"]:
            self.stdout.write("loaded" if demo.is_loaded() else "empty")
            return
        result = demo.load()
        self.stdout.write("台账演示数据：" + "，".join(f"{k} {v}" for k, v in result.items()))
