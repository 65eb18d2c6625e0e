from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "xinfang.documents"
    label = "documents"
    verbose_name = "文书"

    def ready(self):
        from xinfang.matters.hooks import register_in_transaction

        from .services import issue_for_event

        register_in_transaction(issue_for_event, last=True)  # its gap-free number: at the last moment

        from xinfang.core import refcache

        from .models import DocumentTemplate

        refcache.watch(DocumentTemplate)  # the active templates are cached per process
