"""Vocabulary of supervision (domain §7): stable English values, Chinese labels."""

from django.db import models


class RecordKind(models.TextChoices):
    REMINDER = "reminder", "提醒"
    URGE = "urge", "催办"
    ORDER = "order", "督办单"
    LISTED = "listed", "挂牌督办"
    TALK = "talk", "约谈"
    BULLETIN = "bulletin", "通报"


# The escalation ladder: a late response moves the record one step up; 约谈 is the top.
LADDER = (RecordKind.REMINDER, RecordKind.URGE, RecordKind.ORDER, RecordKind.LISTED, RecordKind.TALK)
NEXT_STEP = {LADDER[i]: LADDER[i + 1] for i in range(len(LADDER) - 1)}
# Kinds a case officer may issue; the others need a bureau leader.
OFFICER_KINDS = frozenset({RecordKind.REMINDER, RecordKind.URGE, RecordKind.ORDER})


class Method(models.TextChoices):
    PHONE = "phone", "电话督办"
    LETTER = "letter", "发函督办"
    ONLINE = "online", "网上督办"
    ONSITE = "onsite", "实地督办"


class Trigger(models.TextChoices):
    MANUAL = "manual", "人工发起"
    DUE_SOON = "due_soon", "期限临近"
    OVERDUE = "overdue", "超期未办"
    BOUNCED = "bounced", "多次退回"
    ESCALATION = "escalation", "逾期未答复升级"
    CALLBACK = "callback", "回访发现问题"
    RECOMMENDATION = "recommendation", "建议书逾期未反馈"
    PETITIONER = "petitioner", "信访人催办"
    DECISION = "decision", "决定未执行"


class RecordState(models.TextChoices):
    OPEN = "open", "待答复"
    RESPONDED = "responded", "已答复"
    ESCALATED = "escalated", "已升级"
    CLOSED = "closed", "已销号"


OPEN_RECORD_STATES = frozenset({RecordState.OPEN})


class CallbackSource(models.TextChoices):
    DISSATISFIED = "dissatisfied", "不满意评价回访"
    SAMPLING = "sampling", "抽查回访"
    MANUAL = "manual", "人工安排"


class CallbackMethod(models.TextChoices):
    PHONE = "phone", "电话回访"
    VISIT = "visit", "上门回访"


class CallbackState(models.TextChoices):
    TODO = "todo", "待回访"
    DONE = "done", "已回访"


class RecommendationKind(models.TextChoices):
    IMPROVE_WORK = "improve_work", "改进工作建议"
    IMPROVE_POLICY = "improve_policy", "完善政策建议"
    ACCOUNTABILITY = "accountability", "追究责任建议"
    REWARD = "reward", "奖励建议"
    SANCTION = "sanction", "处罚建议"


class Adoption(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTIAL = "partial", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class RecommendationState(models.TextChoices):
    SENT = "sent", "待反馈"
    ANSWERED = "answered", "已反馈"
