from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "xinfang.figures"
    label = "figures"
    verbose_name = "形势研判、考核与报告"
