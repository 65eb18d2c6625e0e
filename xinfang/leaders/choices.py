"""Vocabulary of the leaders' side (domain §9, api-v1.md "Leaders and hard cases")."""

from django.db import models


class SessionKind(models.TextChoices):
    RECEPTION_DAY = "reception_day", "领导接访日"
    APPOINTMENT = "appointment", "约访"
    VISIT_DOWN = "visit_down", "下访"


class BookingStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    CANCELLED = "cancelled", "已取消"
    RECEIVED = "received", "已接待"


LIVE_BOOKING = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.RECEIVED)


class CaseStatus(models.TextChoices):
    OPEN = "open", "化解中"
    RESOLVED = "resolved", "已办结"


class CaseOutcome(models.TextChoices):
    RESOLVED = "resolved", "化解"
    STOPPED = "stopped", "息访"
    TERMINATED = "terminated", "依法终结"
    REFERRED = "referred", "移交"


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已安排"
    OPEN = "open", "听证中"
    CLOSED = "closed", "听证结束"
    CONCLUDED = "concluded", "已出具听证报告"


class MeetingKind(models.TextChoices):
    JOINT_MEETING = "joint_meeting", "信访工作联席会议"
    LEADERS_MEETING = "leaders_meeting", "领导专题会议"
    CAMPAIGN_MEETING = "campaign_meeting", "专项行动调度会"


class TaskSource(models.TextChoices):
    DECISION = "decision", "会议决定"
    RECEPTION = "reception", "领导接访批示"
    CASE = "case", "领导包案"
    EXECUTION = "execution", "决定落实"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待办理"
    REPORTED = "reported", "已报告待办结"
    DONE = "done", "已办结"


class ExecutionBasis(models.TextChoices):
    REPLY_SUPPORT = "reply_support", "处理意见支持诉求"
    REVIEW_REVISE = "review_revise", "复查变更原处理意见"
    RECHECK_REVISE = "recheck_revise", "复核变更复查意见"
    HEARING = "hearing", "听证结论"
