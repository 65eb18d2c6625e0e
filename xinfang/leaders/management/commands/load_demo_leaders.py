"""manage.py load_demo_leaders: the leaders' side of the demo county (after load_demo)."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.leaders import demo


class Command(BaseCommand):
    help = "在示范县演示数据上生成领导接访、包案、听证、联席会议和交办任务（幂等）"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args, seed, **options):
        from xinfang.org.models import User

        if not User.objects.filter(username="officer").exists():
            raise CommandError("请先运行 manage.py load_demo。")
        result = demo.load(seed)
        self.stdout.write(", ".join(f"{k}={v}" for k, v in result.items()))
