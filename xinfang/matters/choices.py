"""Vocabulary of matters (api-v1.md "Vocabulary"): stable English values, Chinese labels."""

from django.db import models


class State(models.TextChoices):
    REGISTERED = "registered", "已登记"
    FORWARDED = "forwarded", "已转送"
    ASSIGNED = "assigned", "已交办"
    RETURN_REQUESTED = "return_requested", "申请退回"
    ACCEPTED = "accepted", "已受理"
    REPLIED = "replied", "已答复"
    REVIEW_REQUESTED = "review_requested", "申请复查"
    REVIEWED = "reviewed", "已复查"
    RECHECK_REQUESTED = "recheck_requested", "申请复核"
    CLOSED = "closed", "已办结"


STATE_LABELS = dict(State.choices)  # (a model's get_status_display builds this dict on every call)
OPEN_STATES = frozenset(s for s in State if s != State.CLOSED)
TERMINAL_STATES = frozenset({State.CLOSED})
BUREAU_HELD_STATES = frozenset({State.REGISTERED, State.RETURN_REQUESTED})
UNIT_HELD_STATES = frozenset({State.FORWARDED, State.ASSIGNED, State.ACCEPTED, State.REPLIED})


class CloseReason(models.TextChoices):
    ANSWERED = "answered", "直接答复办结"
    NOT_ACCEPTED = "not_accepted", "不予受理/不再受理"
    ROUTED = "routed", "导入其他法定程序"
    MEDIATED = "mediated", "调解和解办结"
    NO_REVIEW = "no_review", "未申请复查办结"
    NO_RECHECK = "no_recheck", "未申请复核办结"
    RECHECKED = "rechecked", "复核终结"
    CONFIRMED = "confirmed", "审核认定办结"
    MERGED = "merged", "合并办理"


class Channel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    ONLINE = "online", "网上信访"
    MOBILE = "mobile", "手机/微信信访"
    PHONE = "phone", "来电"
    FAX = "fax", "传真"
    LEADER_MAILBOX = "leader_mailbox", "领导信箱"
    UPSTREAM = "upstream", "上级转交办"


class Purpose(models.TextChoices):
    REQUEST = "request", "求决"
    APPEAL = "appeal", "申诉"
    SUGGESTION = "suggestion", "意见建议"
    ACCUSATION = "accusation", "揭发控告"
    CONSULTATION = "consultation", "咨询"
    OTHER = "other", "其他"


class HandlingClass(models.TextChoices):
    """§29–31: the purpose decides the handling class."""

    CLAIM = "claim", "申诉求决类"
    SUGGESTION = "suggestion", "建议意见类"
    ACCUSATION = "accusation", "检举控告类"
    CONSULTATION = "consultation", "咨询类"
    OTHER = "other", "其他"


PURPOSE_CLASS = {
    Purpose.REQUEST: HandlingClass.CLAIM,
    Purpose.APPEAL: HandlingClass.CLAIM,
    Purpose.SUGGESTION: HandlingClass.SUGGESTION,
    Purpose.ACCUSATION: HandlingClass.ACCUSATION,
    Purpose.CONSULTATION: HandlingClass.CONSULTATION,
    Purpose.OTHER: HandlingClass.OTHER,
}


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"
    UNKNOWN = "", "未说明"


class IdType(models.TextChoices):
    RIC = "ric", "居民身份证"
    OTHER = "other", "其他证件"


class DeclineReason(models.TextChoices):
    SAME_MATTER_IN_PROGRESS = "same_matter_in_progress", "同一事项已受理或正在办理（第十九条）"
    SAME_FACTS_AFTER_RECHECK = "same_facts_after_recheck", "复核后以同一事实和理由再次提出（第三十六条）"
    OTHER = "other", "其他不予受理情形"


class RouteProcedure(models.TextChoices):
    LITIGATION = "litigation", "诉讼"
    ARBITRATION = "arbitration", "仲裁"
    ADMIN_REVIEW = "admin_review", "行政复议"
    PARTY_APPEAL = "party_appeal", "党员申诉"
    ADMIN_PROCEDURE = "admin_procedure", "其他行政程序"
    DUTY = "duty", "依法履行职责程序"


class ReplyOutcome(models.TextChoices):
    SUPPORT = "support", "支持"
    EXPLAIN = "explain", "解释说明"
    NOT_SUPPORT = "not_support", "不支持"


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", "直接送达"
    MAIL = "mail", "邮寄送达"
    SMS_LINK = "sms_link", "短信链接送达"
    PORTAL = "portal", "网上送达"
    ANNOUNCEMENT = "announcement", "公告送达"


class EvaluationTarget(models.TextChoices):
    BUREAU = "bureau", "信访部门"
    UNIT = "unit", "责任单位"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class DecisionOutcome(models.TextChoices):
    UPHOLD = "uphold", "维持"
    REVISE = "revise", "变更"
    REDO = "redo", "责令重新办理"
