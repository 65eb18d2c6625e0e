from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinfang.notices"
    verbose_name = "工作提醒"

    def ready(self) -> None:
        from xinfang.matters import hooks

        from .hooks import on_event

        hooks.register_in_transaction(on_event)
