from django.apps import AppConfig


class LedgersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinfang.ledgers"
    verbose_name = "办公室台账"

    def ready(self):
        from .measures import register_measures

        register_measures()  # the assessment measure this app defines (issue 13)
