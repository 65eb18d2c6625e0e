"""Petitioners, petitions, matters, their append-only events and their deadlines (domain §2).

``Matter.status`` and the cached deadline fields are written only by the action services in
``xinfang.matters.services`` (a test enforces it); everything here is data and single-row rules.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.core.clock import StampField
from xinfang.core.inserts import CompiledInsert
from xinfang.core.models import ChainedRow
from xinfang.org.models import Category, Region, Unit
from xinfang.workdays.rules import AUTHORITY_CLOCKS, ClockKind

from .choices import (
    PURPOSE_CLASS,
    Channel,
    CloseReason,
    Gender,
    HandlingClass,
    IdType,
    Purpose,
    State,
)


class Petitioner(CompiledInsert):
    """信访人. One person may appear on many petitions; found again by ID number."""

    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True)
    id_type = models.CharField("证件类型", max_length=8, choices=IdType.choices, default=IdType.RIC)
    id_number = models.CharField("证件号码", max_length=32, blank=True, db_index=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, db_index=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT)
    workplace = models.CharField("工作单位", max_length=100, blank=True)
    created_at = StampField(auto_now_add=True)

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_number"], condition=~Q(id_number=""), name="petitioner_unique_id"),
        ]
        indexes = [models.Index(fields=["name", "address"])]

    def __str__(self) -> str:
        return self.name


class Matter(CompiledInsert):
    """信访事项: the substance being handled, with the statutory lifecycle and clocks."""

    number = models.CharField("事项编号", max_length=32, unique=True)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    status = models.CharField("状态", max_length=24, choices=State.choices, default=State.REGISTERED, db_index=True)
    close_reason = models.CharField("办结方式", max_length=20, choices=CloseReason.choices, blank=True)
    previous_status = models.CharField("退回前状态", max_length=24, choices=State.choices, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    registering_unit = models.ForeignKey(Unit, verbose_name="登记单位", on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handling_unit = models.ForeignKey(Unit, verbose_name="主办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="handled_matters")
    review_body = models.ForeignKey(Unit, verbose_name="复查机关", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recheck_body = models.ForeignKey(Unit, verbose_name="复核机关", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    received_at = models.DateTimeField("收到时间", db_index=True)
    channel = models.CharField("信访形式", max_length=20, choices=Channel.choices, db_index=True)
    purpose = models.CharField("信访目的", max_length=20, choices=Purpose.choices)
    handling_class = models.CharField("处理类别", max_length=20, choices=HandlingClass.choices)
    category = models.ForeignKey(Category, verbose_name="内容分类", on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name="问题属地", on_delete=models.PROTECT)
    region_detail = models.CharField("属地详址", max_length=200, blank=True)
    title = models.CharField("标题", max_length=200)
    content = models.TextField("诉求及概况")
    accused_unit = models.ForeignKey(Unit, verbose_name="被反映单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accused_party = models.CharField("被反映人或单位", max_length=200, blank=True)

    headcount = models.PositiveIntegerField("信访人数", default=1)
    involved_count = models.PositiveIntegerField("涉及人数", default=1)

    is_collective = models.BooleanField("集体访/联名信", default=False)
    is_repeat = models.BooleanField("重复信访", default=False)
    is_skip_level = models.BooleanField("越级", default=False)
    is_law_related = models.BooleanField("涉法涉诉", default=False)
    is_confidential = models.BooleanField("检举控告保密", default=False)
    is_anonymous = models.BooleanField("匿名", default=False)
    is_major = models.BooleanField("重大紧急", default=False)
    is_backlog = models.BooleanField("积案", default=False)
    is_cross = models.BooleanField("三跨三分离", default=False)
    is_public = models.BooleanField("公开", default=True)

    upstream_number = models.CharField("上级交办编号", max_length=60, blank=True)
    upstream_unit = models.ForeignKey(Unit, verbose_name="上级交转单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    upstream_due = models.DateField("上级要求办结日期", null=True, blank=True)

    return_locked = models.BooleanField("不得再次退回", default=False)
    return_count = models.PositiveIntegerField("退回次数", default=0)
    extension_days = models.PositiveIntegerField("申请延期天数", default=0)
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    extension_approved = models.BooleanField("延期已批准", default=False)
    hearing_started_on = models.DateField("听证开始日", null=True, blank=True)
    reply_outcome = models.CharField("答复结果", max_length=20, blank=True)
    delivered = models.BooleanField("当前意见已送达", default=False)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)

    next_due = models.DateField("最近期限", null=True, blank=True, db_index=True)
    next_due_kind = models.CharField("最近期限类型", max_length=20, blank=True)
    petition_count = models.PositiveIntegerField("信访件数", default=1)
    petitioner_names = models.CharField("信访人（列表显示）", max_length=200, blank=True)
    search_text = models.TextField("检索文本", blank=True)
    event_count = models.PositiveIntegerField("事件数", default=0)
    last_event_at = models.DateTimeField("最后办理时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    created_at = StampField(auto_now_add=True)
    updated_at = StampField(auto_now=True)

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = verbose_name
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="matter_unique_year_seq"),
            models.CheckConstraint(condition=Q(extension_days__lte=30), name="matter_extension_le_30"),
            models.CheckConstraint(
                condition=Q(status=State.CLOSED, close_reason__gt="") | (~Q(status=State.CLOSED) & Q(close_reason="")),
                name="matter_close_reason_iff_closed",
            ),
        ]
        indexes = [
            # lists are newest-first: filter + order served by one index (docs/benchmarks.md)
            models.Index(fields=["status", "-received_at"], name="matter_status_received"),
            models.Index(fields=["handling_unit", "-received_at"], name="matter_unit_received"),
            models.Index(fields=["handling_unit", "status"]),
            models.Index(fields=["status", "next_due"]),
            # The overdue filter's first step (overdue.overdue_q): the matters whose nearest clock is
            # past, read with their ids from the index alone (issue 14).
            models.Index(fields=["next_due", "id"], name="matter_next_due_id"),
            models.Index(fields=["category", "received_at"]),
            models.Index(fields=["region", "received_at"]),
            models.Index(fields=["channel", "received_at"]),
            models.Index(fields=["purpose", "received_at"]),
            # 积案 on a past day: still open then (closed_at NULL or later) — xinfang.figures.backlog
            models.Index(fields=["closed_at"], name="matter_closed_at"),
            # §30: the accusations against a unit, counted apart from its list (access.count_visible_to_unit);
            # the plain accused_unit index is NULL for almost every matter, so planners never use it
            models.Index(fields=["accused_unit"], condition=models.Q(handling_class="accusation"),
                         name="matter_accusation_accused"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status != State.CLOSED

    @property
    def is_evaluable(self) -> bool:
        """§21 practice: not for 检举控告, 涉法涉诉, non-public or confidential, or anonymous matters."""
        return not (
            self.handling_class == HandlingClass.ACCUSATION
            or self.is_law_related
            or not self.is_public
            or self.is_confidential
            or self.is_anonymous
        )

    def set_handling_class(self) -> None:
        self.handling_class = PURPOSE_CLASS[Purpose(self.purpose)]


class MatterUnit(CompiledInsert):
    """Which units are or were involved in a matter: the basis of unit-level visibility."""

    class Role(models.TextChoices):
        REGISTERED = "registered", "登记"
        LEAD = "lead", "主办"
        CO = "co", "协办"
        REVIEW = "review", "复查"
        RECHECK = "recheck", "复核"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="matter_links")
    role = models.CharField(max_length=12, choices=Role.choices)
    active = models.BooleanField(default=True)
    since = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "unit", "role"], name="matterunit_unique")]
        indexes = [models.Index(fields=["unit", "matter"])]

    def __str__(self) -> str:
        return f"{self.matter_id}:{self.unit_id}:{self.role}"


class UnitMatter(models.Model):
    """The visibility key (issue 14): one row per (unit, matter) that any ``MatterUnit`` links, with
    the matter's ``received_at`` copied, so that a unit's list is read newest first from one index
    and counted from it instead of testing every matter. Derived data, written only by database
    triggers (migration 0010: on ``MatterUnit`` insert/update/delete and on a changed
    ``received_at``; 0014: ``is_open`` follows the matter's status; 0016: ``next_due``), so every writer — services, bulk loaders, the demo — keeps it in step.
    ``visible_to_unit(..., from_links=True)`` reads it; a property test compares it with the
    ``EXISTS`` definition."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="unit_keys")
    received_at = models.DateTimeField()
    is_open = models.BooleanField(default=True)  # the matter is not closed (migration 0014's trigger)
    next_due = models.DateField(null=True, blank=True)  # the matter's next_due (migration 0016's trigger)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "matter"], name="unitmatter_unique")]
        indexes = [models.Index(fields=["unit", "-received_at", "-matter"], name="unitmatter_newest"),
                   models.Index(fields=["unit", "is_open", "-received_at", "-matter"], name="unitmatter_open_newest"),
                   models.Index(fields=["unit", "next_due", "-matter"], name="unitmatter_due")]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.matter_id}"


