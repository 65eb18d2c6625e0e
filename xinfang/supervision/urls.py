from django.urls import path

from .views import callbacks, dashboard, recommendations, records, stats

app_name = "supervision"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("engine/", dashboard.engine_runs, name="engine_runs"),
    path("records/", records.record_list, name="records"),
    path("records/new/", records.record_new, name="record_new"),
    path("records/<int:pk>/", records.record_detail, name="record"),
    path("records/<int:pk>/respond/", records.record_respond, name="record_respond"),
    path("records/<int:pk>/escalate/", records.record_escalate, name="record_escalate"),
    path("records/<int:pk>/close/", records.record_close, name="record_close"),
    path("bulletin/", records.bulletin, name="bulletin"),
    path("reminders/", records.reminders, name="reminders"),
    path("callbacks/", callbacks.callback_list, name="callbacks"),
    path("callbacks/sampling/", callbacks.sampling_new, name="sampling_new"),
    path("callbacks/<int:pk>/", callbacks.callback_detail, name="callback"),
    path("recommendations/", recommendations.recommendation_list, name="recommendations"),
    path("recommendations/new/", recommendations.recommendation_new, name="recommendation_new"),
    path("recommendations/<int:pk>/", recommendations.recommendation_detail, name="recommendation"),
    path("rates/", stats.rates_page, name="rates"),
    path("rates/drill/", stats.drill, name="drill"),
    path("rates/export.xlsx", stats.export, name="export"),
]
