"""Portal records: leader reception days, petitioners' reminder requests, and submission receipts.

Matter events are written only by the core services; what the petitioner does here that is not
a workflow act (a 催办 reminder, the consent given with a submission) is kept in these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReceptionDay(models.Model):
    """领导接访日: the published schedule maintained by the bureau (domain §9)."""

    leader_name = models.CharField("接访领导", max_length=40)
    leader_title = models.CharField("职务", max_length=80)
    date = models.DateField("接访日期", db_index=True)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("接访地点", max_length=120)
    topic = models.CharField("接访内容/范围", max_length=200, blank=True)
    note = models.CharField("备注（如预约方式）", max_length=200, blank=True)
    published = models.BooleanField("在门户公布", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "领导接访日"
        verbose_name_plural = verbose_name
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True) | models.Q(start_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="receptionday_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.leader_title}{self.leader_name}"


class PetitionerReminder(models.Model):
    """催办: the petitioner asks the bureau to press an authority whose time limit has passed."""

    matter = models.ForeignKey("matters.Matter", verbose_name="信访事项", on_delete=models.PROTECT, related_name="portal_reminders")
    petition = models.ForeignKey("matters.Petition", verbose_name="信访件", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("催办内容")
    deadline_kind = models.CharField("超期时限", max_length=20, blank=True)
    deadline_due = models.DateField("应办结日期", null=True, blank=True)
    overdue_unit = models.ForeignKey("org.Unit", verbose_name="超期单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    handled = models.BooleanField("已处理", default=False, db_index=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handling_note = models.CharField("处理情况", max_length=500, blank=True)

    class Meta:
        verbose_name = "信访人催办"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["handled", "created_at"])]

    def __str__(self) -> str:
        return f"{self.matter_id} 催办 {self.created_at:%Y-%m-%d}"

    @property
    def message(self) -> str:
        """The petitioner's text (the names the supervision list template reads)."""
        return self.text

    content = message


class PortalSubmission(models.Model):
    """One submitted portal form: the single-use form token and the consent given with it."""

    class Kind(models.TextChoices):
        PETITION = "petition", "网上信访"
        SUGGESTION = "suggestion", "人民建议"

    token = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    matter = models.ForeignKey("matters.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    petition = models.ForeignKey("matters.Petition", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    consent_version = models.CharField("告知书版本", max_length=20)
    consented_at = models.DateTimeField("同意时间")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "门户提交记录"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
