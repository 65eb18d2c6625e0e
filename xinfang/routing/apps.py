from django.apps import AppConfig


class RoutingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinfang.routing"
    verbose_name = "转送辅助"
