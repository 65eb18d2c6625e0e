from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import AppError
from xinfang.routing.services import train_routing


class Command(BaseCommand):
    help = "用已办结事项重新训练转送辅助模型（分类与主办单位建议），并报告留出样本上的准确率。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="最多使用的已办结事项数（最新的优先）")

    def handle(self, *args, limit=None, **options):
        try:
            row = train_routing(limit=limit)
        except AppError as exc:
            raise CommandError(exc.message) from exc

        def pct(x):
            return "—" if x is None else f"{x:.1%}"

        self.stdout.write(
            f"已用 {row.trained_on} 件已办结事项训练（留出 {row.held_out} 件检验）："
            f"主办单位 首选 {pct(row.unit_top1)}、前三 {pct(row.unit_top3)}；"
            f"内容分类 首选 {pct(row.category_top1)}、前三 {pct(row.category_top3)}。")
