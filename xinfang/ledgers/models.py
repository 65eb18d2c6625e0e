"""The bureau's ledgers (台账, domain §9): suggestions' adoption, 人大建议/政协提案, risk screening,
the hardship fund, the legal library, publicity and training.

Rows are written by ``services/`` only (one transaction per act); money is ``Decimal`` (yuan,
two places), never float.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.matters.models import Matter
from xinfang.org.models import Category, Unit

from .choices import (
    Adoption,
    GrantStatus,
    LibraryKind,
    ProposalKind,
    ProposalState,
    Rating,
    Reward,
    RiskLevel,
    RiskState,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class LedgerPolicy(models.Model):
    """Practice settings of the ledgers (versioned like RuleSet: a change adds a row)."""

    version = models.PositiveIntegerField("版本", unique=True)
    proposal_months = models.PositiveIntegerField("建议提案办理期限（月）", default=3)
    proposal_urgent_days = models.PositiveIntegerField("紧急建议提案办理期限（日）", default=30)
    risk_report_day = models.PositiveIntegerField("隐患月报提醒日（每月几日后未报即提醒）", default=25)
    risk_reports_from = models.DateField("月报起始月份（此前不提醒；空 = 尚未启用）", null=True, blank=True)
    note = models.CharField("变更说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "台账设置"
        verbose_name_plural = verbose_name
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"台账设置 v{self.version}"


def current_policy() -> LedgerPolicy:
    row = LedgerPolicy.objects.order_by("-version").first()
    return row if row is not None else LedgerPolicy(version=0)


class SuggestionAdoption(models.Model):
    """人民建议征集 (§29): the adoption decision recorded after the reply; one per matter."""

    matter = models.OneToOneField(Matter, verbose_name="建议事项", on_delete=models.PROTECT, related_name="adoption")
    adoption = models.CharField("采纳情况", max_length=16, choices=Adoption.choices, db_index=True)
    adopting_body = models.CharField("采纳单位", max_length=120, blank=True)
    note = models.TextField("采纳说明", blank=True)
    decided_at = models.DateTimeField("决定时间", db_index=True)
    decided_by = models.ForeignKey(USER, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    reward = models.CharField("奖励", max_length=12, choices=Reward.choices, default=Reward.NONE, db_index=True)
    reward_note = models.CharField("奖励说明", max_length=300, blank=True)
    reward_amount = models.DecimalField("奖励金额（元）", null=True, blank=True, **MONEY)
    reward_decided_at = models.DateTimeField("奖励决定时间", null=True, blank=True)
    consent = models.BooleanField("建议人同意公开", default=False)
    show_name = models.BooleanField("公开署名", default=False)
    published = models.BooleanField("已在门户公开", default=False, db_index=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    public_title = models.CharField("公开标题", max_length=200, blank=True)
    public_text = models.TextField("公开内容", blank=True)

    class Meta:
        verbose_name = "建议采纳"
        verbose_name_plural = verbose_name
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(published=True) | Q(consent=True) & ~Q(adoption=Adoption.NOT_ADOPTED),
                                   name="adoption_published_needs_consent"),
            models.CheckConstraint(condition=Q(reward_amount__isnull=True) | Q(reward_amount__gte=0),
                                   name="adoption_reward_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_adoption_display()}"


class Proposal(models.Model):
    """人大代表建议 / 政协委员提案 handled by the bureau or a co-handling unit."""

    kind = models.CharField("类别", max_length=8, choices=ProposalKind.choices, db_index=True)
    number = models.CharField("建议/提案号", max_length=40)
    session = models.CharField("届次", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    proposer = models.CharField("代表/委员", max_length=120)
    received_on = models.DateField("交办日期", db_index=True)
    urgent = models.BooleanField("紧急", default=False)
    due = models.DateField("办理期限", db_index=True)
    unit = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="proposals")
    co_units = models.ManyToManyField(Unit, verbose_name="协办单位", blank=True, related_name="co_proposals")
    content = models.TextField("内容")
    state = models.CharField("状态", max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN)
    reply_text = models.TextField("答复内容", blank=True)
    reply_doc_number = models.CharField("答复文号", max_length=60, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # the 答复函 issued through the documents app (numbered, PDF/DOCX) and, optionally, the signed scan
    reply_document = models.ForeignKey("documents.IssuedDocument", verbose_name="答复函", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reply_file = models.FileField("答复函扫描件", upload_to="ledgers/proposals/%Y/", blank=True)
    reply_file_name = models.CharField(max_length=200, blank=True)
    reply_file_mime = models.CharField(max_length=100, blank=True)
    rating = models.CharField("代表/委员反馈", max_length=20, choices=Rating.choices, blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "建议提案"
        verbose_name_plural = verbose_name
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "session", "number"], name="proposal_unique_number"),
            models.CheckConstraint(condition=Q(state=ProposalState.OPEN) | Q(replied_at__isnull=False),
                                   name="proposal_replied_has_time"),
        ]
        indexes = [models.Index(fields=["state", "due"]), models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_overdue(self, today) -> bool:
        return self.state == ProposalState.OPEN and self.due < today


class Risk(models.Model):
    """苗头隐患排查化解台账: one hidden risk found by a town or department, until resolved."""

    unit = models.ForeignKey(Unit, verbose_name="排查单位", on_delete=models.PROTECT, related_name="risks")
    found_on = models.DateField("发现日期", db_index=True)
    summary = models.TextField("隐患概况")
    people_count = models.PositiveIntegerField("涉及人数")
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    responsible = models.CharField("包案责任人", max_length=60, blank=True)
    measures = models.TextField("化解措施", blank=True)
    state = models.CharField("状态", max_length=10, choices=RiskState.choices, default=RiskState.OPEN)
    resolved_on = models.DateField("化解日期", null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    imported = models.BooleanField("Excel导入", default=False)

    class Meta:
        verbose_name = "苗头隐患"
        verbose_name_plural = verbose_name
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state=RiskState.OPEN, resolved_on__isnull=True)
                                   | Q(state=RiskState.RESOLVED, resolved_on__isnull=False), name="risk_resolved_has_day"),
        ]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["level", "state"])]

    def __str__(self) -> str:
        return self.summary[:30]


class RiskMatter(models.Model):
    """A matter linked to a risk (the petitions the risk is about); linked through the access function."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="matter_links")
    matter = models.ForeignKey(Matter, verbose_name="信访事项", on_delete=models.PROTECT, related_name="risk_links")
    linked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        verbose_name = "隐患关联事项"
        verbose_name_plural = verbose_name
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["risk", "matter"], name="risk_matter_unique")]

    def __str__(self) -> str:
        return f"{self.risk_id} ↔ {self.matter_id}"