class Petition(CompiledInsert):
    """信访件: one received letter, visit, call or online submission."""

    number = models.CharField("信访件编号", max_length=32, unique=True)
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="petitions")
    query_code = models.CharField("查询码", max_length=16, unique=True)
    channel = models.CharField("信访形式", max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField("收到时间")
    registered_at = StampField("登记时间", auto_now_add=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    registering_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    is_repeat = models.BooleanField("重复件", default=False)
    content = models.TextField("来信来访内容", blank=True)
    headcount = models.PositiveIntegerField("人数", default=1)
    visitors_count = models.PositiveIntegerField("实际来访人数", default=0)
    upstream_number = models.CharField("上级编号", max_length=60, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)  # core.idempotency.request_fingerprint
    persons = models.ManyToManyField(Petitioner, through="PetitionPerson", related_name="petitions")

    class Meta:
        verbose_name = "信访件"
        verbose_name_plural = verbose_name
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registered_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="petition_idempotency"
            ),
        ]
        # volume figures and alerts select petitions by the day they were received (xinfang.figures)
        indexes = [models.Index(fields=["received_at"], name="petition_received")]

    def __str__(self) -> str:
        return self.number


class PetitionPerson(CompiledInsert):
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="person_links")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="petition_links")
    is_representative = models.BooleanField("代表", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "petitioner"], name="petitionperson_unique")]

    def __str__(self) -> str:
        return f"{self.petition_id}:{self.petitioner_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.matter.year}/{instance.matter.number}/{instance.sha256[:16]}"


