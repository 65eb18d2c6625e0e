from django.core.management.base import BaseCommand

from xinfang.notifications.services import send_pending_notifications


class Command(BaseCommand):
    help = "发送到期的待发送通知（失败的按指数退避重试，超过最大次数记为发送失败）。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, **options):
        counts = send_pending_notifications(limit=options["limit"])
        self.stdout.write(
            f"已发送 {counts['sent']}，待重试 {counts['retry']}，失败 {counts['failed']}，跳过 {counts['skipped']}"
        )