class RiskChange(models.Model):
    """The history of a risk after it was recorded: edits (field: [old, new]), matters linked or unlinked."""

    class Kind(models.TextChoices):
        EDIT = "edit", "修改"
        LINK = "link", "关联事项"
        UNLINK = "unlink", "取消关联"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    changes = models.JSONField("修改内容", default=dict, blank=True)
    matter_number = models.CharField("事项编号", max_length=40, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "隐患变更记录"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.risk_id} {self.get_kind_display()}"


class RiskReport(models.Model):
    """A unit's monthly screening report (月报); a nil report (零报告) when nothing was found."""

    unit = models.ForeignKey(Unit, verbose_name="报告单位", on_delete=models.PROTECT, related_name="risk_reports")
    month = models.DateField("月份（当月1日）")
    nil_report = models.BooleanField("零报告", default=False)
    risk_count = models.PositiveIntegerField("本月新排查隐患数", default=0)
    note = models.CharField("说明", max_length=500, blank=True)
    filed_at = models.DateTimeField("报送时间")
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "隐患排查月报"
        verbose_name_plural = verbose_name
        ordering = ["-month", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="risk_report_once_a_month")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"


class FundYear(models.Model):
    """The year's hardship fund: the row locked (SELECT … FOR UPDATE) by every approval of that year."""

    year = models.PositiveIntegerField("年度", unique=True)
    allocated = models.DecimalField("年度安排合计（元）", default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = "补助资金年度"
        verbose_name_plural = verbose_name
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(allocated__gte=0), name="fund_year_allocated_not_negative")]

    def __str__(self) -> str:
        return f"{self.year} 年度"


