from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self):
        from xinfang.matters.hooks import register_in_transaction

        from .hooks import queue_in_transaction

        register_in_transaction(queue_in_transaction)  # the outbox row, in the act's transaction; sent after commit
