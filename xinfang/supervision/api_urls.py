"""/api/v1/stats/ (api-v1.md "Documents, supervision and figures")."""

from django.urls import path

from .api_views import RankingView, RatesView

urlpatterns = [
    path("rates/", RatesView.as_view(), name="api-stats-rates"),
    path("rankings/", RankingView.as_view(), name="api-stats-rankings"),
]
