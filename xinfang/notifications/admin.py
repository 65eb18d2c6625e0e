from django.contrib import admin

from .models import Notification
from .selectors import mask_recipient


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "matter", "template_key", "channel", "masked_recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "template_key"]
    search_fields = ["matter__number"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name not in {"recipient", "text", "params"}] + ["masked_recipient"]
    exclude = ["recipient", "text", "params"]

    @admin.display(description="接收人")
    def masked_recipient(self, obj):
        return mask_recipient(obj.channel, obj.recipient)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
