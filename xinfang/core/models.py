"""Cross-cutting records: the personal-data access log and the admin change log."""

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from . import audit_chain, background
from .inserts import CompiledInsert


class ChainedRow(CompiledInsert):
    """An append-only row with its place in a hash chain (xinfang/core/audit_chain.py)."""

    CHAIN = ""
    # Sealed right after commit (audit_chain.vouch / seal_vouched) instead of inside the writer's
    # transaction: rows written by concurrent acts (matter events) must not wait for each other.
    SEAL_AFTER_COMMIT = False
    chain_seq = models.PositiveBigIntegerField("链序号", null=True, blank=True, unique=True, editable=False)
    chain_prev = models.CharField("前一条哈希", max_length=64, blank=True, editable=False)
    chain_hash = models.CharField("本条哈希", max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self))
        if self.SEAL_AFTER_COMMIT:
            audit_chain.vouch(self.CHAIN, self)
            super().save(*args, **kwargs)
            background.after_commit("seal", self.CHAIN)
            return
        with transaction.atomic(using=using, savepoint=False):  # the head moves with the row, or not at all
            audit_chain.stamp(self.CHAIN, self, using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} rows are append-only")


class ChainHead(models.Model):
    """The end of one audit chain: how many rows it holds and the hash of the last one."""

    name = models.CharField(max_length=20, unique=True)
    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=audit_chain.GENESIS)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.name}: {self.length}"


class AuditCheck(models.Model):
    """One verification of one chain (``verify_audit_chain``, daily). A failed check is shown to the
    auditor on the home page."""

    CHAIN_LABELS = {"event": "办理记录", "access": "个人信息访问日志"}

    checked_at = models.DateTimeField("校验时间", default=timezone.now, db_index=True)
    chain = models.CharField("日志", max_length=20)
    ok = models.BooleanField("完整")
    rows = models.PositiveBigIntegerField("校验条数")
    head_hash = models.CharField("链末哈希", max_length=64)
    broken_id = models.BigIntegerField("首个异常记录 ID", null=True, blank=True)
    broken_seq = models.PositiveBigIntegerField("首个异常链序号", null=True, blank=True)
    reason = models.CharField("异常说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "审计日志校验"
        verbose_name_plural = verbose_name
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["chain", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.chain} {'完整' if self.ok else '异常'}"

    @property
    def chain_label(self) -> str:
        return self.CHAIN_LABELS.get(self.chain, self.chain)


class AccessLog(ChainedRow):
    """Every view, reveal and export of personal data (个人信息保护法 §51, domain §6). Append-only,
    chained by hash."""

    CHAIN = "access"

    class Kind(models.TextChoices):
        VIEW = "view", "查看"
        REVEAL = "reveal", "显示完整个人信息"
        EXPORT = "export", "导出"
        PUBLIC_TRACK = "public_track", "公开查询"
        PUBLIC_TRACK_FAILED = "public_track_failed", "公开查询失败"

    at = models.DateTimeField(default=timezone.now, db_index=True)  # set before hashing, not at insert
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
