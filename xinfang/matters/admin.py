"""Read-only views of matters for the technical administrator (all writes go through the services)."""

from django.contrib import admin

from .models import Deadline, Event, Matter


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "handling_unit", "received_at", "next_due"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["number", "title"]
    list_select_related = ["handling_unit"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["matter", "seq", "action", "actor", "unit", "occurred_at", "recorded_at"]
    list_filter = ["action"]
    list_select_related = ["matter", "actor", "unit"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["matter", "kind", "start", "due", "met_at", "cancelled_at", "provisional"]
    list_filter = ["kind", "provisional"]
    list_select_related = ["matter"]
