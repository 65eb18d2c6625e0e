from django.contrib import admin

from .models import FigureSettings


@admin.register(FigureSettings)
class FigureSettingsAdmin(admin.ModelAdmin):
    """The thresholds of the early warnings and the 积案 rule: the newest row counts."""

    list_display = ["pk", "spike_min_count", "spike_ratio", "spike_sigma", "collective_min_count", "repeat_min_count",
                    "backlog_days", "created_at", "note"]
