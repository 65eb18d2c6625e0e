"""The leaders' side (domain §9): receptions, 包案 cases, campaigns, hearings, meetings and tasks.

Rows are written only by ``services/``; what happens to a matter (a reception, a 包案, a hearing
opened or closed) is also an event on the matter, written through the core's action services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.matters.models import Event, Matter
from xinfang.org.models import Unit

from .choices import (
    BookingStatus,
    CaseOutcome,
    CaseStatus,
    ExecutionBasis,
    HearingStatus,
    MeetingKind,
    SessionKind,
    TaskSource,
    TaskStatus,
)

USER = settings.AUTH_USER_MODEL


class LeadersPolicy(models.Model):
    """Settings of the leaders' side (versioned: a change adds a row; defaults when none)."""

    version = models.PositiveIntegerField("版本", unique=True)
    party_secretary = models.ForeignKey(USER, verbose_name="县委书记（须每月接访）", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    county_head = models.ForeignKey(USER, verbose_name="县长（须每月接访）", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    backlog_open_days = models.PositiveIntegerField("积案：办理超过（日）", default=180)
    backlog_repeat_count = models.PositiveIntegerField("积案：重复信访超过（次）", default=3)
    execution_days = models.PositiveIntegerField("决定落实期限（日）", default=30)
    task_due_soon_days = models.PositiveIntegerField("任务到期前提醒（日）", default=3)
    note = models.CharField("变更说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "领导接访与积案设置"
        verbose_name_plural = verbose_name
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"设置 v{self.version}"


def current_policy() -> LeadersPolicy:
    row = LeadersPolicy.objects.select_related("party_secretary", "county_head").order_by("-version").first()
    return row if row is not None else LeadersPolicy(version=0)


class ReceptionSession(models.Model):
    """One reception by a leader: 接访日 (published, bookable), 约访 or 下访."""

    kind = models.CharField("类型", max_length=16, choices=SessionKind.choices)
    leader = models.ForeignKey(USER, verbose_name="接访领导", on_delete=models.PROTECT, related_name="reception_sessions")
    date = models.DateField("日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=120)
    topic = models.CharField("主题/范围", max_length=200, blank=True)
    capacity = models.PositiveIntegerField("可预约人数", null=True, blank=True)
    published = models.BooleanField("在门户公布", default=False)
    town = models.ForeignKey(Unit, verbose_name="下访乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "领导接访"
        verbose_name_plural = verbose_name
        ordering = ["date", "start_time", "id"]
        indexes = [
            models.Index(fields=["published", "kind", "date"]),
            models.Index(fields=["leader", "date"]),
            models.Index(fields=["date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__isnull=True) | Q(end_time__gt=models.F("start_time")),
                                   name="receptionsession_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def starts_at(self) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))


class Booking(models.Model):
    """预约: a petitioner books a place at a published reception day (no account)."""

    session = models.ForeignKey(ReceptionSession, verbose_name="接访", on_delete=models.PROTECT, related_name="bookings")
    booking_code = models.CharField("预约码", max_length=16, unique=True)
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号码", max_length=20)
    summary = models.TextField("反映问题")
    matter = models.ForeignKey(Matter, verbose_name="已有信访事项", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    note = models.CharField("备注", max_length=200, blank=True)
    rescheduled_from = models.ForeignKey(ReceptionSession, verbose_name="原接访", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    # the latest SMS to the petitioner about this booking: a row of the notifications outbox (sent, retried there)
    sms = models.ForeignKey("notifications.Notification", verbose_name="短信", null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接访预约"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]
        constraints = [
            # the same phone books a session once (a second POST finds the first booking)
            models.UniqueConstraint(fields=["session", "phone"], condition=~Q(status=BookingStatus.CANCELLED),
                                    name="booking_once_per_phone"),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return self.booking_code


class ReceptionRecord(models.Model):
    """What happened when the leader received someone: summary, 批示, tasks."""

    session = models.ForeignKey(ReceptionSession, verbose_name="接访", on_delete=models.PROTECT, related_name="records")
    booking = models.OneToOneField(Booking, verbose_name="预约", null=True, blank=True, on_delete=models.PROTECT, related_name="record")
    matter = models.ForeignKey(Matter, verbose_name="信访事项", null=True, blank=True, on_delete=models.PROTECT, related_name="reception_records")
    visitor = models.CharField("来访人", max_length=80, blank=True)
    summary = models.TextField("接访情况")
    instructions = models.TextField("领导批示", blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "接访记录"
        verbose_name_plural = verbose_name
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["session", "recorded_at"])]

    def __str__(self) -> str:
        return f"接访记录 {self.pk}"


class Campaign(models.Model):
    """积案化解专项行动: matters grouped with a period and owners."""

    name = models.CharField("名称", max_length=120)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    description = models.TextField("工作要求", blank=True)
    owners = models.ManyToManyField(USER, verbose_name="责任领导", blank=True, related_name="campaigns")
    matters = models.ManyToManyField(Matter, verbose_name="纳入事项", blank=True, related_name="campaigns")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = verbose_name
        ordering = ["-start", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="campaign_end_after_start")]

    def __str__(self) -> str:
        return self.name


class LeaderCase(models.Model):
    """包案: a leader owns a hard matter until it is resolved."""

    matter = models.ForeignKey(Matter, verbose_name="信访事项", on_delete=models.PROTECT, related_name="leader_cases")
    leader = models.ForeignKey(USER, verbose_name="包案领导", on_delete=models.PROTECT, related_name="leader_cases")
    plan = models.TextField("化解方案")
    target_date = models.DateField("化解目标日期")
    status = models.CharField("状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    outcome = models.CharField("化解结果", max_length=12, choices=CaseOutcome.choices, blank=True)
    resolution_note = models.TextField("办结说明", blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("包案时间")
    overdue_marked_on = models.DateField("超期督办日", null=True, blank=True)

    class Meta:
        verbose_name = "领导包案"
        verbose_name_plural = verbose_name
        ordering = ["target_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matter"], condition=Q(status=CaseStatus.OPEN), name="leadercase_one_open_per_matter"),
            models.CheckConstraint(condition=Q(status=CaseStatus.OPEN, outcome="") | Q(status=CaseStatus.RESOLVED) & ~Q(outcome=""),
                                   name="leadercase_outcome_iff_resolved"),
        ]
        indexes = [models.Index(fields=["status", "target_date"]), models.Index(fields=["leader", "status"])]

    def __str__(self) -> str:
        return f"包案 {self.matter_id}"

    def resolve(self, *, outcome: str, note: str, at) -> None:
        """Set the resolution (``services.cases.case_resolve`` checks and saves)."""
        self.status = CaseStatus.RESOLVED
        self.outcome = outcome
        self.resolution_note = note
        self.resolved_at = at


class CaseProgress(models.Model):
    case = models.ForeignKey(LeaderCase, on_delete=models.PROTECT, related_name="progress")
    text = models.TextField("进展情况")
    occurred_at = models.DateTimeField("时间")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "包案进展"
        verbose_name_plural = verbose_name
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Hearing(models.Model):
    """听证 (§31(6), §36) as a record; opening and closing drive the matter's start/end_hearing."""

    matter = models.ForeignKey(Matter, verbose_name="信访事项", on_delete=models.PROTECT, related_name="hearings")
    unit = models.ForeignKey(Unit, verbose_name="组织听证的机关", on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField("听证时间")
    place = models.CharField("地点", max_length=120)
    host = models.CharField("主持人", max_length=60)
    panel = models.JSONField("听证员", default=list)
    participants = models.TextField("参加人", blank=True)
    public = models.BooleanField("公开听证", default=False)
    status = models.CharField("状态", max_length=10, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED)
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    minutes = models.TextField("听证笔录", blank=True)
    conclusion = models.TextField("听证结论", blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    notice = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "听证"
        verbose_name_plural = verbose_name
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_at"]), models.Index(fields=["public", "status"])]

    def __str__(self) -> str:
        return f"听证 {self.matter_id}"


class Meeting(models.Model):
    """联席会议, 领导专题会议, 专项行动调度会."""

    kind = models.CharField("类型", max_length=20, choices=MeetingKind.choices)
    date = models.DateField("日期")
    title = models.CharField("会议名称", max_length=200)
    place = models.CharField("地点", max_length=120, blank=True)
    chair = models.CharField("主持人", max_length=60, blank=True)
    units = models.ManyToManyField(Unit, verbose_name="参会单位", blank=True, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField("议定事项")
    matters = models.ManyToManyField(Matter, blank=True, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会议议定事项"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Task(models.Model):
    """A task given to a unit: by a meeting decision, a reception's 批示, a 包案, or a decision to carry out (落实)."""

    source = models.CharField("来源", max_length=12, choices=TaskSource.choices)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    record = models.ForeignKey(ReceptionRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    case = models.ForeignKey(LeaderCase, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    hearing = models.ForeignKey(Hearing, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="leader_tasks")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField("落实依据", max_length=16, choices=ExecutionBasis.choices, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="leader_tasks")
    text = models.TextField("任务内容")
    due = models.DateField("完成期限")
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("下达时间")
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    completed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    warned_on = models.DateField("临期提醒日", null=True, blank=True)
    overdue_marked_on = models.DateField("超期督办日", null=True, blank=True)

    class Meta:
        verbose_name = "交办任务"
        verbose_name_plural = verbose_name
        ordering = ["due", "id"]
        constraints = [
            # one execution task per act (a re-run hook never creates two)
            models.UniqueConstraint(fields=["event"], condition=Q(event__isnull=False), name="task_one_per_event"),
            models.UniqueConstraint(fields=["hearing"], condition=Q(source=TaskSource.EXECUTION, hearing__isnull=False),
                                    name="task_one_execution_per_hearing"),
            models.CheckConstraint(condition=Q(status=TaskStatus.DONE, completed_at__isnull=False) | ~Q(status=TaskStatus.DONE),
                                   name="task_done_has_time"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "due"]),
            models.Index(fields=["status", "due"]),
            models.Index(fields=["source", "status"]),
        ]

    def __str__(self) -> str:
        return self.text[:30]

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != TaskStatus.DONE and self.due < today


class TaskReport(models.Model):
    """The unit's progress report (and its request to close the task)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField("办理情况")
    done = models.BooleanField("申请办结", default=False)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        verbose_name = "任务办理报告"
        verbose_name_plural = verbose_name
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]
