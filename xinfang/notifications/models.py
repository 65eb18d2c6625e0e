"""Notifications to petitioners (SMS, e-mail): one row per message, with its delivery status.

Rows are written in the act's transaction (``hooks.queue_in_transaction``: an outbox) and sent by
``services.send_notification`` / ``services.send_pending_notifications`` (retried with backoff).
A failure to send never touches the matter: the act is already committed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from xinfang.core.inserts import CompiledInsert


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class Status(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class TemplateKey(models.TextChoices):
    REGISTERED = "registered", "登记告知"
    REPEAT_REGISTERED = "repeat_registered", "重复件登记告知"
    ACCEPTED = "accepted", "受理告知"
    DECLINED = "declined", "不予受理告知"
    ANSWERED = "answered", "直接答复告知"
    ROUTED = "routed", "导入法定程序告知"
    EXTENDED = "extended", "延期告知"
    REPLIED = "replied", "处理意见告知"
    DELIVERED = "delivered", "送达及复查/复核权利告知"
    REVIEW_DECIDED = "review_decided", "复查意见告知"
    RECHECK_DECIDED = "recheck_decided", "复核意见告知"
    MEDIATED = "mediated", "调解和解告知"
    CODE_RECOVERY = "code_recovery", "查询码找回"
    # not from a matter event: the portal's reception bookings (xinfang.leaders), queued with a ``key``
    RECEPTION_BOOKED = "reception_booked", "接访预约告知"
    RECEPTION_CONFIRMED = "reception_confirmed", "接访预约确认告知"
    RECEPTION_RESCHEDULED = "reception_rescheduled", "接访预约改期告知"


class Notification(CompiledInsert):
    # empty for a message no matter produces (a reception booking): those carry a ``key`` instead
    matter = models.ForeignKey("matters.Matter", verbose_name="信访事项", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="notifications")
    key = models.CharField("来源", max_length=80, blank=True)
    event = models.ForeignKey("matters.Event", verbose_name="触发事件", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    petition = models.ForeignKey("matters.Petition", verbose_name="信访件", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    recipient = models.CharField("接收人", max_length=200)
    template_key = models.CharField("模板", max_length=32, choices=TemplateKey.choices)
    text = models.TextField("内容")
    params = models.JSONField("模板参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    provider_message_id = models.CharField("服务商消息编号", max_length=100, blank=True)
    backend = models.CharField("发送方式", max_length=40, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]
        constraints = [
            # One message per act, channel and recipient: a re-run hook never sends twice.
            models.UniqueConstraint(fields=["event", "channel", "recipient"], condition=Q(event__isnull=False),
                                    name="notification_once_per_event_recipient"),
            # One message per source key (e.g. booking:12:confirmed) and channel: a repeated act never sends twice.
            models.UniqueConstraint(fields=["key", "channel"], condition=~Q(key=""), name="notification_once_per_key"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["matter", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_template_key_display()} {self.get_status_display()}"
