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


# What the engine's run log shows for its counts and steps (a key without a label shows as itself).
ENGINE_COUNT_LABELS = {
    "evaluations_lapsed": "评价期满",
    "matters_closed": "期满办结",
    "close_errors": "办结失败",
    "overdue_marked": "超期提醒",
    "due_soon_marked": "临期提醒",
    "callbacks_created": "不满意回访",
    "bounced_supervised": "多次退回督办",
    "recommendations_supervised": "建议书催反馈",
    "records_closed": "督办记录关闭",
    "records_escalated": "督办升级",
    "document_errors": "文书生成失败",
    "routing_retrained": "转送辅助重新训练",
    "staff_notices": "工作提醒",
    "staff_digests": "每日摘要",
    "notifications_sent": "通知已发送",
    "notifications_failed": "通知发送失败",
    "notifications_retried": "通知重试",
}
ENGINE_STEP_LABELS = {
    "lapse_evaluations": "评价期满",
    "close_lapsed_windows": "期满办结",
    "mark_overdue": "超期提醒",
    "mark_due_soon": "临期提醒",
    "callbacks_for_dissatisfied": "不满意回访",
    "supervise_bounced": "多次退回督办",
    "supervise_recommendations": "建议书催反馈",
    "close_moot_records": "关闭已履行的督办",
    "escalate_late": "督办升级",
    "send_notifications": "发送通知",
    "notify_staff": "工作提醒",
    "retrain_routing": "转送辅助训练",
}
ENGINE_VIA_LABELS = {"command": "定时命令", "celery": "Celery", "manual": "手动", "demo": "演示数据"}
