"""Settings of the figures (alert thresholds, the 积案 rule), assessment schemes and reports.

Figures themselves are never stored: they are computed from matters, petitions, clocks and
events each time (``volume.py``, ``alerts.py``, ``measures.py``). What is stored is what people
decide: the thresholds, an assessment scheme and its manual scores, and a report's text while it
is a draft (once issued, the report *is* its immutable ``IssuedDocument``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.org.models import Unit


class FigureSettings(models.Model):
    """The thresholds of the early warnings and the 积案 rule (one row; the newest counts)."""

    spike_window_days = models.PositiveIntegerField("突增：观察窗口（日）", default=7)
    spike_baseline_windows = models.PositiveIntegerField("突增：基线窗口数", default=8,
                                                         help_text="基线 = 观察窗口之前若干个同样长度窗口的平均数")
    spike_min_count = models.PositiveIntegerField("突增：最少件数", default=5)
    spike_ratio = models.DecimalField("突增：不低于基线的倍数", max_digits=5, decimal_places=2, default=2)
    spike_sigma = models.DecimalField("突增：超出基线的标准差倍数", max_digits=5, decimal_places=2, default=3)
    collective_window_days = models.PositiveIntegerField("集体访聚集：窗口（日）", default=7)
    collective_min_count = models.PositiveIntegerField("集体访聚集：同一乡镇最少批次", default=2)
    repeat_window_days = models.PositiveIntegerField("重复信访：窗口（日）", default=30)
    repeat_min_count = models.PositiveIntegerField("重复信访：同一事项最少件数", default=3)
    skip_window_days = models.PositiveIntegerField("越级上升：观察窗口（日）", default=30)
    skip_baseline_days = models.PositiveIntegerField("越级上升：基线期间（日）", default=90)
    skip_min_count = models.PositiveIntegerField("越级上升：最少件数", default=5)
    skip_rise_points = models.DecimalField("越级上升：占比上升百分点", max_digits=5, decimal_places=2, default=10)
    backlog_days = models.PositiveIntegerField("积案：未办结超过（日）", default=180)
    note = models.CharField("变更说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "研判预警设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"研判预警设置 {self.pk}"


def current_settings() -> FigureSettings:
    return FigureSettings.objects.order_by("-pk").first() or FigureSettings()


class SchemeState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class AssessmentScheme(models.Model):
    """目标管理考核方案 of one year (条例 §39): indicators with weights summing to 100."""

    year = models.PositiveIntegerField("考核年度", db_index=True)
    name = models.CharField("方案名称", max_length=200)
    state = models.CharField("状态", max_length=12, choices=SchemeState.choices, default=SchemeState.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notice_document = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="考核结果通报")

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def is_published(self) -> bool:
        return self.state == SchemeState.PUBLISHED


class Rule(models.TextChoices):
    RATE = "rate", "按比率得分（权重×比率）"
    INVERSE_RATE = "inverse_rate", "按比率扣分（权重×(1−比率)）"
    DEDUCT = "deduct", "按件扣分（每件扣若干分，扣完为止）"
    MANUAL = "manual", "人工评分（附依据）"


class Indicator(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField("指标代码", max_length=40)
    label = models.CharField("指标名称", max_length=100)
    weight = models.DecimalField("权重（分）", max_digits=6, decimal_places=2)
    measure = models.CharField("计算口径", max_length=40)
    rule = models.CharField("评分规则", max_length=16, choices=Rule.choices)
    per_item = models.DecimalField("每件扣分", max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="indicator_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class ManualScore(models.Model):
    """A manual item's points for one unit, with its evidence and who entered it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_scores")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)
    evidence = models.TextField("评分依据")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="manualscore_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.unit_id}={self.points}"


class ReportKind(models.TextChoices):
    ANNUAL = "annual", "年度信访工作报告"
    MONTHLY = "monthly", "信访形势通报（月度/季度）"
    BRIEFING = "briefing", "信访工作简报"


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


class Report(models.Model):
    """A report while it is a draft (editable text over computed figures); issued → its document."""

    kind = models.CharField("报告类型", max_length=12, choices=ReportKind.choices)
    period_from = models.DateField("期间起")
    period_to = models.DateField("期间止")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文（每行一段；[[表1]] 等标记处插入表格和图表）")
    figures = models.JSONField("数据快照", default=dict)
    state = models.CharField("状态", max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    prepared_by_engine = models.BooleanField("由时限引擎生成", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    document = models.OneToOneField("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "报告"
        verbose_name_plural = verbose_name
        ordering = ["-period_to", "-id"]
        constraints = [
            # the engine prepares one monthly draft per month, however often it runs
            models.UniqueConstraint(fields=["kind", "period_from"], condition=Q(prepared_by_engine=True),
                                    name="report_one_engine_draft"),
        ]
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.state == ReportState.DRAFT
