from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "xinfang.org"
    label = "org"
    verbose_name = "单位、区划与人员"

    def ready(self):
        from .reference import watch

        watch()  # cached reference lookups are dropped when a category, region or unit changes
