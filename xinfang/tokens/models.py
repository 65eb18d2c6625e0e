"""API tokens with a lifetime (issue 9 §4). Only the SHA-256 digest of a token is stored."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    class Reason(models.TextChoices):
        LOGOUT = "logout", "退出登录"
        PASSWORD = "password_change", "修改密码"
        USER = "user", "本人撤销"
        ADMIN = "admin", "管理员撤销"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8)
    label = models.CharField("客户端", max_length=120, blank=True)
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    created_ip = models.GenericIPAddressField("签发地址", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("最近使用地址", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=20, choices=Reason.choices, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state_label(self) -> str:
        if self.revoked_at is not None:
            return f"已撤销（{self.get_revoked_reason_display()}）"
        return "有效" if self.expires_at > timezone.now() else "已过期"
