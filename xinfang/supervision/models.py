"""Supervision (督查督办, domain §7): records, callbacks, recommendations, and the engine's own rows.

Records are written by ``services.py`` and by the daily engine (``engine.py``); every automatic
record carries a ``trigger_key`` (unique) so that a rerun, a catch-up or a second machine can
never create it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.core.clock import StampField
from xinfang.matters.models import Deadline, Event, Matter
from xinfang.org.models import Unit

from .choices import (
    ENGINE_COUNT_LABELS,
    ENGINE_STEP_LABELS,
    ENGINE_VIA_LABELS,
    Adoption,
    CallbackMethod,
    CallbackSource,
    CallbackState,
    Method,
    RecommendationKind,
    RecommendationState,
    RecordKind,
    RecordState,
    Trigger,
)


class SupervisionPolicy(models.Model):
    """Practice settings of supervision (versioned like RuleSet: a change adds a row)."""

    version = models.PositiveIntegerField("版本", unique=True)
    response_workdays = models.PositiveIntegerField("督办答复期限（工作日）", default=5)
    bounce_threshold = models.PositiveIntegerField("多次退回督办阈值（次）", default=3)
    sample_percent = models.PositiveIntegerField("抽查比例（%）", default=5)
    callback_days = models.PositiveIntegerField("回访完成期限（日）", default=15)
    feedback_days = models.PositiveIntegerField("建议书反馈期限（日）", default=30)
    note = models.CharField("变更说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "督办设置"
        verbose_name_plural = verbose_name
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"督办设置 v{self.version}"


def current_policy() -> SupervisionPolicy:
    row = SupervisionPolicy.objects.order_by("-version").first()
    return row if row is not None else SupervisionPolicy(version=0)


class Recommendation(models.Model):
    """三项建议 (§40) and 奖励/处罚建议: the bureau's written recommendation and the recipient's feedback."""

    doc_number = models.CharField("文号", max_length=60, blank=True)
    kind = models.CharField("建议类别", max_length=20, choices=RecommendationKind.choices)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("建议内容")
    subject = models.CharField("涉及人员或单位（奖惩建议）", max_length=200, blank=True)
    recipient_unit = models.ForeignKey(Unit, verbose_name="收文单位", on_delete=models.PROTECT, related_name="recommendations")
    matters = models.ManyToManyField(Matter, verbose_name="依据事项", blank=True, related_name="recommendations")
    issued_at = models.DateTimeField("发出时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发出人", on_delete=models.PROTECT, related_name="+")
    feedback_due = models.DateField("反馈期限")
    state = models.CharField("状态", max_length=12, choices=RecommendationState.choices, default=RecommendationState.SENT)
    feedback = models.TextField("书面反馈", blank=True)
    adoption = models.CharField("采纳情况", max_length=12, choices=Adoption.choices, blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    feedback_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "建议书"
        verbose_name_plural = verbose_name
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=RecommendationState.SENT, adoption="") | Q(state=RecommendationState.ANSWERED) & ~Q(adoption=""),
                name="recommendation_adoption_iff_answered",
            ),
        ]
        indexes = [models.Index(fields=["state", "feedback_due"])]

    def __str__(self) -> str:
        return self.title


class SupervisionRecord(models.Model):
    """One supervision act (提醒, 催办, 督办单, 挂牌督办, 约谈, 通报) addressed to one unit."""

    number = models.CharField("督办编号", max_length=32, unique=True)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    kind = models.CharField("类型", max_length=12, choices=RecordKind.choices)
    method = models.CharField("督办方式", max_length=12, choices=Method.choices, default=Method.ONLINE)
    trigger = models.CharField("发起原因", max_length=20, choices=Trigger.choices, default=Trigger.MANUAL)
    trigger_key = models.CharField("自动触发键", max_length=80, null=True, blank=True, unique=True)
    state = models.CharField("状态", max_length=12, choices=RecordState.choices, default=RecordState.OPEN, db_index=True)
    target_unit = models.ForeignKey(Unit, verbose_name="督办对象", on_delete=models.PROTECT, related_name="supervision_records")
    matters = models.ManyToManyField(Matter, verbose_name="督办事项", blank=True, related_name="supervision_records")
    deadline = models.ForeignKey(Deadline, verbose_name="所涉时限", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recommendation = models.ForeignKey(Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="supervision_records")
    escalated_from = models.OneToOneField("self", verbose_name="由此升级", null=True, blank=True, on_delete=models.PROTECT, related_name="escalated_to")
    title = models.CharField("标题", max_length=200)
    content = models.TextField("督办要求", blank=True)
    period_from = models.DateField("通报期间起", null=True, blank=True)
    period_to = models.DateField("通报期间止", null=True, blank=True)
    issued_at = models.DateTimeField("发出时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发出人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    response_due = models.DateField("答复期限", null=True, blank=True)
    response = models.TextField("书面答复", blank=True)
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("销号/升级时间", null=True, blank=True)
    close_note = models.CharField("销号说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = verbose_name
        ordering = ["-issued_at", "-id"]
        constraints = [
            # The engine's first line of defence against duplicates: one record of a kind per clock.
            models.UniqueConstraint(fields=["deadline", "kind"], condition=Q(deadline__isnull=False), name="supervision_one_per_deadline_kind"),
            models.CheckConstraint(
                condition=~Q(state=RecordState.RESPONDED) | Q(responded_at__isnull=False),
                name="supervision_responded_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["target_unit", "state"]),
            models.Index(fields=["state", "response_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state == RecordState.OPEN


class SamplingPlan(models.Model):
    """抽查: N% of the matters each unit closed in one month, called back by independent staff."""

    year = models.PositiveIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    percent = models.PositiveIntegerField("抽查比例（%）")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.JSONField("抽样结果", default=dict, blank=True)

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="samplingplan_one_per_month"),
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="samplingplan_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月抽查"


class CallbackTask(models.Model):
    """回访/抽查 task: staff independent of the handling unit call or visit the petitioner."""

    matter = models.ForeignKey(Matter, verbose_name="信访事项", on_delete=models.PROTECT, related_name="callback_tasks")
    source = models.CharField("来源", max_length=16, choices=CallbackSource.choices)
    event = models.OneToOneField(Event, verbose_name="不满意评价", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SamplingPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    handled_by_unit = models.ForeignKey(Unit, verbose_name="办理单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回访人", null=True, blank=True, on_delete=models.PROTECT, related_name="callback_tasks")
    due = models.DateField("回访期限")
    created_at = StampField(auto_now_add=True)
    state = models.CharField("状态", max_length=8, choices=CallbackState.choices, default=CallbackState.TODO, db_index=True)
    method = models.CharField("回访方式", max_length=8, choices=CallbackMethod.choices, blank=True)
    reached = models.BooleanField("是否联系上", null=True, blank=True)
    satisfied = models.BooleanField("信访人是否满意", null=True, blank=True)
    problem_found = models.BooleanField("是否发现问题", null=True, blank=True)
    notes = models.TextField("回访记录", blank=True)
    done_at = models.DateTimeField("回访时间", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    follow_up = models.OneToOneField(SupervisionRecord, verbose_name="后续督办", null=True, blank=True, on_delete=models.PROTECT, related_name="callback")

    class Meta:
        verbose_name = "回访任务"
        verbose_name_plural = verbose_name
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "matter"], condition=Q(plan__isnull=False), name="callback_once_per_plan"),
        ]

    def __str__(self) -> str:
        return f"回访 {self.matter_id}"


class EngineLock(models.Model):
    """A lease held by the machine running the engine (works on SQLite and PostgreSQL alike)."""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=120, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "引擎锁"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.name} {self.holder or '空闲'}"


class EngineRun(models.Model):
    """One run of the daily deadline engine: the day it ran for, progress and counts."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        FINISHED = "finished", "完成"
        FAILED = "failed", "失败"

    day = models.DateField("业务日期", db_index=True)
    host = models.CharField("运行主机", max_length=120, blank=True)
    via = models.CharField("方式", max_length=12, default="command")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    step = models.CharField("当前步骤", max_length=40, blank=True)
    counts = models.JSONField("处理数量", default=dict, blank=True)
    event_watermark = models.BigIntegerField("已检查的最大办理记录 id", default=0)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "时限引擎运行记录"
        verbose_name_plural = verbose_name
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.day} {self.status}"

    def count_items(self) -> list[tuple[str, int]]:
        return [(ENGINE_COUNT_LABELS.get(k, k), v) for k, v in (self.counts or {}).items()]

    @property
    def step_label(self) -> str:
        return ENGINE_STEP_LABELS.get(self.step, self.step)

    @property
    def via_label(self) -> str:
        return ENGINE_VIA_LABELS.get(self.via, self.via)
