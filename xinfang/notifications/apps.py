from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self):
        from xinfang.matters.hooks import register_after_commit

        from .hooks import on_event_committed

        register_after_commit(on_event_committed)
