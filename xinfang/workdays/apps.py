from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "xinfang.workdays"
    label = "workdays"
    verbose_name = "工作日与时限规则"

    def ready(self):
        from xinfang.core import refcache

        from .models import CalendarOverride, CalendarYear, RuleSet

        refcache.watch(RuleSet, CalendarOverride, CalendarYear)  # current_rules / load_calendar caches