class Attachment(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="attachments")
    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = StampField(auto_now_add=True)
    # issue 15 §6: the act that carried the file (none: registration), and whether the petitioner sees it
    event = models.ForeignKey("Event", verbose_name="办理环节", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="attachments")
    via = models.CharField("途径", max_length=12, default="staff")
    public = models.BooleanField("对信访人可见", default=False)
    public_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public_set_at = models.DateTimeField("可见性设置时间", null=True, blank=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = verbose_name
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Event(ChainedRow):
    """An act on a matter. Append-only: never updated, never deleted; chained by hash
    (xinfang/core/audit_chain.py), sealed right after its act commits (issue 14)."""

    CHAIN = "event"
    SEAL_AFTER_COMMIT = True

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("动作", max_length=32, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    via = models.CharField("途径", max_length=12, default="staff")
    occurred_at = models.DateTimeField("发生时间")
    recorded_at = models.DateTimeField("录入时间")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    params = models.JSONField(default=dict, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = verbose_name
        ordering = ["matter", "seq"]
        constraints = [models.UniqueConstraint(fields=["matter", "seq"], name="event_unique_seq")]
        indexes = [models.Index(fields=["action", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.matter_id}#{self.seq} {self.action}"


class Deadline(CompiledInsert):
    """One running (or finished) statutory clock with its explanation."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField("类型", max_length=20, choices=[(k.value, k.value) for k in ClockKind])
    target = models.CharField("对象", max_length=12, blank=True)  # evaluate: bureau/unit
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines")
    start = models.DateField("起算日")
    period = models.PositiveIntegerField("期间")
    period_unit = models.CharField(max_length=10, default="days")
    extension_days = models.PositiveIntegerField(default=0)
    excluded_days = models.PositiveIntegerField(default=0)
    due = models.DateField("期满日", db_index=True)
    met_at = models.DateTimeField("完成时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("终止时间", null=True, blank=True)
    explanation = models.TextField("计算说明")
    provisional = models.BooleanField("暂定", default=False)
    rule_version = models.PositiveIntegerField("规则版本")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    warned_on = models.DateField("临期提醒日", null=True, blank=True)
    overdue_marked_on = models.DateField("超期标记日", null=True, blank=True)
    lapsed_on = models.DateField("窗口届满处理日", null=True, blank=True)
    created_at = StampField(auto_now_add=True)

    class Meta:
        verbose_name = "时限"
        verbose_name_plural = verbose_name
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "kind", "target"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="deadline_one_running_per_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "due"]),
            models.Index(fields=["unit", "kind", "due"]),
            # "Which running clocks are past due?" (engine, supervision): 97 % of rows are met or
            # cancelled, so the plain (kind, due) index made that read the whole table.
            models.Index(fields=["kind", "due"], condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                         name="deadline_running_kind_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def binds_authority(self) -> bool:
        return ClockKind(self.kind) in AUTHORITY_CLOCKS

    def is_overdue(self, today: dt.date) -> bool:
        """Overdue only for authorities: met late, or still running past the due day."""
        if not self.binds_authority or self.cancelled_at is not None:
            return False
        if self.met_at is not None:
            from django.utils import timezone

            return timezone.localtime(self.met_at).date() > self.due
        return today > self.due

    def is_lapsed(self, today: dt.date) -> bool:
        """A petitioner's window that ended unused."""
        return (not self.binds_authority) and self.is_running and today > self.due


class Counter(models.Model):
    """Gap-free sequences (matter numbers per year, document numbers per unit and year)."""

    key = models.CharField(max_length=80)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.key}/{self.year}={self.value}"


class IdempotencyRecord(models.Model):
    """A retried request with the same Idempotency-Key returns the first response."""

    key = models.CharField(max_length=80)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    scope = models.CharField(max_length=80)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    request_hash = models.CharField(max_length=64, blank=True)  # core.idempotency.request_fingerprint
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
