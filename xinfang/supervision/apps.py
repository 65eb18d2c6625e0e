from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "xinfang.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self):
        from xinfang.matters.hooks import register_in_transaction

        from .services.callbacks import on_matter_event

        # A dissatisfied rating opens a callback task in the same transaction as the rating.
        register_in_transaction(on_matter_event)
