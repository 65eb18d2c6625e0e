"""Django admin: the settings (versioned rows) are edited here; the records are read-only here
(they are written by the services)."""

from django.contrib import admin

from .models import Booking, Hearing, LeaderCase, LeadersPolicy, Meeting, ReceptionSession, Task


@admin.register(LeadersPolicy)
class LeadersPolicyAdmin(admin.ModelAdmin):
    list_display = ("version", "party_secretary", "county_head", "backlog_open_days", "backlog_repeat_count",
                    "execution_days", "created_at")
    exclude = ("version",)

    def save_model(self, request, obj, form, change):
        last = LeadersPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0
        obj.version = last + 1
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        return False  # a change is a new version (add a row)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model, fields in (
    (ReceptionSession, ("date", "start_time", "kind", "leader", "place", "published")),
    (Booking, ("booking_code", "session", "status", "created_at")),
    (LeaderCase, ("matter", "leader", "target_date", "status", "outcome")),
    (Hearing, ("matter", "scheduled_at", "status", "public")),
    (Meeting, ("date", "kind", "title")),
    (Task, ("pk", "source", "unit", "due", "status")),
):
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnly,), {"list_display": fields}))
