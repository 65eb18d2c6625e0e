"""manage.py load_reference: load regions, units and content categories from the data files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.org.data.loader import DATA_DIR, ReferenceDataError, load_reference

LABELS = {"regions": "行政区划", "units": "单位", "categories": "内容分类"}


class Command(BaseCommand):
    help = "加载参考数据（行政区划、单位、内容分类）。可重复运行：按代码新增或更新，从不删除。"

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(DATA_DIR), help="参考数据文件所在目录（默认 xinfang/org/data）")

    def handle(self, *args, **options):
        try:
            stats = load_reference(Path(options["data_dir"]))
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for key, counter in stats.items():
            line = f"{LABELS[key]}：新增 {counter['created']}，更新 {counter['updated']}，未变 {counter['unchanged']}"
            if counter.get("deactivated"):
                line += f"，停用 {counter['deactivated']}"
            self.stdout.write(line)
