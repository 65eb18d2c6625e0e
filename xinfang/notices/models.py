"""Staff notices (工作提醒): what needs a person's attention, with a badge, a list and an optional daily digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    ROUTED = "routed", "转送交办到本单位"
    EXTENSION = "extension", "延期申请待批准"
    RETURN = "return", "异议退回待审核"
    REVIEW = "review", "复查复核申请"
    URGED = "urged", "信访人催办"
    MATERIAL = "material", "信访人补充材料"
    SUPERVISION = "supervision", "督查督办"
    TASK = "task", "交办任务"
    DUE_SOON = "due_soon", "时限临期"


class StaffNotice(models.Model):
    """One notice for one person. ``key`` makes creating it idempotent (the engine may run twice)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=500, blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    matter_number = models.CharField("事项编号", max_length=32, blank=True)
    key = models.CharField("去重键", max_length=120)
    created_at = models.DateTimeField("时间", db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "工作提醒"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notice_unique_key")]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.title}"


class DigestChoice(models.TextChoices):
    NONE = "none", "不发送"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class NoticePreference(models.Model):
    """A person's choice of a daily digest of unread notices (through the existing SMS/e-mail senders)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference")
    digest = models.CharField("每日摘要", max_length=10, choices=DigestChoice.choices, default=DigestChoice.NONE)
    last_digest_at = models.DateTimeField("上次发送", null=True, blank=True)

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user_id} {self.digest}"
