from django.urls import path

from .api import MaterialView, NoticeView, TrackView

urlpatterns = [
    path("track/", TrackView.as_view(), name="api-public-track"),
    path("track/notice/", NoticeView.as_view(), name="api-public-track-notice"),
    path("track/material/", MaterialView.as_view(), name="api-public-track-material"),
]
