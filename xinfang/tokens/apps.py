from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "xinfang.tokens"
    label = "tokens"
    verbose_name = "API 令牌"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (revocation on password change)