class FundAllocation(models.Model):
    """One allocation (拨付) into the year's fund."""

    fund_year = models.ForeignKey(FundYear, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField("金额（元）", **MONEY)
    source = models.CharField("资金来源", max_length=200)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "资金安排"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fund_allocation_positive")]

    def __str__(self) -> str:
        return f"{self.source} {self.amount} 元"


class FundGrant(models.Model):
    """特殊疑难信访问题补助: a grant request tied to a matter, approved by a bureau leader."""

    fund_year = models.ForeignKey(FundYear, on_delete=models.PROTECT, related_name="grants")
    matter = models.ForeignKey(Matter, verbose_name="所涉事项", on_delete=models.PROTECT, related_name="fund_grants")
    amount = models.DecimalField("申请金额（元）", **MONEY)
    reason = models.TextField("申请理由")
    status = models.CharField("状态", max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING)
    requested_by = models.ForeignKey(USER, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(USER, verbose_name="审批人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=500, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    payment_note = models.CharField("发放记录", max_length=500, blank=True)
    # 撤回: a pending request withdrawn, or an approval revoked before payment (the balance is freed)
    withdrawn_from = models.CharField("撤回前状态", max_length=10, blank=True)
    withdrawn_by = models.ForeignKey(USER, verbose_name="撤回人", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "补助资金申请"
        verbose_name_plural = verbose_name
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_grant_positive"),
            models.CheckConstraint(condition=Q(status__in=[GrantStatus.PENDING, GrantStatus.WITHDRAWN])
                                   | Q(decided_at__isnull=False), name="fund_grant_decided_has_time"),
            models.CheckConstraint(condition=~Q(status=GrantStatus.WITHDRAWN)
                                   | (Q(withdrawn_at__isnull=False) & ~Q(withdraw_reason="")),
                                   name="fund_grant_withdrawn_has_reason"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="fund_grant_not_self_approved"),
        ]
        indexes = [models.Index(fields=["fund_year", "status"])]

    def __str__(self) -> str:
        return f"补助申请 {self.pk}（{self.amount} 元）"


class GrantFile(models.Model):
    grant = models.ForeignKey(FundGrant, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="ledgers/fund/%Y/")
    name = models.CharField(max_length=200)
    mime = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class LibraryItem(models.Model):
    """法治信访资料库: laws, regulations, policies, model cases, internal and draft rules."""

    kind = models.CharField("类别", max_length=12, choices=LibraryKind.choices, db_index=True)
    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("制定/发布机关", max_length=120, blank=True)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("失效日期", null=True, blank=True)
    effective = models.BooleanField("现行有效", default=True, db_index=True)
    text = models.TextField("正文")
    categories = models.ManyToManyField(Category, verbose_name="适用内容分类", blank=True, related_name="library_items")
    published = models.BooleanField("在门户公开", default=False, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "法规资料"
        verbose_name_plural = verbose_name
        ordering = ["kind", "-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class LibraryVersion(models.Model):
    """Every saved text of an item (drafts are revised; old versions stay readable)."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文")
    note = models.CharField("修改说明", max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="library_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} 第{self.version}稿"


class LibraryComment(models.Model):
    """An opinion on a draft (征求意见), tied to the version it was read in."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="comments")
    version = models.PositiveIntegerField("针对版本")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("意见")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class PublicityActivity(models.Model):
    """宣传活动 of the 条例 (the bureau's duty: at least once a year)."""

    date = models.DateField("日期", db_index=True)
    title = models.CharField("活动名称", max_length=200)
    place = models.CharField("地点", max_length=200)
    audience_count = models.PositiveIntegerField("受众人数")
    material = models.TextField("宣传材料/形式", blank=True)
    unit = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "宣传活动"
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class Training(models.Model):
    """A training session of petition staff, with its attendees (staff accounts)."""

    date = models.DateField("日期", db_index=True)
    title = models.CharField("培训名称", max_length=200)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    place = models.CharField("地点", max_length=200, blank=True)
    organizer = models.CharField("主办", max_length=120, blank=True)
    attendees = models.ManyToManyField(USER, verbose_name="参训人员", related_name="trainings", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "业务培训"
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return self.title


class FormToken(models.Model):
    """A ledger form's one-time token: a double submission (double click, reload) of the same form
    is recognised and sent to the first result instead of saving twice."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "表单提交记录"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.token


__all__ = [
    "Adoption", "FormToken", "FundAllocation", "FundGrant", "FundYear", "GrantFile", "LedgerPolicy", "LibraryComment", "LibraryItem",
    "LibraryKind", "LibraryVersion", "Proposal", "ProposalKind", "PublicityActivity", "Rating", "Risk", "RiskLevel",
    "RiskReport", "RiskState", "SuggestionAdoption", "Training", "current_policy",
]
