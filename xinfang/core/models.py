"""Cross-cutting records: the personal-data access log and the admin change log."""

from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    """Every view, reveal and export of personal data (个人信息保护法 §51, domain §6)."""

    class Kind(models.TextChoices):
        VIEW = "view", "查看"
        REVEAL = "reveal", "显示完整个人信息"
        EXPORT = "export", "导出"
        PUBLIC_TRACK = "public_track", "公开查询"
        PUBLIC_TRACK_FAILED = "public_track_failed", "公开查询失败"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_ref = models.CharField(max_length=80, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "个人信息访问日志"
        verbose_name_plural = verbose_name
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.object_ref}"


def log_access(*, user, kind: str, object_type: str = "", object_ref: str = "", detail=None, ip=None) -> AccessLog:
    return AccessLog.objects.create(
        user=user if (user is not None and user.is_authenticated) else None,
        kind=kind,
        object_type=object_type,
        object_ref=object_ref,
        detail=detail or {},
        ip_address=ip,
    )
