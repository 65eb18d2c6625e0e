"""manage.py load_demo: generate the 示范县 demo county (see docs/demo.md)."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.matters.models import Matter
from xinfang.org.data.loader import ReferenceDataError

from ...generator import DEFAULT_DOCUMENT_DAYS, DEFAULT_MATTERS, DEFAULT_SEED, generate, is_loaded
from ...generator.accounts import accounts_table


class Command(BaseCommand):
    help = "生成示范县演示数据：参考数据、各角色演示账号和约两年的信访事项（全部经由真实的办理服务生成）。"

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="只输出 loaded（已加载）或 empty（未加载）")
        parser.add_argument("--accounts", action="store_true", help="输出演示账号和密码")
        parser.add_argument("--matters", type=int, default=DEFAULT_MATTERS, help=f"生成的信访事项数（默认 {DEFAULT_MATTERS}）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--documents-days", type=int, default=DEFAULT_DOCUMENT_DAYS,
                            help=f"只为最近若干天的办理动作生成文书（PDF/DOCX，较慢；默认 {DEFAULT_DOCUMENT_DAYS}，0 为不生成）")

    def handle(self, *args, **options):
        if options["status"]:
            self.stdout.write("loaded" if is_loaded() else "empty")
            return
        if options["accounts"]:
            if not is_loaded():
                raise CommandError("尚未生成演示数据，请先运行 manage.py load_demo。")
            self.stdout.write(accounts_table())
            return
        if is_loaded():
            self.stdout.write("演示数据已存在，未重复生成（如需重新生成，请换用一个空数据库）。")
            return
        if Matter.objects.exists():
            raise CommandError("数据库中已有信访事项（非演示数据），拒绝写入演示数据。请使用一个空数据库。")
        if options["matters"] < 1:
            raise CommandError("--matters 应为正整数。")

        def progress(done, seconds):
            if options["verbosity"] >= 1:
                self.stdout.write(f"  已生成 {done} 件（{seconds:.1f} 秒）")

        try:
            run, stats = generate(seed=options["seed"], matters=options["matters"],
                                  documents_days=options["documents_days"], progress=progress)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"示范县演示数据已生成：信访事项 {run.matters} 件，信访件 {run.petitions} 件，办理动作 {run.acts} 个，"
            f"耗时 {run.seconds:.1f} 秒（种子 {run.seed}，基准日 {run.today}）。"))
        if stats.refused:
            self.stdout.write(self.style.WARNING(f"有 {len(stats.refused)} 个动作被业务规则拒绝（相应事项停在当时的状态）："))
            for number, action, message in stats.refused[:10]:
                self.stdout.write(f"  {number} {action}：{message}")
