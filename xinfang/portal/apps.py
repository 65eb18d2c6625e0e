from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xinfang.portal"
    label = "portal"
    verbose_name = "公众门户"

    def ready(self):
        from xinfang.documents.public import register_session_grant

        from .session import granted_petition

        register_session_grant(lambda request, number: granted_petition(request, number) is not None)
