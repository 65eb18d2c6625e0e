from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "xinfang.workdays"
    label = "workdays"
    verbose_name = "工作日与时限规则"
