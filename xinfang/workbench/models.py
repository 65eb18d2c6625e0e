"""Records the workbench itself owns: the administration change log and export jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ChangeLog(models.Model):
    """One change made on the administration pages (who, what, before → after).

    Written by the workbench admin services in the same transaction as the change itself, so a
    change without its log row cannot exist (no signals: writes outside the pages are not
    pretended to be logged here).
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField("对象类型", max_length=40)
    object_ref = models.CharField("对象", max_length=80)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "系统设置变更记录"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_ref"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_type} {self.object_ref}"


class ExportJob(models.Model):
    """An Excel export of a filtered list (matters, or a ledger), produced in the background with progress."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # "matters" (the matter list) or "<runner>:<what>" (settings.XINFANG_EXPORT_RUNNERS, e.g. "ledger:risks")
    kind = models.CharField("导出内容", max_length=40, default="matters")
    label = models.CharField("名称", max_length=100, blank=True)
    query = models.CharField("筛选条件", max_length=2000, blank=True)
    # the filter in words as its list names it ("主办单位：城关镇；状态：办理中"), written by the app that
    # starts the job (the workbench does not import the ledgers); the matter list's is worded from ``query``
    query_text = models.CharField("筛选条件（文字）", max_length=1000, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField("总行数", default=0)
    done_rows = models.PositiveIntegerField("已写行数", default=0)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name or self.id} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done_rows * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
