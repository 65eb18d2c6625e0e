"""Vocabulary of the bureau's ledgers (domain §9, api-v1.md "The bureau's ledgers")."""

from django.db import models

from xinfang.org.choices import UnitKind


class Adoption(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY_ADOPTED = "partly_adopted", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class Reward(models.TextChoices):
    NONE = "none", "未建议奖励"
    RECOMMENDED = "recommended", "已建议奖励"
    GRANTED = "granted", "已奖励"
    REFUSED = "refused", "未予奖励"


class ProposalKind(models.TextChoices):
    NPC = "npc", "人大代表建议"
    CPPCC = "cppcc", "政协委员提案"


class ProposalState(models.TextChoices):
    OPEN = "open", "办理中"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已反馈办结"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class RiskLevel(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "较大"
    HIGH = "high", "重大"


class RiskState(models.TextChoices):
    OPEN = "open", "化解中"
    RESOLVED = "resolved", "已化解"


class GrantStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    PAID = "paid", "已发放"
    WITHDRAWN = "withdrawn", "已撤回"


# Grants that use up the year's allocation.
COMMITTED = (GrantStatus.APPROVED, GrantStatus.PAID)


class LibraryKind(models.TextChoices):
    LAW = "law", "法律"
    REGULATION = "regulation", "法规规章"
    POLICY = "policy", "政策文件"
    CASE = "case", "典型案例"
    INTERNAL = "internal", "内部制度"
    DRAFT = "draft", "制度草案"


# The units that file the monthly risk-screening report (api-v1.md: "every town and department").
REPORTING_UNIT_KINDS = (UnitKind.TOWN, UnitKind.DEPARTMENT)
