from django.contrib import admin

from .models import CalendarOverride, CalendarYear, RuleSet


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "confirmed", "note"]


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "note", "start_day_counted", "roll_over_to_workday"]

    def has_change_permission(self, request, obj=None):
        return False  # versions are immutable; add a new one
