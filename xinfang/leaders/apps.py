from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "xinfang.leaders"
    label = "leaders"
    verbose_name = "领导接访与疑难化解"

    def ready(self):
        from .measures import register_measures

        register_measures()  # the assessment measure this app defines (issue 13)
        from xinfang.matters.hooks import register_in_transaction

        from .services.execution import on_matter_event

        # 落实: a supported reply, a revised 复查/复核 decision opens an execution task in the act's transaction.
        register_in_transaction(on_matter_event)
