"""Staff pages of the leaders' side under /leaders/."""

from django.urls import path

from .views import pages, printing, receptions, work

app_name = "leaders"

urlpatterns = [
    path("", pages.home, name="home"),
    path("bureau/", pages.bureau, name="bureau"),
    path("day/", pages.day, name="day"),
    path("backlog/", pages.backlog, name="backlog"),
    path("sessions/new/", receptions.session_new, name="session_new"),
    path("sessions/<int:pk>/", receptions.session_detail, name="session"),
    path("sessions/<int:pk>/publish/", receptions.session_publish, name="session_publish"),
    path("sessions/<int:pk>/register.<str:fmt>", printing.session_register, name="session_register"),
    path("bookings/<int:pk>/<str:act>/", receptions.booking_act, name="booking_act"),
    path("cases/", work.case_list, name="cases"),
    path("cases/new/", work.case_new, name="case_new"),
    path("cases/<int:pk>/", work.case_detail, name="case"),
    path("hearings/new/", work.hearing_new, name="hearing_new"),
    path("hearings/<int:pk>/", work.hearing_detail, name="hearing"),
    path("meetings/new/", work.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", work.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/minutes.<str:fmt>", printing.meeting_minutes, name="meeting_minutes"),
    path("campaigns/new/", work.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", work.campaign_detail, name="campaign"),
    path("tasks/", work.task_list, name="tasks"),
    path("tasks/<int:pk>/", work.task_detail, name="task"),
]
