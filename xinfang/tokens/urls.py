from django.urls import path

from . import views

app_name = "tokens"

urlpatterns = [
    path("account/tokens/", views.my_tokens, name="mine"),
    path("account/tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("manage/tokens/", views.all_tokens, name="all"),
]
