from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("volume/", views.volume_page, name="volume"),
    path("drill/", views.drill, name="drill"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/export.xlsx", views.assessment_export, name="assessment_export"),
    path("briefing/", views.briefing_page, name="briefing"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/preview.pdf", views.report_preview, name="report_preview"),
]
