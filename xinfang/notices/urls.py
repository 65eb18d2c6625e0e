from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/open/", views.notice_open, name="open"),
    path("read-all/", views.notice_read_all, name="read-all"),
    path("digest/", views.notice_digest, name="digest"),
]
