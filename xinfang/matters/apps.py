from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "xinfang.matters"
    label = "matters"
    verbose_name = "信访事项"
