"""Portal pages of reception days under /public/receptions/ (no account)."""

from django.urls import path

from .views import public

app_name = "leaders_public"

urlpatterns = [
    path("", public.session_list, name="list"),
    path("<int:pk>/book/", public.book, name="book"),
    path("done/", public.done, name="done"),
    path("hearings/", public.hearing_announcements, name="hearings"),
]
