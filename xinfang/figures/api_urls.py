"""/api/v1/ paths of the figures app (api-v1.md "Figures, assessment and reports")."""

from django.urls import path, re_path

from . import api

urlpatterns = [
    path("stats/volume/", api.VolumeView.as_view(), name="api-stats-volume"),
    path("stats/volume/drill/", api.VolumeDrillView.as_view(), name="api-stats-volume-drill"),
    path("stats/alerts/", api.AlertsView.as_view(), name="api-stats-alerts"),
    path("assessments/", api.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", api.AssessmentDetailView.as_view(), name="api-assessment"),
    path("assessments/<int:pk>/publish/", api.AssessmentPublishView.as_view(), name="api-assessment-publish"),
    path("assessments/<int:pk>/manual-scores/", api.ManualScoreView.as_view(), name="api-assessment-manual"),
    path("assessments/<int:pk>/scores/", api.ScoresView.as_view(), name="api-assessment-scores"),
    path("reports/", api.ReportListView.as_view(), name="api-reports"),
    path("reports/annual/", api.AnnualReportView.as_view(), name="api-reports-annual"),
    re_path(r"^reports/(?P<pk>[0-9]+)/(?P<fmt>pdf|docx)/$", api.ReportFileView.as_view(), name="api-report-file"),
]
