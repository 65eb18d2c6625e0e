from django.contrib import admin

from .models import PetitionerReminder, PortalSubmission, ReceptionDay


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ["date", "start_time", "leader_title", "leader_name", "place", "published"]
    list_filter = ["published"]
    date_hierarchy = "date"
    search_fields = ["leader_name", "place", "topic"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PetitionerReminder)
class PetitionerReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "matter", "deadline_kind", "deadline_due", "overdue_unit", "handled"]
    list_filter = ["handled", "deadline_kind"]
    search_fields = ["matter__number"]
    readonly_fields = ["matter", "petition", "text", "deadline_kind", "deadline_due", "overdue_unit", "created_at",
                       "handled_at", "handled_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PortalSubmission)
class PortalSubmissionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "matter", "consent_version"]
    readonly_fields = ["kind", "matter", "petition", "consent_version", "consented_at", "created_at"]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
